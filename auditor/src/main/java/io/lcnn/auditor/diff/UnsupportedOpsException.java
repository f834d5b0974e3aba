package io.lcnn.auditor.diff;

import io.lcnn.auditor.model.ModelLoadException;
import java.util.List;

/**
 * A model that the differentiator cannot handle: some nodes on the path from the input to the
 * loss have no gradient rule (or use a form of their op that the rule does not cover). The
 * one-line message names every blocking node, e.g. {@code model.onnx: cannot differentiate 2
 * nodes: 'node_7' (LSTM), 'node_9' (TopK)}; {@link #blockers()} lists them for audit records.
 */
public final class UnsupportedOpsException extends ModelLoadException {
  private final List<Blocker> blockers;

  /** One node that cannot be differentiated: its name, op type and, if any, why its form is refused. */
  public record Blocker(String node, String opType, String reason) {
    /** {@code 'name' (OpType)} or {@code 'name' (OpType: reason)}. */
    @Override
    public String toString() {
      return "'" + node + "' (" + opType + (reason == null ? "" : ": " + reason) + ")";
    }
  }

  /**
   * @param model the model's name or path, for the message
   * @param blockers every node that blocks differentiation, in graph order
   */
  public UnsupportedOpsException(String model, List<Blocker> blockers) {
    super(message(model, blockers));
    this.blockers = List.copyOf(blockers);
  }

  private static String message(String model, List<Blocker> blockers) {
    StringBuilder sb = new StringBuilder(model).append(": cannot differentiate ")
        .append(blockers.size()).append(blockers.size() == 1 ? " node: " : " nodes: ");
    for (int i = 0; i < blockers.size(); i++) {
      sb.append(i == 0 ? "" : ", ").append(blockers.get(i));
    }
    return sb.toString();
  }

  /** The blocking nodes, in graph order. */
  public List<Blocker> blockers() {
    return blockers;
  }

  /** The distinct op types that block differentiation, in first-seen order. */
  public List<String> opTypes() {
    return blockers.stream().map(Blocker::opType).distinct().toList();
  }
}
