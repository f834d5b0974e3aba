package io.lcnn.auditor.hybrid;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.lcnn.auditor.oracle.InputScale;
import io.lcnn.auditor.runtime.OrtRuntime;
import io.lcnn.auditor.runtime.TensorIO;
import io.lcnn.datasets.FloatTensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Jacobian-transpose-vector products Jᵀw of one node U (packed inputs a [B, Da] → packed outputs
 * o [B, Do] per sample) by central differences of U alone: column j of J is
 * (U(a + h e_j) − U(a − h e_j)) / 2h with h = {@value #RELATIVE_STEP} · max|a| of the sample.
 * Columns whose outputs do not overlap are perturbed together (Curtis–Powell–Reid compression):
 * the sparsity of J is learned once on a probe sample (a diagonal J, as of element-wise ops, is
 * recognized from two random sign patterns; otherwise each input is changed alone and the outputs
 * that move are recorded), and inputs are greedily coloured so that one pair of evaluations
 * serves every input of a colour. An element-wise node thus costs 2 evaluations per sample, a
 * dense one 2·Da. All perturbed rows of a batch go to ONNX Runtime in calls of bounded size.
 */
final class NodeJacobian implements AutoCloseable {
  /** Central-difference step relative to max|a| of a sample. */
  static final double RELATIVE_STEP = 1e-3;

  /** Most float values of perturbed rows held at once. */
  private static final int MAX_BUFFERED_VALUES = 1 << 23;

  private final OrtSession session;
  private final CutGraphs cut;
  private final int da;
  private final int doo;
  private int[][] colours;
  private int[][] support;
  private boolean diagonal;

  NodeJacobian(CutGraphs cut, OrtRuntime runtime) throws OrtException {
    this.cut = cut;
    this.session = runtime.open(cut.node().toByteArray());
    this.da = cut.packedSize(cut.activeInputs());
    this.doo = cut.packedSize(cut.usedOutputs());
  }

  /** Learns the sparsity of J at the probe inputs {@code a0} [1, Da] and colours the inputs. */
  void learnSparsity(float[] a0) {
    double h = RELATIVE_STEP * InputScale.of(a0, 0, da);
    if (da == doo && diagonalAt(a0, h)) {
      diagonal = true;
      colours = new int[][] {range(da)};
      support = null;
      return;
    }
    int[][] sup = new int[da][];
    int per = Math.max(1, MAX_BUFFERED_VALUES / Math.max(da, doo));
    float[] base = run(a0, 1);
    for (int from = 0; from < da; from += per) {
      int n = Math.min(per, da - from);
      float[] rows = new float[n * da];
      for (int r = 0; r < n; r++) {
        System.arraycopy(a0, 0, rows, r * da, da);
        rows[r * da + from + r] += (float) Math.max(1.0, 100 * h);
      }
      float[] out = run(rows, n);
      for (int r = 0; r < n; r++) {
        List<Integer> moved = new ArrayList<>();
        for (int k = 0; k < doo; k++) {
          if (out[r * doo + k] != base[k]) {
            moved.add(k);
          }
        }
        sup[from + r] = moved.stream().mapToInt(Integer::intValue).toArray();
      }
    }
    support = sup;
    colours = colour(sup);
  }

  /** Whether J is diagonal at a0: two sign patterns s, s' give the same (U(a+hs) − U(a−hs))/(2h·s). */
  private boolean diagonalAt(float[] a0, double h) {
    Random r = new Random(5);
    float[] rows = new float[4 * da];
    double[][] signs = new double[2][da];
    for (int p = 0; p < 2; p++) {
      for (int j = 0; j < da; j++) {
        signs[p][j] = r.nextBoolean() ? 1 : -1;
        rows[(2 * p) * da + j] = (float) (a0[j] + h * signs[p][j]);
        rows[(2 * p + 1) * da + j] = (float) (a0[j] - h * signs[p][j]);
      }
    }
    float[] out = run(rows, 4);
    double scale = 0;
    double worst = 0;
    for (int j = 0; j < da; j++) {
      double d1 = (out[j] - (double) out[da + j]) / (2 * h * signs[0][j]);
      double d2 = (out[2 * da + j] - (double) out[3 * da + j]) / (2 * h * signs[1][j]);
      scale = Math.max(scale, Math.max(Math.abs(d1), Math.abs(d2)));
      worst = Math.max(worst, Math.abs(d1 - d2));
    }
    return worst <= 1e-2 * scale;
  }

  /** Greedy colouring: inputs whose output supports are disjoint share a colour. */
  private int[][] colour(int[][] sup) {
    List<List<Integer>> groups = new ArrayList<>();
    List<boolean[]> used = new ArrayList<>();
    for (int j = 0; j < sup.length; j++) {
      int c = 0;
      for (; c < groups.size(); c++) {
        boolean[] u = used.get(c);
        boolean free = true;
        for (int k : sup[j]) {
          if (u[k]) {
            free = false;
            break;
          }
        }
        if (free) {
          break;
        }
      }
      if (c == groups.size()) {
        groups.add(new ArrayList<>());
        used.add(new boolean[doo]);
      }
      groups.get(c).add(j);
      for (int k : sup[j]) {
        used.get(c)[k] = true;
      }
    }
    int[][] out = new int[groups.size()][];
    for (int c = 0; c < out.length; c++) {
      out[c] = groups.get(c).stream().mapToInt(Integer::intValue).toArray();
    }
    return out;
  }

  /** Evaluations of U per sample for one product (2 per colour). */
  int evaluationsPerSample() {
    return 2 * colours.length;
  }

  /** Whether J was found diagonal. */
  boolean diagonal() {
    return diagonal;
  }

  /**
   * Jᵀw per sample.
   *
   * @param a packed node inputs [B·Da]
   * @param w packed output cotangents [B·Do]
   * @param b samples
   * @return packed input cotangents [B·Da]
   */
  float[] transposeTimes(float[] a, float[] w, int b) {
    float[] out = new float[b * da];
    int pairs = b * colours.length;
    int perCall = Math.max(1, MAX_BUFFERED_VALUES / (2 * Math.max(da, doo)));
    for (int start = 0; start < pairs; start += perCall) {
      int n = Math.min(perCall, pairs - start);
      float[] rows = new float[2 * n * da];
      double[] h = new double[n];
      for (int p = 0; p < n; p++) {
        int i = (start + p) / colours.length;
        int c = (start + p) % colours.length;
        h[p] = RELATIVE_STEP * InputScale.of(a, i * da, da);
        System.arraycopy(a, i * da, rows, 2 * p * da, da);
        System.arraycopy(a, i * da, rows, (2 * p + 1) * da, da);
        for (int j : colours[c]) {
          rows[2 * p * da + j] = (float) (a[i * da + j] + h[p]);
          rows[(2 * p + 1) * da + j] = (float) (a[i * da + j] - h[p]);
        }
      }
      float[] o = run(rows, 2 * n);
      for (int p = 0; p < n; p++) {
        int i = (start + p) / colours.length;
        int c = (start + p) % colours.length;
        for (int j : colours[c]) {
          double step = (double) rows[2 * p * da + j] - rows[(2 * p + 1) * da + j];
          int[] ks = diagonal ? new int[] {j} : support[j];
          double sum = 0;
          for (int k : ks) {
            sum += ((double) o[2 * p * doo + k] - o[(2 * p + 1) * doo + k]) / step * w[i * doo + k];
          }
          out[i * da + j] = (float) sum;
        }
      }
    }
    return out;
  }

  /**
   * Directional derivatives J·v per sample by one central difference each, the independent side
   * of the adjoint check w·(Jv) = (Jᵀw)·v.
   */
  float[] times(float[] a, float[] v, int b) {
    float[] rows = new float[2 * b * da];
    double[] h = new double[b];
    for (int i = 0; i < b; i++) {
      h[i] = RELATIVE_STEP * InputScale.of(a, i * da, da) / Math.max(InputScale.of(v, i * da, da), 1e-30);
      for (int j = 0; j < da; j++) {
        rows[2 * i * da + j] = (float) (a[i * da + j] + h[i] * v[i * da + j]);
        rows[(2 * i + 1) * da + j] = (float) (a[i * da + j] - h[i] * v[i * da + j]);
      }
    }
    float[] o = run(rows, 2 * b);
    float[] out = new float[b * doo];
    for (int i = 0; i < b; i++) {
      for (int k = 0; k < doo; k++) {
        out[i * doo + k] = (float) (((double) o[2 * i * doo + k] - o[(2 * i + 1) * doo + k]) / (2 * h[i]));
      }
    }
    return out;
  }

  /** U on {@code n} packed input rows, packed outputs [n·Do]. */
  private float[] run(float[] rows, int n) {
    Map<String, FloatTensor> feeds = new HashMap<>();
    int offset = 0;
    for (String a : cut.activeInputs()) {
      int size = cut.sampleSize(a);
      long[] sample = cut.sampleShape(a);
      long[] shape = new long[sample.length + 1];
      shape[0] = n;
      System.arraycopy(sample, 0, shape, 1, sample.length);
      float[] part = new float[n * size];
      for (int r = 0; r < n; r++) {
        System.arraycopy(rows, r * da + offset, part, r * size, size);
      }
      feeds.put(a, new FloatTensor(shape, part));
      offset += size;
    }
    Map<String, FloatTensor> out = TensorIO.run(session, feeds, Map.of(), cut.usedOutputs());
    return cut.pack(out, cut.usedOutputs(), n);
  }

  private static int[] range(int n) {
    int[] r = new int[n];
    Arrays.setAll(r, i -> i);
    return r;
  }

  @Override
  public void close() throws OrtException {
    session.close();
  }
}
