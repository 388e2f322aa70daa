package uk.nhs.phb.jobs.audit;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import uk.nhs.phb.jobs.DeltaTables;
import uk.nhs.phb.jobs.InputException;
import uk.nhs.phb.jobs.JobSettings;
import uk.nhs.phb.jobs.Lake;
import uk.nhs.phb.jobs.SparkSessions;

/**
 * {@code phb audit --explain PERSON_ID}: every decision the lake holds about one person, with the run that
 * made it, the rule or model versions on the row, the Delta version of the table that holds it, and what that
 * run read (input tables with their versions) as recorded in {@code audit/runs}.
 *
 * <p>Tables are found, not listed: every Delta table under {@code silver/}, {@code gold/} and {@code audit/}
 * (except the run records) with a {@code person_id} column. A row's run is its {@code run_id} column; a table
 * without one (the person index) is attributed to the run in the commit metadata of the version read.
 */
public final class ExplainPerson {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern RUN_IN_METADATA = Pattern.compile("(?:\"run_id\"\\s*:\\s*\"|run )([0-9]{8}T[0-9]{6}Z-[0-9a-f]{8})");
    /** Rows shown per table at most (a person has a handful per table; more means something odd). */
    static final int MAX_ROWS = 200;

    private ExplainPerson() {
    }

    /**
     * One table's rows about the person, each a JSON object of its columns (person_id aside; dates and decimals as text),
     * and the table version each run's commit made.
     */
    @JsonPropertyOrder({"table", "version", "written_by_run_in_version", "rows"})
    public record TableTrail(String table, long version, List<ObjectNode> rows,
                             @JsonProperty("written_by_run_in_version") Map<String, Long> runVersions) {
    }

    /** A run involved, as recorded ({@code status} NOT RECORDED, and nothing else, when audit/runs lacks it). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RunTrail(String runId, String command, String status, String user, String started, String phbVersion, JsonNode parameters,
                           JsonNode inputs, JsonNode outputs) {
    }

    /** The trail: the tables' rows and each run involved as recorded ({@code --json}: person_id, decisions, tables, runs). */
    @JsonPropertyOrder({"person_id", "decisions", "tables", "runs"})
    public record Trail(String personId, List<TableTrail> tables, List<RunTrail> runs) {
        @JsonProperty("decisions")
        public long decisions() {
            return tables.stream().mapToLong(t -> t.rows().size()).sum();
        }
    }

    public static Trail explain(JobSettings settings, String personId) {
        if (personId == null || personId.isBlank()) {
            throw new InputException("--explain needs a person_id (as in gold/person_features)");
        }
        SparkSession spark = SparkSessions.forJob(settings);
        Lake lake = settings.lakeLayout();
        List<String> tables = personTables(spark, lake);
        if (tables.isEmpty()) {
            throw new InputException("no table with a person_id column in " + lake.root() + " (silver/, gold/, audit/); "
                    + "run 'phb link' and 'phb features' first, or pass --lake DIR");
        }
        List<TableTrail> trails = new ArrayList<>();
        Set<String> runIds = new LinkedHashSet<>();
        for (String path : tables) {
            long version = DeltaTables.version(spark, path);
            Dataset<Row> t = spark.read().format("delta").option("versionAsOf", version).load(path);
            List<Row> rows = t.filter(col("person_id").equalTo(personId)).limit(MAX_ROWS).collectAsList();
            if (rows.isEmpty()) {
                continue;
            }
            List<ObjectNode> out = new ArrayList<>();
            Set<String> tableRuns = new LinkedHashSet<>();
            boolean hasRunId = List.of(t.columns()).contains("run_id");
            String commitRun = hasRunId ? null : runOf(DeltaTables.lastUserMetadata(spark, path));
            for (Row r : rows) {
                ObjectNode m = JSON.createObjectNode();
                for (StructField f : t.schema().fields()) {
                    if (!f.name().equals("person_id")) {
                        Object v = r.getAs(f.name());
                        m.set(f.name(), plain(v));
                    }
                }
                String run = hasRunId ? m.path("run_id").asText(null) : commitRun;
                if (!hasRunId) {
                    m.put("run_id", run);
                }
                if (run != null) {
                    tableRuns.add(run);
                }
                out.add(m);
            }
            runIds.addAll(tableRuns);
            trails.add(new TableTrail(relative(lake, path), version, out, commitVersions(spark, path, tableRuns)));
        }
        if (trails.isEmpty()) {
            throw new InputException("no rows for person_id '" + personId + "' in any of " + tables.size() + " tables of "
                    + lake.root() + "; person ids are as in gold/person_features");
        }
        List<RunTrail> runs = new ArrayList<>();
        AuditLog log = AuditLog.of(settings);
        for (String id : runIds) {
            RunTrail trail;
            try {
                AuditLog.RunRecord r = log.show(id);
                trail = new RunTrail(id, r.command(), r.status(), r.user(), r.started() == null ? null : r.started().toString(), r.phbVersion(),
                        parsed(r.parameters()), parsed(r.inputs()), parsed(r.outputs()));
            } catch (InputException e) {
                trail = new RunTrail(id, null, "NOT RECORDED", null, null, null, null, null, null);
            }
            runs.add(trail);
        }
        return new Trail(personId, trails, runs);
    }

