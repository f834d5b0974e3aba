package io.lcnn.reports.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lcnn.auditor.result.GateOutcome;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.Validator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/** The gate's JUnit XML validates against Surefire's test-report schema and carries each rule. */
class JUnitXmlTest {
  @TempDir Path tmp;

  @Test
  void xmlValidatesAgainstSurefireSchemaWithOneTestCasePerRule() throws Exception {
    GateReport report = new GateReport("models/<lcnn>.onnx", List.of(
        new GateOutcome("max-curvature p90=50", true, 12.5, 50, "p90 curvature on test = 12.5 <= 50"),
        new GateOutcome("min-robust-accuracy 0.1=0.6", false, 0.41, 0.6,
            "worst-case robust accuracy at eps 0.1 = 0.41 < 0.6 & \"quoted\" <tag>\u0007"),
        new GateOutcome("require-exact", false, 1, 0, "gradient exact, HVP finite-difference")));
    Path file = tmp.resolve("gate.xml");
    JUnitXml.write(file, report);
    String xml = Files.readString(file);

    Validator v = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI)
        .newSchema(new StreamSource(getClass().getResourceAsStream("/xsd/surefire-test-report-3.0.xsd")))
        .newValidator();
    v.validate(new StreamSource(new StringReader(xml)));

    Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new InputSource(new StringReader(xml)));
    Element suite = doc.getDocumentElement();
    assertEquals("3", suite.getAttribute("tests"));
    assertEquals("2", suite.getAttribute("failures"));
    NodeList cases = suite.getElementsByTagName("testcase");
    assertEquals(3, cases.getLength());
    assertEquals("min-robust-accuracy 0.1=0.6", ((Element) cases.item(1)).getAttribute("name"));
    Element failure = (Element) ((Element) cases.item(1)).getElementsByTagName("failure").item(0);
    assertTrue(failure.getAttribute("message").contains("0.41 < 0.6 & \"quoted\" <tag>?"), failure.getAttribute("message"));
    assertEquals(0, ((Element) cases.item(0)).getElementsByTagName("failure").getLength());
  }
}
