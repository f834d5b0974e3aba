package io.lcnn.errors;

/**
 * Makes text from untrusted files (node names, metadata values, file names inside a model) safe
 * to print on a terminal or put in a one-line message: control characters (ESC, CR, LF, BEL,
 * DEL, the C1 range, bidirectional overrides) are replaced, so no escape sequence reaches the
 * terminal and no message spans lines.
 */
public final class PrintableText {
  private PrintableText() {}

  /**
   * The text with every control or format character replaced by {@code '?'}; null stays null.
   * Newlines and tabs are replaced too: use it on one value, not on a multi-line report.
   */
  public static String of(String s) {
    if (s == null) {
      return null;
    }
    StringBuilder b = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (unsafe(c)) {
        if (b == null) {
          b = new StringBuilder(s.length()).append(s, 0, i);
        }
        b.append('?');
      } else if (b != null) {
        b.append(c);
      }
    }
    return b == null ? s : b.toString();
  }

  /**
   * The first line of a message, with control characters replaced: what the CLI prints for a
   * failure. Null stays null.
   */
  public static String oneLine(String message) {
    if (message == null) {
      return null;
    }
    String t = message.strip();
    int nl = t.indexOf('\n');
    return of(nl < 0 ? t : t.substring(0, nl).stripTrailing());
  }

  /**
   * Replaces control characters in each line of a multi-line text (a table) and keeps its line
   * breaks.
   */
  public static String lines(String text) {
    if (text == null) {
      return null;
    }
    StringBuilder b = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      b.append(c == '\n' || (c != '\r' && !unsafe(c)) ? c : '?');
    }
    return b.toString();
  }

  private static boolean unsafe(char c) {
    int t = Character.getType(c);
    return t == Character.CONTROL || t == Character.FORMAT || t == Character.LINE_SEPARATOR
        || t == Character.PARAGRAPH_SEPARATOR;
  }
}
