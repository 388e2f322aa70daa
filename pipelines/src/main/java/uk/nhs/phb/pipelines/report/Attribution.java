package uk.nhs.phb.pipelines.report;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Which organisation a person belongs to on a date, and their demographics: the GP registration spell in force
 * on the date (the latest that started on or before it; the first one when the person registered later) gives
 * the practice, hence the Sub-ICB Location and ICB ({@code ref_practices}), and the LSOA. The GP-registered
 * person is one NHS-number token (the spine of the person index), so the register, offers and health feeds
 * reach their registration by the provider's token without re-hashing. People with no registration are
 * attributed to {@link #UNKNOWN}.
 */
public final class Attribution {
    /** Organisation code of people with no GP registration in the lake. */
    public static final String UNKNOWN = "UNKNOWN";

    private Attribution() {
    }

    /**
     * @param keyed        rows with {@code key} (unique), {@code nhs_token} and {@code at} (date)
     * @param patients     bronze {@code patients}
     * @param refPractices bronze {@code ref_practices} (null: organisations unknown)
     * @param refLsoa      bronze {@code ref_lsoa} (null: deprivation unknown)
     * @return {@code key, icb_code, sub_icb_code, birth_year, sex, lsoa_code, imd_decile, registered_at, first_registered,
     *         alive_at} where {@code registered_at} says a spell covers the date, {@code first_registered} is the
     *         start of the person's earliest spell and {@code alive_at} that no death is recorded on or before it
     */
    public static Dataset<Row> on(Dataset<Row> keyed, Dataset<Row> patients, Dataset<Row> refPractices, Dataset<Row> refLsoa) {
        // only the spells of the people asked about: a broadcast semi-join, so the whole registration table is never shuffled
        Dataset<Row> spells = patients.join(broadcast(keyed.select("nhs_token").distinct()), new String[] {"nhs_token"}, "left_semi")
                .select(col("nhs_token"), col("practice_code"), col("lsoa_code"), col("birth_year"), col("sex"),
                        col("registered_from"), col("registered_to"), col("date_of_death"));
        Column started = col("registered_from").leq(col("at"));
        Column spell = struct(col("practice_code"), col("lsoa_code"), col("birth_year"), col("sex"));
        Dataset<Row> joined = keyed.select("key", "nhs_token", "at").join(spells, new String[] {"nhs_token"}, "left");
        Dataset<Row> per = joined.groupBy("key").agg(
                max_by(when(started, spell), when(started, col("registered_from"))).alias("current"),
                min_by(spell, col("registered_from")).alias("first"),
                min(col("registered_from")).alias("first_registered"),
                org.apache.spark.sql.functions.max(when(started.and(col("registered_to").isNull().or(col("registered_to").gt(col("at")))), 1)
                        .otherwise(0)).alias("covers"),
                org.apache.spark.sql.functions.max(when(col("date_of_death").leq(col("at")), 1).otherwise(0)).alias("dead"));
        Dataset<Row> out = per.select(col("key"), coalesce(col("current"), col("first")).alias("s"), col("first_registered"),
                        col("covers").equalTo(1).alias("registered_at"), col("dead").equalTo(0).alias("alive_at"))
                .select(col("key"), col("s.practice_code").alias("practice_code"), col("s.lsoa_code").alias("lsoa_code"),
                        col("s.birth_year").alias("birth_year"), col("s.sex").alias("sex"), col("first_registered"), col("registered_at"),
                        col("alive_at"));
        if (refPractices != null) {
            out = out.join(broadcast(refPractices.select("practice_code", "sub_icb_code", "icb_code")), new String[] {"practice_code"}, "left");
        } else {
            out = out.withColumn("sub_icb_code", lit(null).cast("string")).withColumn("icb_code", lit(null).cast("string"));
        }
        if (refLsoa != null) {
            out = out.join(broadcast(refLsoa.select("lsoa_code", "imd_decile")), new String[] {"lsoa_code"}, "left");
        } else {
            out = out.withColumn("imd_decile", lit(null).cast("int"));
        }
        return out.withColumn("sub_icb_code", coalesce(col("sub_icb_code"), lit(UNKNOWN)))
                .withColumn("icb_code", coalesce(col("icb_code"), lit(UNKNOWN)))
                .drop("practice_code");
    }

    /** Keeps rows whose organisation is {@code org} (an ICB or a Sub-ICB code); null keeps everything. */
    public static Dataset<Row> inOrg(Dataset<Row> attributed, String org) {
        if (org == null) {
            return attributed;
        }
        return attributed.filter(col("icb_code").equalTo(org).or(col("sub_icb_code").equalTo(org)));
    }
}
