package uk.nhs.phb.pipelines.features;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * What happened to each person in the 12 months after a reference date: the outcomes a risk model learns. The
 * mirror image of {@link PersonFeatures}: features see events on or before the date, outcomes only events
 * after it, so an admission on the day after the reference date is an outcome and never a feature.
 *
 * <ul>
 * <li>{@code outcome_emergency_admissions}: spells with an emergency admission method (21-28, 2A-2D) admitted
 *     in {@code (ref, ref + 12 months]};</li>
 * <li>{@code outcome_cost_12m}: spend in all sectors over the 365 days ending 12 months after the reference
 *     date, by exactly the rules of the spend features (activity costs by event date; care packages,
 *     placements and plans prorated by the days they overlap). People who die or move away keep the cost they
 *     had until then.</li>
 * </ul>
 * Only people with some event appear; callers left-join onto the population and read absence as zero.
 */
public final class Outcomes {
    private Outcomes() {
    }

    /** {@code person_id, outcome_emergency_admissions (int), outcome_cost_12m (double)} for the 12 months after {@code ref}. */
    public static Dataset<Row> compute(PersonFeatures.Inputs in, LocalDate ref) {
        LocalDate end = ref.plusMonths(12);
        Column endCol = lit(end.toString()).cast(DataTypes.DateType);
        List<Dataset<Row>> parts = new ArrayList<>();
        Dataset<Row> admissions = emergencyAdmissions(in, ref, end);
        if (admissions != null) {
            parts.add(admissions.select(col("person_id"), col("admissions"), lit(0.0).alias("amount")));
        }
        for (Dataset<Row> p : spendParts(in, endCol)) {
            parts.add(p.select(col("person_id"), lit(0L).alias("admissions"), col("amount")));
        }
        if (parts.isEmpty()) {
            return in.feed("patients").sparkSession().emptyDataFrame()
                    .selectExpr("CAST(NULL AS STRING) AS person_id", "0 AS outcome_emergency_admissions", "0.0D AS outcome_cost_12m")
                    .limit(0);
        }
        Dataset<Row> all = parts.get(0);
        for (Dataset<Row> p : parts.subList(1, parts.size())) {
            all = all.unionByName(p);
        }
        return all.groupBy("person_id").agg(sum("admissions").cast("int").alias("outcome_emergency_admissions"),
                org.apache.spark.sql.functions.round(sum("amount"), 2).alias("outcome_cost_12m"));
    }

    /** Emergency spells per person admitted after {@code from} up to and including {@code to}: {@code person_id, admissions}. */
    public static Dataset<Row> emergencyAdmissions(PersonFeatures.Inputs in, LocalDate from, LocalDate to) {
        Dataset<Row> apc = in.feed("apc_spells");
        if (apc == null) {
            return null;
        }
        return PersonFeatures.withPerson(in, apc, "patients", "nhs_token")
                .filter(col("admission_method").isin(PersonFeatures.EMERGENCY_METHODS.toArray())
                        .and(col("admission_date").gt(lit(from.toString()).cast(DataTypes.DateType)))
                        .and(col("admission_date").leq(lit(to.toString()).cast(DataTypes.DateType))))
                .groupBy("person_id").agg(count(lit(1)).alias("admissions"));
    }

    /** Each sector's spend over the 365 days ending {@code end}, as {@code person_id, amount} (double). */
    static List<Dataset<Row>> spendParts(PersonFeatures.Inputs in, Column end) {
        List<Dataset<Row>> out = new ArrayList<>();
        add(out, PersonFeatures.hospital(in, end), "spend_apc");
        add(out, PersonFeatures.counted(in, "ecds", "arrival_date", "ae", lit(true), end), "spend_ae");
        add(out, PersonFeatures.counted(in, "outpatients", "appointment_date", "outpatient", col("attendance_status").isin("5", "6"), end),
                "spend_outpatient");
        add(out, PersonFeatures.counted(in, "gp_appointments", "appointment_date", "gp", col("attended"), end), "spend_gp");
        add(out, PersonFeatures.counted(in, "community", "contact_date", "community", lit(true), end), "spend_community");
        add(out, PersonFeatures.mentalHealth(in, end), "spend_mental_health");
        add(out, PersonFeatures.prescribing(in, end), "spend_prescribing");
        add(out, PersonFeatures.continuingCare(in, end), "spend_continuing_care");
        add(out, PersonFeatures.socialCare(in, end), "spend_adult_social_care");
        add(out, PersonFeatures.childrensSocialCare(in, end), "spend_childrens_social_care");
        add(out, PersonFeatures.education(in, end), "spend_education");
        return out;
    }

    private static void add(List<Dataset<Row>> out, Dataset<Row> part, String column) {
        if (part != null) {
            out.add(part.select(col("person_id"), coalesce(col(column).cast("double"), lit(0.0)).alias("amount")));
        }
    }
}
