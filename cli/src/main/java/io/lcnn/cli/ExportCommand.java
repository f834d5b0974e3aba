package io.lcnn.cli;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import com.fasterxml.jackson.databind.JsonNode;
import io.lcnn.exporter.OnnxExporter;
import io.lcnn.trainer.train.Checkpoint;
import io.lcnn.trainer.train.CheckpointException;
import io.lcnn.trainer.train.Network;
import java.nio.file.Path;

/** {@code lcnn export}: writes a trained checkpoint as an ONNX model with metadata. */
@Parameters(commandDescription = "Export a trained checkpoint folder as ONNX (opset 17, dynamic batch, metadata)")
public final class ExportCommand implements Subcommand {
  @Parameter(names = {"--help", "-h"}, help = true, description = "Show this command's options")
  private boolean help;

  @Parameter(names = "--checkpoint", required = true, description = "Folder written by lcnn train")
  private String checkpoint;

  @Parameter(names = "--out", required = true, description = "ONNX file to write")
  private String out;

  @Override
  public String name() {
    return "export";
  }

  @Override
  public boolean helpRequested() {
    return help;
  }

  @Override
  public int call() {
    Path dir = Path.of(checkpoint);
    try {
      JsonNode model = Checkpoint.readModel(dir);
      JsonNode record = Checkpoint.readRecord(dir);
      try (Network net = Checkpoint.load(dir)) {
        OnnxExporter.write(net, model, record, Path.of(out));
        System.out.printf("wrote %s (%s, %s build, recipe %s, opset %d)%n", out, net.spec().family().id(),
            net.spec().lcnn() ? "LCNN" : "standard", model.path("recipe").asText("?"), OnnxExporter.OPSET);
      }
    } catch (CheckpointException e) {
      throw new CliException(e.getMessage());
    }
    return 0;
  }
}
