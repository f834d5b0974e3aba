package io.lcnn.auditor.audit;

import io.lcnn.auditor.model.OnnxModelFile;
import io.lcnn.datasets.LabeledData;
import java.util.Arrays;

/**
 * Checks audit inputs against the model before any work: sample shape against the model's
 * declared input shape (dynamic axes match anything), finite values, labels in [0, classes).
 * Each failure is an {@link InvalidInputException} with one line naming the file.
 */
public final class InputValidator {
  private InputValidator() {}

  /** Checks shape and finiteness of a split's inputs. */
  public static void checkInputs(OnnxModelFile model, LabeledData data, String inputsName) {
    if (data.size() == 0) {
      throw new InvalidInputException(inputsName + ": no samples");
    }
    long[] expected = model.sampleShape();
    long[] actual = data.inputs().sampleShape();
    boolean declared = !model.inputShape().isEmpty();
    if (declared && !matches(expected, actual)) {
      throw new InvalidInputException(inputsName + ": sample shape " + Arrays.toString(actual)
          + " does not fit the model input '" + model.inputName() + "' " + model.inputShape()
          + " (expected [N, " + Arrays.toString(expected).replaceAll("[\\[\\]]", "").replace("-1", "?") + "])");
    }
    float[] x = data.inputs().data();
    int d = data.inputs().sampleSize();
    for (int k = 0; k < x.length; k++) {
      if (!Float.isFinite(x[k])) {
        throw new InvalidInputException(inputsName + ": sample " + (k / d) + " holds " + x[k]
            + " at position " + (k % d) + "; inputs must be finite");
      }
    }
  }

  /** Checks that every label is a class of a {@code classes}-way classifier. */
  public static void checkLabels(LabeledData data, int classes, String labelsName) {
    int[] y = data.labels();
    for (int i = 0; i < y.length; i++) {
      if (y[i] < 0 || y[i] >= classes) {
        throw new InvalidInputException(labelsName + ": label " + y[i] + " of sample " + i
            + " is outside the model's " + classes + " classes [0, " + (classes - 1) + "]");
      }
    }
  }

  private static boolean matches(long[] expected, long[] actual) {
    if (expected.length != actual.length) {
      return false;
    }
    for (int i = 0; i < expected.length; i++) {
      if (expected[i] > 0 && expected[i] != actual[i]) {
        return false;
      }
    }
    return true;
  }
}
