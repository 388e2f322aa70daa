package uk.nhs.phb.pipelines.link;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Linkage of any two pseudonymised files (a provider linking its own data): which column of each file holds
 * the record id and each identity field. The mapping is {@code role=column} lines; roles default to the
 * column names {@code phb pseudonymise} writes, so only {@code id} is needed for its output.
 */
public final class LinkFiles {
    private LinkFiles() {
    }

    /**
     * Which column holds each role; unmapped identity roles take their standard names. A role may be given
     * for one file only with a {@code left.} or {@code right.} prefix (e.g. {@code left.id=REF}).
     */
    public record Mapping(Map<String, String> columns) {
        /** The mapping one file sees: its own prefixed roles over the shared ones. */
        public Mapping side(String side) {
            Map<String, String> out = new LinkedHashMap<>();
            columns.forEach((role, column) -> {
                if (!role.contains(".")) {
                    out.put(role, column);
                }
            });
            columns.forEach((role, column) -> {
                if (role.startsWith(side + ".")) {
                    out.put(role.substring(side.length() + 1), column);
                }
            });
            return new Mapping(out);
        }

        public static Mapping parse(String text) {
            return new Mapping(uk.nhs.phb.pipelines.RoleColumnLines.parse(text, role -> {
                String bare = role.startsWith("left.") ? role.substring(5) : role.startsWith("right.") ? role.substring(6) : role;
                return bare.equals("id") || LinkEntities.IDENTITY.contains(bare);
            }, "id, " + String.join(", ", LinkEntities.IDENTITY) + ", each optionally prefixed left. or right."));
        }

        /** The column for a role: the mapped one, else the standard name. */
        String column(String role) {
            return columns.getOrDefault(role, role);
        }
    }

    /** Entities of one file, named {@code source}; fails naming the id column when the file lacks it. */
    public static Dataset<Row> entities(Dataset<Row> file, String source, Mapping fullMapping) {
        Mapping mapping = fullMapping.side(source);
        List<String> have = Arrays.asList(file.columns());
        String id = mapping.columns().get("id");
        if (id == null) {
            throw new IllegalArgumentException("the mapping must name the " + source + " file's record id column (id=COLUMN, or "
                    + source + ".id=COLUMN when the files differ)");
        }
        if (!have.contains(id)) {
            throw new IllegalArgumentException("the " + source + " file has no id column '" + id + "'; its columns are " + have);
        }
        List<Column> cols = new ArrayList<>();
        cols.add(lit(source).alias("source"));
        cols.add(col(id).cast("string").alias("entity_key"));
        int present = 0;
        for (String f : LinkEntities.IDENTITY) {
            String c = mapping.column(f);
            if (have.contains(c)) {
                present++;
                Column v = col(c).cast(f.equals("birth_year") ? "int" : "string");
                cols.add(f.equals("birth_year") ? v.alias(f) : when(v.equalTo(""), lit(null)).otherwise(v).alias(f));
            } else if (mapping.columns().containsKey(f)) {
                throw new IllegalArgumentException("the " + source + " file has no column '" + c + "' (mapped to " + f + ")");
            } else {
                cols.add(lit(null).cast(f.equals("birth_year") ? "int" : "string").alias(f));
            }
        }
        if (present == 0) {
            throw new IllegalArgumentException("the " + source + " file has none of the identity columns " + LinkEntities.IDENTITY
                    + "; map them with role=column lines");
        }
        cols.add(lit(1L).alias("records"));
        return file.filter(col(id).isNotNull()).select(cols.toArray(Column[]::new));
    }

    /** Links left records to right records: {@code left_id, right_id, method, match_weight, match_probability}. */
    public static Dataset<Row> pairs(LinkPersons.Result result) {
        Column linked = LinkQuality.linked();
        return result.links().filter(col("source").equalTo("left"))
                .select(col("entity_key").alias("left_id"), when(linked, col("anchor")).alias("right_id"), col("method"),
                        col("match_weight"), col("match_probability"));
    }
}
