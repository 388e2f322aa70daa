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
 * The I/O floor of a batch (bench/batch.sh): the time to merely read every landing file once with the same
 * engine and cores, twice over. "read" decodes every line as text; "parse" splits every CSV line into its
 * columns (all as strings) and touches every value. Nothing is validated or written, so no batch over the same
 * files can be faster than "parse". Prints one JSON object.
 * Usage: java -cp <phb classpath> bench/ReadFloor.java LANDING
 */
public class ReadFloor {
    public static void main(String[] args) throws IOException {
        Path landing = Path.of(args[0]);
        List<Path> feeds = new ArrayList<>();
        try (Stream<Path> s = Files.list(landing)) {
            s.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().startsWith("_")).sorted().forEach(feeds::add);
        }
        SparkSession spark = SparkSession.builder().master("local[*]").appName("read-floor").config("spark.ui.enabled", "false")
                .getOrCreate();
        spark.sparkContext().setLogLevel("ERROR");
        String[] folders = feeds.stream().map(Path::toString).toArray(String[]::new);

        long t0 = System.nanoTime();
        Row text = spark.read().text(folders).agg(count(lit(1)), sum(length(col("value")))).first();
        double readSeconds = (System.nanoTime() - t0) / 1e9;

        long t1 = System.nanoTime();
        long parsedRows = 0;
        long values = 0;
        for (String f : folders) {
            Dataset<Row> d = spark.read().option("header", "true").option("mode", "PERMISSIVE").csv(f);
            Column[] all = Arrays.stream(d.columns()).map(c -> coalesce(length(col("`" + c + "`")), lit(0))).toArray(Column[]::new);
            Column width = Arrays.stream(all).reduce(Column::plus).orElse(lit(0));
            Row r = d.agg(count(lit(1)), sum(width)).first();
            parsedRows += r.getLong(0);
            values += r.isNullAt(1) ? 0 : r.getLong(1);
        }
        double parseSeconds = (System.nanoTime() - t1) / 1e9;
        long bytes = 0;
        try (Stream<Path> s = Files.walk(landing)) {
            bytes = s.filter(Files::isRegularFile).filter(p -> !landing.relativize(p).toString().startsWith("_"))
                    .mapToLong(p -> p.toFile().length()).sum();
        }
        System.out.printf("{\"feeds\":%d,\"bytes\":%d,\"lines\":%d,\"read_seconds\":%.1f,\"rows\":%d,\"value_chars\":%d,"
                        + "\"parse_seconds\":%.1f,\"cores\":%d}%n", folders.length, bytes, text.getLong(0), readSeconds, parsedRows,
                values, parseSeconds, Runtime.getRuntime().availableProcessors());
        spark.stop();
    }
}
