package io.lcnn.cli;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;

/** {@code lcnn audit}: measures an ONNX classifier's geometry and writes audit.json. */
@Parameters(commandDescription = "Audit an ONNX classifier: gradients, Hessian norms, curvature -> DIR/audit.json")
public final class AuditCommand implements Subcommand {
  @Parameter(names = {"--help", "-h"}, help = true, description = "Show this command's options")
  private boolean help;

  @Override
  public String name() {
    return "audit";
  }

  @Override
  public boolean helpRequested() {
    return help;
  }

  @Override
  public int call() {
    throw new CliException("audit is not built yet");
  }
}
