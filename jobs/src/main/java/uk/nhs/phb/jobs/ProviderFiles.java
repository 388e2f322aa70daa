package uk.nhs.phb.jobs;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Reads a data provider's own file (not one of our feeds): CSV with a header line, every column as text, or
 * Parquet. Rows Spark cannot split into the header's columns carry the raw line in {@link #CORRUPT}.
 */
public final class ProviderFiles {
    /** Column holding the raw text of a CSV row that could not be parsed; null for good rows. */
    public static final String CORRUPT = "_corrupt_record";

    private ProviderFiles() {
    }

    /** The path itself, or for a folder (Spark's output) its first data file, skipping _ and . files. */
    static String firstDataFile(SparkSession spark, String path) {
        try {
            org.apache.hadoop.fs.FileSystem fs = Files2.fs(spark, path);
            org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
            if (!fs.getFileStatus(p).isDirectory()) {
                return path;
            }
            for (org.apache.hadoop.fs.FileStatus st : fs.listStatus(p)) {
                String name = st.getPath().getName();
                if (st.isFile() && !name.startsWith("_") && !name.startsWith(".") && st.getLen() > 0) {
                    return st.getPath().toString();
                }
            }
            throw new InputException("folder " + path + " holds no data file");
        } catch (java.io.IOException e) {
            throw new InputException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    public static Dataset<Row> read(SparkSession spark, String path, String format, String delimiter) {
        if (!Files2.exists(spark, path)) {
            throw new InputException("input file " + path + " does not exist");
        }
        if (format.equals("parquet")) {
            return spark.read().parquet(path);
        }
        String header = Files2.firstLine(spark, firstDataFile(spark, path));
        if (header == null || header.isBlank()) {
            throw new InputException("input file " + path + " is empty; it needs a header line naming its columns");
        }
        String[] names = header.replace("\uFEFF", "").split(java.util.regex.Pattern.quote(delimiter), -1);
        String other = delimiter.equals(",") ? ";" : ",";
        if (names.length == 1 && header.contains(other)) {
            throw new InputException("the header of " + path + " has one column; is the file delimited by '" + other
                    + "'? Pass --delimiter to say so");
        }
        StructType schema = new StructType();
        for (String n : names) {
            schema = schema.add(n.strip().replace("\"", ""), DataTypes.StringType, true);
        }
        schema = schema.add(CORRUPT, DataTypes.StringType, true);
        return spark.read().option("header", true).option("sep", delimiter).option("mode", "PERMISSIVE")
                .option("columnNameOfCorruptRecord", CORRUPT).schema(schema).csv(path);
    }
}
