package uk.nhs.phb.models.risk;

/**
 * A published emergency-admission risk model's figures, to read phb's beside: what it reached, on whom, and why the
 * two are not the same test.
 */
public record NationalBenchmark(String name, double auroc, double auprc, String population, String source, String caveat) {
    /**
     * SPARRA version 4, Public Health Scotland's score of the risk of an emergency admission in the next 12 months
     * (Liley et al., "Development and assessment of a machine learning tool for predicting emergency admission in
     * Scotland", medRxiv 10.1101/2021.08.06.21261593).
     */
    public static final NationalBenchmark SPARRA_V4 = new NationalBenchmark("SPARRA version 4 (Scotland)", 0.799, 0.389,
            "about 4.8 million people in Scotland's records, 2013-18",
            "Liley et al., medRxiv 10.1101/2021.08.06.21261593",
            "SPARRA v4 was fitted and tested on real records of a whole country, with more history and inputs than a local lake holds. "
                    + "AUPRC depends on how common admissions are, so it compares only between populations with similar rates. On "
                    + "phb's synthetic population the comparison says how hard the generator is, not how the model would do on real "
                    + "records.");
}
