package io.lcnn.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.lcnn.auditor.result.AuditJson;
import io.lcnn.cli.Main;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lcnn audit --spark local[2]} against the local audit of the same model and data (two
 * worker threads): every per-sample figure within 1e-6 relative, and audit.json identical apart
 * from the time, the engine and the {@code --spark}/{@code --workers} options; the Spark run also
 * leaves samples.parquet with one row per sample holding the same figures.
 */
class SparkLocalAuditTest {
  @Test
  void localTwoGivesTheLocalAuditAndParquetRowsOfTheSameSamples(@TempDir Path dir) throws Exception {
    Path local = dir.resolve("local");
    Path spark = dir.resolve("spark");
    assertEquals(0, Main.run(Fixture.audit(local, "--workers", "2")));
    assertEquals(0, Main.run(Fixture.audit(spark, "--spark", "local[2]")));

    JsonNode a = Fixture.comparable(local);
    JsonNode b = Fixture.comparable(spark);
    int compared = 0;
    for (String split : List.of("test", "train")) {
      JsonNode sa = a.get("splits").get(split).get("samples");
      JsonNode sb = b.get("splits").get(split).get("samples");
      assertEquals(16, sa.size(), split);
      assertEquals(sa.size(), sb.size(), split);
      for (int i = 0; i < sa.size(); i++) {
        for (Iterator<Map.Entry<String, JsonNode>> f = sa.get(i).fields(); f.hasNext(); ) {
          Map.Entry<String, JsonNode> e = f.next();
          double x = e.getValue().asDouble();
          double y = sb.get(i).get(e.getKey()).asDouble();
          assertTrue(Math.abs(x - y) <= 1e-6 * Math.max(Math.abs(x), Math.abs(y)) || x == y,
              split + " sample " + i + " " + e.getKey() + ": local " + x + ", spark " + y);
          compared++;
        }
      }
    }
    assertTrue(compared > 300, "per-sample figures compared: " + compared);
    assertEquals(a, b, "audit.json apart from createdAt, provenance.engine and the engine options");

    JsonNode engine = AuditJson.mapper().readTree(spark.resolve("audit.json").toFile()).get("provenance").get("engine");
    assertEquals("spark", engine.get("kind").asText());
    assertEquals("local[2]", engine.get("master").asText());
    assertFalse(Files.exists(local.resolve(SampleTable.FILE)), "a local audit writes no Parquet");

    List<Group> rows = rows(spark.resolve(SampleTable.FILE));
    assertEquals(32, rows.size());
    JsonNode test = a.get("splits").get("test").get("samples");
    for (int i = 0; i < 16; i++) {
      assertEquals("test", rows.get(i).getString("split", 0));
      assertEquals(test.get(i).get("index").asInt(), rows.get(i).getInteger("index", 0));
      assertEquals(test.get(i).get("curvature").asDouble(), rows.get(i).getDouble("curvature", 0), "row " + i);
    }
    assertEquals("train", rows.get(16).getString("split", 0));
    assertEquals(a.get("splits").get("train").get("samples").get(15).get("gradNorm").asDouble(),
        rows.get(31).getDouble("gradNorm", 0));
  }

  private static List<Group> rows(Path file) throws Exception {
    List<Group> out = new ArrayList<>();
    try (ParquetReader<Group> r = ParquetReader.builder(new GroupReadSupport(), new org.apache.hadoop.fs.Path(file.toUri()))
        .withConf(new Configuration()).build()) {
      for (Group g = r.read(); g != null; g = r.read()) {
        out.add(g);
      }
    }
    return out;
  }
}
