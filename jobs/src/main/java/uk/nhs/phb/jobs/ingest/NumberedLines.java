package uk.nhs.phb.jobs.ingest;

import java.nio.charset.CharacterCodingException;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.lib.input.FileInputFormat;
import org.apache.hadoop.mapreduce.lib.input.TextInputFormat;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;
import uk.nhs.phb.jobs.ingest.LandingFiles.LandingFile;
import uk.nhs.phb.pipelines.ingest.ValidateFeed;

/**
 * Landing files' lines as rows ({@link #SCHEMA}: the file, the 1-based line number, the line, and why it could not be
 * decoded as UTF-8, if it could not), each line read once, in splits that keep every core busy. Blank lines are
 * dropped; a line that is not UTF-8 is kept with a reason, so only its record is refused.
 */
final class NumberedLines {
    /** The column holding a line's text. */
    static final String LINE = "__line";
    static final StructType SCHEMA = new StructType()
            .add(ValidateFeed.SOURCE_FILE, DataTypes.StringType, false)
            .add(ValidateFeed.SOURCE_LINE, DataTypes.LongType, false)
            .add(LINE, DataTypes.StringType, false)
            .add(ValidateFeed.MALFORMED, DataTypes.StringType, true);
    private static final long MIN_SPLIT = 8L << 20;
    private static final long MAX_SPLIT = 128L << 20;

    private NumberedLines() {
    }

    /** Every file's numbered lines, one union (a header line, when the files have one, left out). */
    static JavaRDD<Row> of(SparkSession spark, List<LandingFile> files, boolean header) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        JavaRDD<Row> lines = null;
        for (LandingFile f : files) {
            JavaRDD<Row> fileLines = of(jsc, f, header);
            lines = lines == null ? fileLines : lines.union(fileLines);
        }
        return lines;
    }

    /** The file's lines (after the header, if it has one), with their 1-based line numbers; blank lines dropped. */
    private static JavaRDD<Row> of(JavaSparkContext jsc, LandingFile f, boolean header) {
        long first = header ? 1 : 0;
        String name = f.name();
        Configuration conf = new Configuration(jsc.hadoopConfiguration());
        conf.setLong(FileInputFormat.SPLIT_MAXSIZE, splitSize(f.bytes(), jsc.defaultParallelism()));
        return jsc.newAPIHadoopFile(f.path(), TextInputFormat.class, LongWritable.class, Text.class, conf)
                .zipWithIndex()
                .filter(t -> t._2() >= first)
                .map(t -> toRow(name, t))
                .filter(r -> !r.getString(2).isBlank());
    }

    /**
     * Splits small enough that a file alone keeps every core busy (about three splits per core), but no smaller
     * than 8 MiB and no larger than 128 MiB. Gzip files are never split.
     */
    static long splitSize(long fileBytes, int parallelism) {
        long target = fileBytes / (3L * Math.max(1, parallelism)) + 1;
        return Math.max(MIN_SPLIT, Math.min(MAX_SPLIT, target));
    }

    private static Row toRow(String file, Tuple2<Tuple2<LongWritable, Text>, Long> t) {
        Text text = t._1()._2();
        String line;
        String malformed = null;
        try {
            line = Text.decode(text.getBytes(), 0, text.getLength(), false);
        } catch (CharacterCodingException e) {
            try {
                line = Text.decode(text.getBytes(), 0, text.getLength(), true);
            } catch (CharacterCodingException impossible) {
                throw new IllegalStateException(impossible);
            }
            malformed = "the line is not valid UTF-8 text; re-export the file as UTF-8";
        }
        return RowFactory.create(file, t._2() + 1, line, malformed);
    }
}
