package io.lcnn.cli;

/** The tool version, from the jar manifest when packaged. */
public final class Version {
  private Version() {}

  /** e.g. {@code 0.1.0-SNAPSHOT}; {@code dev} when run from classes. */
  public static String get() {
    String v = Main.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
