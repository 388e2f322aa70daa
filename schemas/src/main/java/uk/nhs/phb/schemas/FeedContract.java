package uk.nhs.phb.schemas;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The contract of one landing feed: which folder it arrives in, who sends it, its fields and the checks
 * every row must pass before it reaches bronze.
 *
 * @param name        feed name; the landing folder {@code landing/<name>/} and the table {@code bronze/<name>}
 * @param sender      who delivers it (DSCRO, local authority, education, ICB, reference)
 * @param description one paragraph for docs/FEEDS.md
 * @param fields      in header order
 * @param recordKey   fields that identify a record; a second row with the same key is quarantined as
 *                    {@code duplicate_record}
 * @param rowRules    cross-field checks
 * @param level       identity level of the rows (landing feeds are pseudonymised or reference)
 */
public record FeedContract(
        String name,
        String sender,
        String description,
        List<FieldSpec> fields,
        List<String> recordKey,
        List<RowRule> rowRules,
        IdentityLevel level) {

    public FeedContract {
        Objects.requireNonNull(name, "name");
        fields = List.copyOf(fields);
        recordKey = List.copyOf(recordKey);
        rowRules = List.copyOf(rowRules);
        Map<String, FieldSpec> seen = new LinkedHashMap<>();
        for (FieldSpec f : fields) {
            if (seen.put(f.name(), f) != null) {
                throw new IllegalArgumentException("feed " + name + ": field '" + f.name() + "' declared twice");
            }
        }
        for (String k : recordKey) {
            if (!seen.containsKey(k)) {
                throw new IllegalArgumentException("feed " + name + ": record key field '" + k + "' is not a field");
            }
        }
        if (level == IdentityLevel.IDENTIFIABLE) {
            throw new IllegalArgumentException("feed " + name + ": identifiable feeds may not land in the lake");
        }
    }

    public List<String> fieldNames() {
        return fields.stream().map(FieldSpec::name).toList();
    }

    /** The fields every file's header names: all but those a file may leave out ({@link FieldSpec#whenAbsent()}). */
    public List<FieldSpec> headerFields() {
        return fields.stream().filter(f -> f.whenAbsent() == null).toList();
    }

    public Optional<FieldSpec> field(String fieldName) {
        return fields.stream().filter(f -> f.name().equals(fieldName)).findFirst();
    }

    /** Landing files are read with every column as a string so that a bad value is caught, not nulled. */
    public StructType landingSchema() {
        List<StructField> out = new ArrayList<>();
        for (FieldSpec f : fields) {
            out.add(DataTypes.createStructField(f.name(), DataTypes.StringType, true));
        }
        return DataTypes.createStructType(out);
    }

    /** The typed schema of the bronze table (before the lineage columns ingest adds). */
    public StructType typedSchema() {
        List<StructField> out = new ArrayList<>();
        for (FieldSpec f : fields) {
            out.add(DataTypes.createStructField(f.name(), f.type().sparkType(), !f.required()));
        }
        return DataTypes.createStructType(out);
    }
}
