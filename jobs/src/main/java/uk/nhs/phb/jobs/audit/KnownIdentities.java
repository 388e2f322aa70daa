package uk.nhs.phb.jobs.audit;

import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * People whose raw names and postcodes must never appear in anything phb writes. The identifier scan asks for them
 * through this interface and hashes them at once, so it neither knows where they come from nor keeps them.
 */
public interface KnownIdentities {

    /**
     * One row per (person id, kind, value), {@code kind} one of {@code given_name}, {@code family_name} and
     * {@code postcode}, a person's rows together and the given name before the family name; empty when there is no
     * list to look for (real feeds have none), and {@link #description()} says why.
     */
    Optional<Dataset<Row>> rawIdentities(SparkSession spark);

    /** Where the list comes from and how many people it holds, or why there is none: for the scan's report. */
    String description();

    /** No list: the scan reports names and postcodes as not checked, with this reason. */
    static KnownIdentities none(String why) {
        return new KnownIdentities() {
            @Override
            public Optional<Dataset<Row>> rawIdentities(SparkSession spark) {
                return Optional.empty();
            }

            @Override
            public String description() {
                return why;
            }
        };
    }
}
