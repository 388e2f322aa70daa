import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import static org.apache.spark.sql.functions.*;

/**
 * Order-independent digest of every Delta table under a lake (bench/crash.sh): per table the row count, the
 * distinct row count (duplicates show as a difference) and the sum of 60-bit row hashes. Columns that name the
 * run (run_id, _ingest_run_id) differ between runs by design and are left out; so are the audit tables (audit/runs,
 * audit/extract_log), which record every attempt, a killed one too, with its time. A folder whose Delta log holds no
 * commit (a first write killed before its commit) is listed as uncommitted: Delta, and phb, read it as absent.
 * Usage: java -cp <phb classpath> bench/TableDigest.java LAKE
 */
public class TableDigest {
    public static void main(String[] args) throws IOException {
        Path lake = Path.of(args[0]);
        List<Path> tables = new ArrayList<>();
        try (Stream<Path> s = Files.walk(lake)) {
            s.filter(p -> p.getFileName().toString().equals("_delta_log")).map(Path::getParent)
                    .filter(p -> !lake.relativize(p).toString().startsWith("audit/")).sorted().forEach(tables::add);
        }
        SparkSession spark = SparkSession.builder().master("local[2]").appName("digest").config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "4")
                .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
                .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog").getOrCreate();
        spark.sparkContext().setLogLevel("ERROR");
        for (Path t : tables) {
            // a table whose first commit never landed (a writer killed before it) is no table: Delta reads it as absent
            try (Stream<Path> log = Files.list(t.resolve("_delta_log"))) {
                if (log.noneMatch(f -> f.getFileName().toString().matches("[0-9]{20}\\.json"))) {
                    System.out.println(lake.relativize(t) + " uncommitted");
                    continue;
                }
            }
            Dataset<Row> d = spark.read().format("delta").load(t.toString());
            String[] cols = Arrays.stream(d.columns()).filter(c -> !c.equals("run_id") && !c.equals("_ingest_run_id")).sorted()
                    .toArray(String[]::new);
            Column[] cs = Arrays.stream(cols).map(c -> col("`" + c + "`")).toArray(Column[]::new);
            Dataset<Row> h = d.select(to_json(struct(cs)).alias("j")).select(sha2(col("j"), 256).alias("h"));
            Row r = h.agg(count(lit(1)), countDistinct(col("h")),
                    sum(conv(substring(col("h"), 1, 15), 16, 10).cast("decimal(38,0)"))).first();
            System.out.println(lake.relativize(t) + " rows=" + r.getLong(0) + " distinct=" + r.getLong(1) + " digest=" + r.get(2));
        }
        spark.stop();
    }
}
