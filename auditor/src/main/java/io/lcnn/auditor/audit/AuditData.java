package io.lcnn.auditor.audit;

import io.lcnn.datasets.LabeledData;

/**
 * The samples an audit measures, with the file names recorded in audit.json.
 *
 * @param test test split (required)
 * @param testInputs where the test inputs came from
 * @param testLabels where the test labels came from
 * @param train training split, or null
 * @param trainInputs where the training inputs came from, or null
 * @param trainLabels where the training labels came from, or null
 */
public record AuditData(
    LabeledData test, String testInputs, String testLabels, LabeledData train, String trainInputs, String trainLabels) {

  /** Test data only. */
  public static AuditData testOnly(LabeledData test, String inputs, String labels) {
    return new AuditData(test, inputs, labels, null, null, null);
  }
}
