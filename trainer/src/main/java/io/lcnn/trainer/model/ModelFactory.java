package io.lcnn.trainer.model;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import io.lcnn.trainer.layers.CenteredSoftplus;
import io.lcnn.trainer.layers.Flatten;
import io.lcnn.trainer.layers.GlobalAvgPool;
import io.lcnn.trainer.layers.LipschitzBatchNorm;
import io.lcnn.trainer.layers.ResidualBlock;
import io.lcnn.trainer.layers.SpectralConv2d;
import io.lcnn.trainer.layers.SpectralLinear;
import io.lcnn.trainer.layers.Subsample;

/** Builds and initializes the networks described by {@link ModelSpec}. Logits are [N, classes]. */
public final class ModelFactory {
  /** Batch norm epsilon of the standard build (DJL's BatchNorm). */
  public static final float BN_EPS = 1e-5f;
  /** DJL momentum of the standard build's BatchNorm (running = 0.9·running + 0.1·batch). */
  public static final float BN_MOMENTUM = 0.9f;

  private ModelFactory() {}

  /** Builds the network and initializes its parameters (float32) in {@code manager}. */
  public static SequentialBlock create(ModelSpec spec, NDManager manager) {
    SequentialBlock net = switch (spec.family()) {
      case SMALL_CNN -> smallCnn(spec);
      case RESNET18 -> resnet18(spec);
    };
    net.initialize(manager, DataType.FLOAT32, new Shape(1, spec.channels(), spec.height(), spec.widthPixels()));
    return net;
  }

  private static SequentialBlock smallCnn(ModelSpec s) {
    int c1 = s.scaled(32);
    int c2 = s.scaled(64);
    SequentialBlock net = new SequentialBlock();
    convUnit(net, s, c1, 1);
    convUnit(net, s, c2, 2);
    convUnit(net, s, c2, 2);
    net.add(new Flatten());
    net.add(new SpectralLinear(s.numClasses()));
    return net;
  }

  private static SequentialBlock resnet18(ModelSpec s) {
    SequentialBlock net = new SequentialBlock();
    convUnit(net, s, s.scaled(64), 1);
    int in = s.scaled(64);
    int[] stages = {64, 128, 256, 512};
    for (int i = 0; i < stages.length; i++) {
      int out = s.scaled(stages[i]);
      for (int b = 0; b < 2; b++) {
        int stride = (b == 0 && i > 0) ? 2 : 1;
        net.add(basicBlock(s, in, out, stride));
        in = out;
      }
    }
    net.add(new GlobalAvgPool());
    net.add(new Flatten());
    net.add(new SpectralLinear(s.numClasses()));
    return net;
  }

  private static ResidualBlock basicBlock(ModelSpec s, int in, int out, int stride) {
    SequentialBlock main = new SequentialBlock();
    main.add(conv(s, out, 3, stride, 1)).add(norm(s)).add(activation(s));
    main.add(conv(s, out, 3, 1, 1)).add(norm(s));
    SequentialBlock shortcut = new SequentialBlock();
    if (stride != 1 || in != out) {
      if (stride != 1) {
        shortcut.add(new Subsample(stride));
      }
      shortcut.add(conv(s, out, 1, 1, 0)).add(norm(s));
    }
    return new ResidualBlock(main, shortcut, activation(s));
  }

  private static void convUnit(SequentialBlock net, ModelSpec s, int filters, int stride) {
    net.add(conv(s, filters, 3, stride, 1)).add(norm(s)).add(activation(s));
  }

  private static Block conv(ModelSpec s, int filters, int kernel, int stride, int pad) {
    if (s.lcnn()) {
      return new SpectralConv2d(filters, kernel, stride, pad, false);
    }
    return Conv2d.builder().setKernelShape(new Shape(kernel, kernel)).setFilters(filters)
        .optStride(new Shape(stride, stride)).optPadding(new Shape(pad, pad)).optBias(false).build();
  }

  private static Block norm(ModelSpec s) {
    if (s.lcnn()) {
      return new LipschitzBatchNorm();
    }
    return BatchNorm.builder().optEpsilon(BN_EPS).optMomentum(BN_MOMENTUM).build();
  }

  private static Block activation(ModelSpec s) {
    return s.lcnn()
        ? new CenteredSoftplus(CenteredSoftplus.INITIAL_BETA, true)
        : new CenteredSoftplus(s.activationBeta(), false);
  }
}
