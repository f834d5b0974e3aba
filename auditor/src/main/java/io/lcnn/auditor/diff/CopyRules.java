package io.lcnn.auditor.diff;

import java.util.List;

/**
 * Rules of ops whose every output element is a copy of one input element of the same sample:
 * Gather on float data, Slice with any steps, DepthToSpace and SpaceToDepth, and Pad in
 * reflect/edge/wrap mode. Where the sizes and operands are static, the source of each output
 * element (within a sample) is computed once into a constant index map; where they are computed
 * at run time (indices that depend on the input, bounds that depend on the batch size), the same
 * node applied to the input's flat positions gives the map in the graph ({@link #scatterThrough}).
 * Either way the adjoint scatter-adds the output adjoint back through it (ScatterElements ↔
 * GatherElements keeps the rule set closed).
 */
final class CopyRules {
  private CopyRules() {}

  static void register(RuleTable t) {
    t.put("Gather", new GradientRule() {
      @Override
      public void backward(BackwardStep s) {
        if (!staticGather(s)) {
          s.add(0, scatterThrough(s, false));
          return;
        }
        long[] in = s.shape(s.in(0));
        long[] out = s.shape(s.out(0));
        long[] idxShape = s.shape(s.in(1));
        long[] idx = s.facts().constInts(s.in(1));
        int axis = (int) BackwardStep.axis(Attrs.i(s.node(), "axis", 0), in.length);
        int q = idxShape.length;
        s.add(0, scatterBack(s, sources(in, out, o -> {
          long[] src = new long[in.length];
          for (int a = 1; a < axis; a++) {
            src[a] = o[a];
          }
          long flat = 0;
          for (int k = 0; k < q; k++) {
            flat = flat * idxShape[k] + o[axis + k];
          }
          long v = idx[(int) flat];
          src[axis] = v < 0 ? v + in[axis] : v;
          for (int a = axis + 1; a < in.length; a++) {
            src[a] = o[a + q - 1];
          }
          return src;
        })));
      }
    });
    t.put("DepthToSpace", new GradientRule() {
      @Override
      public void backward(BackwardStep s) {
        long[] in = s.shape(s.in(0));
        long[] out = s.shape(s.out(0));
        long b = Attrs.i(s.node(), "blocksize", 1);
        boolean crd = Attrs.s(s.node(), "mode", "DCR").equals("CRD");
        long c = out[1];
        s.add(0, scatterBack(s, sources(in, out, o -> {
          long i = o[2] % b;
          long j = o[3] % b;
          long ch = crd ? o[1] * b * b + i * b + j : (i * b + j) * c + o[1];
          return new long[] {0, ch, o[2] / b, o[3] / b};
        })));
      }

      @Override
      public String refusal(BackwardStep s) {
        return staticInner(s);
      }
    });
    t.put("SpaceToDepth", new GradientRule() {
      @Override
      public void backward(BackwardStep s) {
        long[] in = s.shape(s.in(0));
        long[] out = s.shape(s.out(0));
        long b = Attrs.i(s.node(), "blocksize", 1);
        long c = in[1];
        s.add(0, scatterBack(s, sources(in, out, o -> {
          long block = o[1] / c;
          return new long[] {0, o[1] % c, o[2] * b + block / b, o[3] * b + block % b};
        })));
      }

      @Override
      public String refusal(BackwardStep s) {
        return staticInner(s);
      }
    });
  }

  /** Whether a Gather's indices are constants, not along the batch axis, over static sizes. */
  private static boolean staticGather(BackwardStep s) {
    if (s.facts().constInts(s.in(1)) == null) {
      return false;
    }
    long[] in = s.shape(s.in(0));
    return BackwardStep.axis(Attrs.i(s.node(), "axis", 0), in.length) != 0 && staticInner(s) == null;
  }

  /** Maps an output multi-index (axis 0 unused) to the input multi-index it copies. */
  interface SourceOf {
    long[] of(long[] outIndex);
  }

