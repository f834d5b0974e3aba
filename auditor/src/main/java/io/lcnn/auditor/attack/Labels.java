package io.lcnn.auditor.attack;

/** Label-array helpers. */
final class Labels {
  private Labels() {}

  static int[] select(int[] labels, int[] index) {
    int[] out = new int[index.length];
    for (int r = 0; r < index.length; r++) {
      out[r] = labels[index[r]];
    }
    return out;
  }
}
