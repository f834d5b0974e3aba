package io.lcnn.auditor.model;

/**
 * What a classifier's output holds, which decides its loss: cross-entropy of softmax(logits)
 * for {@link #LOGITS}, −log p_y for {@link #PROBABILITIES}.
 */
public enum OutputKind {
  LOGITS,
  PROBABILITIES;

  /** The JSON spelling: {@code "logits"} or {@code "probabilities"}. */
  public String json() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /** Detects the kind of a model: probabilities when its graph ends in a Softmax. */
  public static OutputKind detect(OnnxModelFile model) {
    return model.endsInSoftmax() ? PROBABILITIES : LOGITS;
  }

  /**
   * The kind a {@code --output} choice names: {@code "logits"}, {@code "probabilities"}, or
   * {@code "auto"} ({@link #detect}).
   *
   * @throws IllegalArgumentException for any other word
   */
  public static OutputKind resolve(String choice, OnnxModelFile model) {
    return switch (choice) {
      case "logits" -> LOGITS;
      case "probabilities" -> PROBABILITIES;
      case "auto" -> detect(model);
      default -> throw new IllegalArgumentException("--output must be auto, logits or probabilities, not '" + choice + "'");
    };
  }
}
