package io.lcnn.spark;

import io.lcnn.auditor.attack.AttackSuite;
import io.lcnn.auditor.audit.ShardResult;
import io.lcnn.auditor.result.SampleGeometry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

/**
 * The per-sample rows of an audit as one Parquet file, written on the driver: one row per audited
 * sample, test split first, in index order; the column {@code split}, then one column per
 * {@link SampleGeometry} component under its name (norms in input units, loss in nats), and for
 * test samples of an audit with attacks {@code clean_correct} and one {@code broken_at_eps_<ε>}
 * column per radius (the worst case over the attacks; the radius with {@code p} for the point,
 * e.g. {@code broken_at_eps_0p5}); those are null on training rows.
 */
public final class SampleTable {
  /** The file name beside audit.json. */
  public static final String FILE = "samples.parquet";

  private SampleTable() {}

  /** Writes the rows of {@code results} (any order) to {@code file}. */
  public static void write(Path file, List<ShardResult> results) {
    List<ShardResult> sorted = results.stream()
        .sorted(Comparator.comparing((ShardResult r) -> r.split().equals("test") ? 0 : 1).thenComparingInt(ShardResult::from))
        .toList();
    List<Double> eps = sorted.stream().filter(r -> r.robustness() != null).findFirst()
        .map(r -> r.robustness().attacks().eps()).orElse(List.of());
    RecordComponent[] columns = SampleGeometry.class.getRecordComponents();
    MessageType schema = schema(columns, eps);
    SimpleGroupFactory rows = new SimpleGroupFactory(schema);
    try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new LocalOutputFile(file)).withType(schema).build()) {
      for (ShardResult r : sorted) {
        AttackSuite.Outcome attacks = r.robustness() == null ? null : r.robustness().attacks();
        for (int i = 0; i < r.geometry().size(); i++) {
          Group g = rows.newGroup().append("split", r.split());
          SampleGeometry s = r.geometry().get(i);
          for (RecordComponent c : columns) {
            Object v = value(c, s);
            if (v instanceof Integer n) {
              g.append(c.getName(), n);
            } else {
              g.append(c.getName(), (Double) v);
            }
          }
          if (attacks != null) {
            g.append("clean_correct", attacks.cleanCorrect()[i]);
            for (int e = 0; e < eps.size(); e++) {
              g.append(epsColumn(eps.get(e)), attacks.worstBroken()[e][i]);
            }
          }
          w.write(g);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": cannot write the per-sample rows: " + e.getMessage(), e);
    }
  }

  private static MessageType schema(RecordComponent[] columns, List<Double> eps) {
    Types.MessageTypeBuilder b = Types.buildMessage();
    b.required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("split");
    for (RecordComponent c : columns) {
      if (c.getType() == int.class) {
        b.required(PrimitiveTypeName.INT32).named(c.getName());
      } else if (c.getType() == double.class) {
        b.required(PrimitiveTypeName.DOUBLE).named(c.getName());
      } else {
        throw new IllegalStateException("SampleGeometry." + c.getName() + " has a type the table does not write: " + c.getType());
      }
    }
    if (!eps.isEmpty()) {
      b.optional(PrimitiveTypeName.BOOLEAN).named("clean_correct");
      for (double e : eps) {
        b.optional(PrimitiveTypeName.BOOLEAN).named(epsColumn(e));
      }
    }
    return b.named("sample");
  }

  /** The column of the worst-case outcome at radius {@code eps}. */
  public static String epsColumn(double eps) {
    return "broken_at_eps_" + String.format(Locale.ROOT, "%s", eps).replace('.', 'p');
  }

  private static Object value(RecordComponent c, SampleGeometry s) {
    try {
      return c.getAccessor().invoke(s);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("cannot read SampleGeometry." + c.getName(), e);
    }
  }
}
