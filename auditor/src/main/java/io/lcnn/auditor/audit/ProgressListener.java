package io.lcnn.auditor.audit;

/** Hears how far an audit has got, in samples per split (e.g. to draw a progress bar). */
public interface ProgressListener {
  /** Ignores everything. */
  ProgressListener NONE = new ProgressListener() {
    @Override
    public void start(String split, int samples) {}

    @Override
    public void advance(int samples) {}

    @Override
    public void finish() {}
  };

  /** A split of {@code samples} samples begins. */
  void start(String split, int samples);

  /** {@code samples} more samples are done. */
  void advance(int samples);

  /** The split is done. */
  void finish();
}
