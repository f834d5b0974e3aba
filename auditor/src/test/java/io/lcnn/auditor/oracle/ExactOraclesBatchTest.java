package io.lcnn.auditor.oracle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import io.lcnn.auditor.model.OnnxModelFile;
import io.lcnn.auditor.model.OutputKind;
import io.lcnn.auditor.runtime.OrtRuntime;
import io.lcnn.datasets.FloatTensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Models exported with a fixed batch size still take any batch: the batch axis is made dynamic
 * when the graph allows it, else the oracles run in chunks of the fixed size. Checked against
 * the closed form ∇ = softmax(z) − onehot(y) of a model whose logits are its input.
 */
class ExactOraclesBatchTest {
  /** x [batch, 4] → Reshape(x, [batch, 4]) (a hard-coded batch when {@code hardCoded}) → logits. */
  private static OnnxModelFile model(long batch, boolean hardCoded) {
    OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("fixed");
    ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(hardCoded ? batch : -1).putLong(4);
    g.addInitializer(OnnxMl.TensorProto.newBuilder().setName("shape").setDataType(7).addDims(2)
        .setRawData(ByteString.copyFrom(b.array())));
    g.addNode(OnnxMl.NodeProto.newBuilder().setOpType("Reshape").setName("r").addInput("x").addInput("shape").addOutput("y"));
    OnnxMl.TypeProto t = OnnxMl.TypeProto.newBuilder().setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(1)
        .setShape(OnnxMl.TensorShapeProto.newBuilder()
            .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(batch))
            .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(4)))).build();
    g.addInput(OnnxMl.ValueInfoProto.newBuilder().setName("x").setType(t));
    g.addOutput(OnnxMl.ValueInfoProto.newBuilder().setName("y").setType(t));
    OnnxMl.ModelProto m = OnnxMl.ModelProto.newBuilder().setIrVersion(8)
        .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(17)).setGraph(g).build();
    return OnnxModelFile.parse(Path.of("fixed.onnx"), m.toByteArray());
  }

  @Test
  void fixedBatchOfOneIsMadeDynamic() {
    try (ExactOracles o = ExactOracles.create(model(1, false), OrtRuntime.cpu(1), OutputKind.LOGITS)) {
      assertEquals(0, o.graphs().fixedBatch());
      checkBatchOfFive(o);
    }
  }

  @Test
  void hardCodedBatchRunsInChunksOfItsSize() {
    try (ExactOracles o = ExactOracles.create(model(2, true), OrtRuntime.cpu(1), OutputKind.LOGITS)) {
      assertEquals(2, o.graphs().fixedBatch());
      checkBatchOfFive(o);
    }
  }

  private static void checkBatchOfFive(ExactOracles o) {
    Random r = new Random(9);
    float[] x = new float[20];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    int[] labels = {0, 3, 1, 2, 3};
    GradientResult g = o.gradient().gradient(new FloatTensor(new long[] {5, 4}, x), labels);
    assertArrayEquals(new long[] {5, 4}, g.gradient().shape());
    assertEquals(5, g.loss().length);
    FloatTensor hv = o.hvp().hvp(new FloatTensor(new long[] {5, 4}, x), labels, new FloatTensor(new long[] {5, 4}, x.clone()));
    assertArrayEquals(new long[] {5, 4}, hv.shape());
    for (int i = 0; i < 5; i++) {
      double sum = 0;
      for (int k = 0; k < 4; k++) {
        sum += Math.exp(x[4 * i + k]);
      }
      assertEquals(Math.log(sum) - x[4 * i + labels[i]], g.loss()[i], 1e-5, "loss of sample " + i);
      for (int k = 0; k < 4; k++) {
        double p = Math.exp(x[4 * i + k]) / sum;
        assertEquals(p - (k == labels[i] ? 1 : 0), g.gradient().data()[4 * i + k], 1e-6, "gradient " + i + "," + k);
      }
    }
  }
}