  /** Flat source positions (within one sample) of every output element of one sample. */
  static long[] sources(long[] in, long[] out, SourceOf f) {
    int r = out.length;
    long n = 1;
    for (int a = 1; a < r; a++) {
      n *= out[a];
    }
    long[] map = new long[Math.toIntExact(n)];
    long[] o = new long[r];
    for (int j = 0; j < map.length; j++) {
      long rest = j;
      for (int a = r - 1; a >= 1; a--) {
        o[a] = rest % out[a];
        rest /= out[a];
      }
      long[] src = f.of(o);
      long flat = 0;
      for (int a = 1; a < in.length; a++) {
        flat = flat * in[a] + src[a];
      }
      map[j] = flat;
    }
    return map;
  }

  /** Scatter-adds the output adjoint (one sample per row) to the input positions in {@code map}. */
  static String scatterBack(BackwardStep s, long[] map) {
    GraphEmitter e = s.emit();
    long[] in = s.shape(s.in(0));
    long inner = 1;
    for (int a = 1; a < in.length; a++) {
      inner *= in[a];
    }
    String idx = e.op("Reshape", e.ints(map), e.ints(1, map.length));
    String flatG = s.op("Reshape", s.grad(0), e.ints(-1, map.length));
    String flatX = s.op("Reshape", s.in(0), e.ints(-1, inner));
    String scattered = e.op("ScatterElements", List.of(e.zerosLike(flatX), e.op("Expand", idx, s.op("Shape", flatG)), flatG),
        Attrs.i("axis", 1), Attrs.s("reduction", "add"));
    return e.reshapeLike(scattered, s.in(0));
  }

  /**
   * Adjoint of a copy op whose operands (indices, pads, starts, repeats, scales) may be computed
   * at run time: the node is applied once more, with the same operands, to 1 + the flat position
   * of every input element, which tells each output element's source (0 marks the fill of a
   * constant-mode Pad, whose fill value input is dropped); the output adjoint is scatter-added
   * back through them into a buffer whose slot 0 collects what the fill received, and that slot is
   * cut off. {@code int32} positions serve ops without int64 kernels (Resize).
   */
  static String scatterThrough(BackwardStep s, boolean int32) {
    GraphEmitter e = s.emit();
    String x = s.in(0);
    List<String> inputs = new java.util.ArrayList<>(s.node().getInputList());
    String positions = e.op("Add", e.positions(x), e.ints(1));
    inputs.set(0, int32 ? e.op("Cast", List.of(positions), Attrs.i("to", Tensors.INT32)) : positions);
    if (s.node().getOpType().equals("Pad") && inputs.size() > 2) {
      inputs.set(2, "");
    }
    String sources = e.op(s.node().getOpType(), inputs,
        s.node().getAttributeList().toArray(ai.onnx.proto.OnnxMl.AttributeProto[]::new));
    if (int32) {
      sources = e.op("Cast", List.of(sources), Attrs.i("to", Tensors.INT64));
    }
    String flatIdx = e.op("Reshape", sources, e.ints(-1));
    String flatG = e.op("Reshape", s.grad(0), e.ints(-1));
    String slots = e.op("Add", e.op("Reshape", e.op("Size", x), e.ints(1)), e.ints(1));
    String scattered = e.op("ScatterElements", List.of(e.zerosOfShape(slots, x), flatIdx, flatG), Attrs.i("axis", 0),
        Attrs.s("reduction", "add"));
    String kept = e.op("Slice", scattered, e.ints(1), e.ints(Long.MAX_VALUE), e.ints(0));
    return e.reshapeLike(kept, x);
  }

  /** A refusal when the input or output of the node has a dynamic axis other than the batch. */
  static String staticInner(BackwardStep s) {
    for (String v : List.of(s.in(0), s.out(0))) {
      long[] d = s.shape(v);
      for (int a = 1; a < d.length; a++) {
        if (d[a] < 0) {
          return "sizes past the batch axis are not static";
        }
      }
    }
    return null;
  }
}