    /** For each run, the table version its commit made (from the Delta history's user metadata). */
    private static Map<String, Long> commitVersions(SparkSession spark, String path, Set<String> runs) {
        Map<String, Long> out = new LinkedHashMap<>();
        if (runs.isEmpty()) {
            return out;
        }
        for (Row h : DeltaTable.forPath(spark, path).history().select("version", "userMetadata").collectAsList()) {
            String run = h.isNullAt(1) ? null : runOf(h.getString(1));
            if (run != null && runs.contains(run)) {
                out.merge(run, h.getLong(0), Math::max);
            }
        }
        return out;
    }

    static String runOf(String metadata) {
        if (metadata == null) {
            return null;
        }
        Matcher m = RUN_IN_METADATA.matcher(metadata);
        return m.find() ? m.group(1) : null;
    }

    private static List<String> personTables(SparkSession spark, Lake lake) {
        List<String> out = new ArrayList<>();
        for (String area : List.of("silver", "gold", "audit")) {
            Path dir = new Path(lake.root(), area);
            try {
                FileSystem fs = dir.getFileSystem(spark.sparkContext().hadoopConfiguration());
                if (!fs.exists(dir)) {
                    continue;
                }
                for (FileStatus s : fs.listStatus(dir)) {
                    String path = lake.root() + "/" + area + "/" + s.getPath().getName();
                    if (s.isDirectory() && !path.equals(lake.runs()) && DeltaTables.exists(spark, path)
                            && List.of(spark.read().format("delta").load(path).columns()).contains("person_id")) {
                        out.add(path);
                    }
                }
            } catch (IOException e) {
                throw new InputException("cannot list " + dir + ": " + e.getMessage(), e);
            }
        }
        out.sort(String::compareTo);
        return out;
    }

    private static String relative(Lake lake, String path) {
        return path.startsWith(lake.root() + "/") ? path.substring(lake.root().length() + 1) : path;
    }

    /** A Spark value as JSON: dates and decimals as text, arrays and structs as arrays and objects. */
    private static JsonNode plain(Object v) {
        if (v == null || v instanceof String || v instanceof Number && !(v instanceof java.math.BigDecimal) || v instanceof Boolean) {
            return JSON.valueToTree(v);
        }
        if (v instanceof java.math.BigDecimal d) {
            return JSON.getNodeFactory().textNode(d.toPlainString());
        }
        if (v instanceof scala.collection.Seq<?> seq) {
            com.fasterxml.jackson.databind.node.ArrayNode l = JSON.createArrayNode();
            scala.jdk.javaapi.CollectionConverters.asJava(seq).forEach(x -> l.add(plain(x)));
            return l;
        }
        if (v instanceof Row r) {
            ObjectNode m = JSON.createObjectNode();
            for (StructField f : r.schema().fields()) {
                m.set(f.name(), plain(r.getAs(f.name())));
            }
            return m;
        }
        return JSON.getNodeFactory().textNode(v.toString());
    }

    private static JsonNode parsed(String json) {
        if (json == null) {
            return null;
        }
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            return JSON.getNodeFactory().textNode(json);
        }
    }
}
