package io.lcnn.cli;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.lcnn.auditor.bound.BoundLayer;
import io.lcnn.auditor.bound.BoundReport;
import io.lcnn.auditor.bound.CurvatureBound;
import io.lcnn.auditor.bound.OperatorNorm;
import io.lcnn.auditor.model.OnnxModelFile;
import io.lcnn.auditor.model.OutputKind;
import io.lcnn.auditor.result.AuditJson;
import io.lcnn.auditor.runtime.Device;
import io.lcnn.auditor.runtime.OrtRuntime;
import java.nio.file.Path;
import java.util.Locale;

/**
 * {@code lcnn bound}: the data-free curvature bound of Theorem 1 for an ONNX classifier, with the
 * per-layer table (norms by power iteration, activation bounds, each layer's term), or one JSON
 * object with {@code --json}.
 */
@Parameters(commandDescription = "Data-free bound on the loss curvature C_f (Theorem 1), with the per-layer table")
public final class BoundCommand implements Subcommand {
  @Parameter(names = {"--help", "-h"}, help = true, description = "Show this command's options")
  private boolean help;

  @Parameter(names = "--model", description = "The ONNX classifier (.onnx)")
  private String model;

  @Parameter(names = "--json", description = "Print one JSON object (curvatureBound is null when there is none)")
  private boolean json;

  @Parameter(names = "--output", description = "What the model outputs: auto (probabilities if it ends in Softmax), logits or probabilities")
  private String output = "auto";

  @Parameter(names = "--power-iters", description = "Most power-iteration steps per linear stage")
  private int powerIters = OperatorNorm.DEFAULT_MAX_ITERATIONS;

  @Parameter(names = "--power-tol", description = "Relative change of the norm estimate at which power iteration stops")
  private double powerTol = OperatorNorm.DEFAULT_TOLERANCE;

  @Parameter(names = "--seed", description = "Seed of the power iterations' start vectors")
  private long seed = 0;

  @Parameter(names = "--threads", description = "ONNX Runtime intra-op threads (0: its default)")
  private int threads = 0;

  @Override
  public String name() {
    return "bound";
  }

  @Override
  public boolean helpRequested() {
    return help;
  }

  @Override
  public int call() {
    if (model == null) {
      throw new CliException("--model is required");
    }
    if (powerIters < 1 || !(powerTol > 0)) {
      throw new CliException("--power-iters must be ≥ 1 and --power-tol > 0");
    }
    OnnxModelFile m = OnnxModelFile.load(Path.of(model));
    OutputKind kind;
    try {
      kind = OutputKind.resolve(output, m);
    } catch (IllegalArgumentException e) {
      throw new CliException(e.getMessage());
    }
    BoundReport r = new CurvatureBound(new OrtRuntime(Device.CPU, threads, System.err), powerIters, powerTol, seed)
        .compute(m, kind);
    if (json) {
      try {
        System.out.println(AuditJson.mapper().writeValueAsString(r));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("cannot serialize the bound: " + e.getMessage(), e);
      }
    } else {
      System.out.print(format(r));
    }
    return 0;
  }

  /** The per-layer table and the bounds, as the console prints them. */
  static String format(BoundReport r) {
    StringBuilder sb = new StringBuilder();
    sb.append("function: ").append(r.function()).append('\n');
    sb.append(String.format(Locale.ROOT, "%3s  %-10s  %-44s  %8s  %11s  %10s  %9s  %12s  %12s%n",
        "i", "kind", "layer", "n_i", "L_i", "C_i", "K_i", "n_i·C_i·ΠL", "Hessian term"));
    for (BoundLayer l : r.layers()) {
      String name = l.name() + (l.beta() == null ? "" : String.format(Locale.ROOT, " (β=%.4g)", l.beta()));
      sb.append(String.format(Locale.ROOT, "%3d  %-10s  %-44s  %8d  %11.5g  %10s  %9.4g  %12s  %12s%n",
          l.index(), l.kind(), abbreviate(name, 44), l.size(), l.lipschitz(),
          l.curvature() == null ? "unbounded" : String.format(Locale.ROOT, "%.4g", l.curvature()),
          l.secondDerivative(), number(l.curvatureTerm()), number(l.hessianTerm())));
    }
    sb.append("curvature bound   (").append(r.form()).append("): ").append(number(r.curvatureBound())).append('\n');
    sb.append("Hessian-norm bound: ").append(number(r.hessianNormBound())).append('\n');
    sb.append("gradient-norm bound: ").append(number(r.gradientNormBound())).append('\n');
    if (r.noBound() != null) {
      sb.append("no bound at node '").append(r.noBound().node()).append("' (").append(r.noBound().op()).append("): ")
          .append(r.noBound().reason()).append('\n');
    }
    if (r.lcnnMetadata() != null) {
      sb.append("lcnn metadata: β ").append(r.lcnnMetadata().betasMatch() ? "match" : "DO NOT match")
          .append(" the graph ").append(r.lcnnMetadata().betasGraph()).append("; ")
          .append(r.lcnnMetadata().gammasMetadata().isEmpty() ? "no γ in the metadata (plain batch norm)"
              : r.lcnnMetadata().gammasHold() ? "γ " + r.lcnnMetadata().gammasMetadata() + " bound" : "γ DO NOT bound")
          .append(" the batch-norm scales ").append(r.lcnnMetadata().batchNormMaxScales()).append('\n');
    }
    return sb.toString();
  }

  private static String number(Double v) {
    return v == null ? "none" : String.format(Locale.ROOT, "%.5g", v);
  }

  private static String abbreviate(String s, int n) {
    return s.length() <= n ? s : "…" + s.substring(s.length() - n + 1);
  }
}
