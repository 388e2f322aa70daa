package uk.nhs.phb.pipelines.pseudonymise;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.encoders.ExpressionEncoder;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import uk.nhs.phb.models.pseudonym.EncodedIdentity;
import uk.nhs.phb.models.pseudonym.Identity;
import uk.nhs.phb.models.pseudonym.IdentityEncoder;
import uk.nhs.phb.models.pseudonym.NhsNumber;
import uk.nhs.phb.models.pseudonym.Normalise;
import uk.nhs.phb.models.pseudonym.SecretKey;
import uk.nhs.phb.pipelines.pseudonymise.ColumnMapping.Role;

/**
 * What a data provider runs on its own identifiable file: identifier columns are replaced by keyed tokens
 * and encodings (the feeds' identity block), every other column passes through unchanged, and an
 * {@code nhs_number_status} column says whether the NHS number was VALID, INVALID (failed modulus 11) or
 * MISSING. The token lookup (token -> NHS number) is a separate Dataset the provider keeps; it never
 * travels with the pseudonymised file.
 */
public final class Pseudonymise {
    /** Output columns of the identity block, in order. */
    public static final List<String> IDENTITY_COLUMNS = List.of("nhs_token", "name_bloom", "dob_token", "dob_ym_token",
            "dob_dm_token", "postcode_token", "postcode_district_token", "birth_year", "sex", "nhs_number_status");

    private Pseudonymise() {
    }

    /** Checks that every mapped column exists; returns the missing ones (empty when all are there). */
    public static List<String> missingColumns(StructType schema, ColumnMapping mapping) {
        Set<String> have = Arrays.stream(schema.fieldNames()).collect(Collectors.toSet());
        return mapping.sourceColumns().stream().filter(c -> !have.contains(c)).toList();
    }

    /** The pseudonymised rows: passthrough columns, then the identity block (and the local id token). */
    public static Dataset<Row> records(Dataset<Row> input, ColumnMapping mapping, SecretKey key) {
        List<String> missing = missingColumns(input.schema(), mapping);
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("mapped columns not in the input: " + missing);
        }
        StructType inSchema = input.schema();
        List<String> identifierColumns = mapping.sourceColumns();
        int[] passthrough = java.util.stream.IntStream.range(0, inSchema.size())
                .filter(i -> !identifierColumns.contains(inSchema.fields()[i].name())).toArray();
        List<StructField> out = new ArrayList<>();
        for (int i : passthrough) {
            out.add(inSchema.fields()[i]);
        }
        for (String c : IDENTITY_COLUMNS) {
            out.add(DataTypes.createStructField(c, c.equals("birth_year") ? DataTypes.IntegerType : DataTypes.StringType, true));
        }
        boolean local = mapping.columns().containsKey(Role.LOCAL_ID);
        if (local) {
            out.add(DataTypes.createStructField(mapping.localIdDomain() + "_token", DataTypes.StringType, true));
        }
        StructType outSchema = DataTypes.createStructType(out);
        int[] roleIndex = roleIndexes(inSchema, mapping);
        String localDomain = mapping.localIdDomain();

        MapPartitionsFunction<Row, Row> encode = rows -> {
            IdentityEncoder encoder = new IdentityEncoder(key);
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return rows.hasNext();
                }

                @Override
                public Row next() {
                    Row r = rows.next();
                    String nhs = value(r, roleIndex[Role.NHS_NUMBER.ordinal()]);
                    Identity id = new Identity(nhs,
                            value(r, roleIndex[Role.GIVEN_NAME.ordinal()]),
                            value(r, roleIndex[Role.FAMILY_NAME.ordinal()]),
                            Normalise.date(value(r, roleIndex[Role.DATE_OF_BIRTH.ordinal()])),
                            value(r, roleIndex[Role.SEX.ordinal()]),
                            value(r, roleIndex[Role.POSTCODE.ordinal()]));
                    EncodedIdentity e = encoder.encode(id);
                    Object[] values = new Object[outSchema.size()];
                    int k = 0;
                    for (int i : passthrough) {
                        values[k++] = r.get(i);
                    }
                    values[k++] = e.nhsToken();
                    values[k++] = e.nameBloom();
                    values[k++] = e.dobToken();
                    values[k++] = e.dobYmToken();
                    values[k++] = e.dobDmToken();
                    values[k++] = e.postcodeToken();
                    values[k++] = e.postcodeDistrictToken();
                    values[k++] = e.birthYear();
                    values[k++] = roleIndex[Role.SEX.ordinal()] < 0 ? null : e.sex();
                    values[k++] = nhs == null || nhs.isBlank() ? "MISSING" : NhsNumber.isValid(nhs) ? "VALID" : "INVALID";
                    if (local) {
                        values[k] = encoder.localIdToken(localDomain, value(r, roleIndex[Role.LOCAL_ID.ordinal()]));
                    }
                    return RowFactory.create(values);
                }
            };
        };
        return input.mapPartitions(encode, ExpressionEncoder.apply(outSchema));
    }

    /**
     * The provider's re-identification lookup: one row per distinct valid NHS number with its token.
     * Identifiable: write it only where the provider controls access, never to the lake.
     */
    public static Dataset<Row> lookup(Dataset<Row> input, ColumnMapping mapping, SecretKey key) {
        String column = mapping.columns().get(Role.NHS_NUMBER);
        if (column == null) {
            throw new IllegalArgumentException("a lookup needs nhs_number in the mapping");
        }
        StructType schema = new StructType().add("nhs_token", DataTypes.StringType).add("nhs_number", DataTypes.StringType);
        MapPartitionsFunction<String, Row> toLookup = values -> {
            IdentityEncoder encoder = new IdentityEncoder(key);
            List<Row> out = new ArrayList<>();
            while (values.hasNext()) {
                String n = NhsNumber.normalise(values.next());
                if (n != null && NhsNumber.isValid(n)) {
                    out.add(RowFactory.create(encoder.encode(new Identity(n, null, null, null, null, null)).nhsToken(), n));
                }
            }
            return out.iterator();
        };
        return input.select(column).as(Encoders.STRING()).distinct()
                .mapPartitions(toLookup, ExpressionEncoder.apply(schema));
    }

    private static int[] roleIndexes(StructType schema, ColumnMapping mapping) {
        int[] idx = new int[Role.values().length];
        Arrays.fill(idx, -1);
        mapping.columns().forEach((role, column) -> idx[role.ordinal()] = schema.fieldIndex(column));
        return idx;
    }

    private static String value(Row r, int index) {
        if (index < 0 || r.isNullAt(index)) {
            return null;
        }
        String s = String.valueOf(r.get(index)).strip();
        return s.isEmpty() ? null : s;
    }
}
