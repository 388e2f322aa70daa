package uk.nhs.phb.pipelines.synth;

import java.io.Serializable;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The area: one ICB, its Sub-ICB Locations, local authorities, LSOAs (with IMD deciles skewed per Sub-ICB),
 * practices grouped into PCNs, and hospital providers. Small, built on the driver from the seed and the
 * population size, shipped to every task.
 */
final class Geography implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final int GEO_STREAM = 1;

    final String icbCode;
    final String[] subIcbCodes;
    final String[] laCodes;
    /**
     * The councils' DfE numbers (the LEA of DfE returns): 701, 702 ..., a range no English council has, so a synthetic
     * council never passes for a real one; phb synth writes them as a local code map of dfe_la_codes.
     */
    final int[] laDfeNumbers;
    /** State-funded schools per council: about one per 2,300 people, as in England (some 24,000 for 57 million). */
    final int schoolsPerLa;
    final String[] lsoaCodes;
    final int[] lsoaSubIcb;
    final int[] lsoaLa;
    final int[] lsoaImd;
    final String[] lsoaDistrict;
    final double[] lsoaWeight;
    final String[] practiceCodes;
    final String[] practicePcn;
    final int[] practiceSubIcb;
    final double[] practiceWeight;
    final long[] practiceListSize;
    final String[] providerCodes;
    /** Ethnicity code weights per Sub-ICB (same order as {@link #ethnicityCodes}). */
    final double[][] ethnicityWeights;
    final String[] ethnicityCodes;

    static final int FIRST_DFE_NUMBER = 701;

    Geography(long seed, long people, Reference ref) {
        Rng r = new Rng(seed, -1, GEO_STREAM, 0);
        int nSub = people < ref.p("geo_people_for_three_sub_icbs") ? 2 : 3;
        int nLa = people < ref.p("geo_people_for_two_las") ? 1 : people < ref.p("geo_people_for_three_las") ? 2 : 3;
        int nLsoa = (int) Math.max(ref.p("geo_min_lsoas"), Math.round(people / ref.p("geo_people_per_lsoa")));
        int nPractice = (int) Math.max(ref.p("geo_min_practices"), Math.round(people / ref.p("geo_people_per_practice")));
        int perPcn = (int) ref.p("geo_practices_per_pcn");

        icbCode = "Q" + (char) ('A' + r.between(0, 25)) + (char) ('A' + r.between(0, 25));
        Set<String> used = new HashSet<>();
        subIcbCodes = new String[nSub];
        for (int i = 0; i < nSub; i++) {
            subIcbCodes[i] = unique(used, () -> String.format("%02d%c", r.between(0, 99), (char) ('A' + r.between(0, 25))));
        }
        laCodes = new String[nLa];
        laDfeNumbers = new int[nLa];
        for (int i = 0; i < nLa; i++) {
            laDfeNumbers[i] = FIRST_DFE_NUMBER + i;
        }
        schoolsPerLa = (int) Math.max(3, Math.round(people / (nLa * 2300.0)));
        String[] laPrefixes = {"E06", "E07", "E08", "E09"};
        for (int i = 0; i < nLa; i++) {
            laCodes[i] = unique(used, () -> laPrefixes[r.between(0, 3)] + String.format("%06d", r.between(0, 999_999)));
        }
        lsoaCodes = new String[nLsoa];
        lsoaSubIcb = new int[nLsoa];
        lsoaLa = new int[nLsoa];
        lsoaImd = new int[nLsoa];
        lsoaDistrict = new String[nLsoa];
        lsoaWeight = new double[nLsoa];
        double spread = ref.p("geo_imd_spread");
        int perDistrict = (int) ref.p("geo_lsoas_per_postcode_district");
        for (int i = 0; i < nLsoa; i++) {
            lsoaCodes[i] = unique(used, () -> "E01" + String.format("%06d", r.between(0, 999_999)));
            lsoaSubIcb[i] = i % nSub;
            lsoaLa[i] = (int) ((long) i * nLa / nLsoa);
            double shift = ref.p("geo_imd_shift_sub_icb_" + (lsoaSubIcb[i] + 1));
            lsoaImd[i] = (int) Math.max(1, Math.min(10, Math.round(5.5 + shift + spread * r.normal())));
            // fictional postcode areas (ZX, ZW, ...), one per local authority
            String area = "Z" + (char) ('X' - lsoaLa[i]);
            lsoaDistrict[i] = area + (1 + (i / perDistrict) % 99);
            lsoaWeight[i] = Math.exp(ref.p("geo_lsoa_size_sigma") * r.normal());
        }
        practiceCodes = new String[nPractice];
        practicePcn = new String[nPractice];
        practiceSubIcb = new int[nPractice];
        practiceWeight = new double[nPractice];
        char practiceLetter = (char) ('A' + r.between(0, 25));
        int[] inSub = new int[nSub];
        for (int i = 0; i < nPractice; i++) {
            practiceCodes[i] = unique(used, () -> practiceLetter + String.format("%05d", r.between(0, 99_999)));
            practiceSubIcb[i] = i % nSub;
            int k = inSub[practiceSubIcb[i]]++;
            int pcnIndex = practiceSubIcb[i] * 1000 + k / perPcn;
            practicePcn[i] = "U" + String.format("%05d", (int) (Math.abs(Rng.mix(seed * 31 + pcnIndex)) % 100_000));
            practiceWeight[i] = Math.exp(ref.p("geo_practice_size_sigma") * r.normal());
        }
        // expected list size at extract: the practice's share of its Sub-ICB's registered people
        practiceListSize = new long[nPractice];
        double[] subPeople = new double[nSub];
        for (int i = 0; i < nLsoa; i++) {
            subPeople[lsoaSubIcb[i]] += lsoaWeight[i];
        }
        double lsoaTotal = 0;
        for (double w : lsoaWeight) {
            lsoaTotal += w;
        }
        double[] subPracticeWeight = new double[nSub];
        for (int i = 0; i < nPractice; i++) {
            subPracticeWeight[practiceSubIcb[i]] += practiceWeight[i];
        }
        for (int i = 0; i < nPractice; i++) {
            int s = practiceSubIcb[i];
            practiceListSize[i] = Math.round(people * ref.p("geo_share_registered_at_extract") * subPeople[s] / lsoaTotal
                    * practiceWeight[i] / subPracticeWeight[s]);
        }
        int nProviders = nSub + 1;
        providerCodes = new String[nProviders];
        for (int i = 0; i < nProviders; i++) {
            providerCodes[i] = unique(used, () -> "R" + alnum(r) + alnum(r));
        }
        List<Map<String, String>> eth = ref.ethnicity;
        ethnicityCodes = new String[eth.size()];
        ethnicityWeights = new double[nSub][eth.size()];
        for (int s = 0; s < nSub; s++) {
            double scale = ref.p("geo_ethnic_minority_scale_sub_icb_" + (s + 1));
            for (int e = 0; e < eth.size(); e++) {
                ethnicityCodes[e] = eth.get(e).get("code");
                double share = Reference.d(eth.get(e), "share_pct");
                ethnicityWeights[s][e] = Reference.d(eth.get(e), "minority_weight") > 0 ? share * scale : share;
            }
        }
    }

    private static char alnum(Rng r) {
        int i = r.between(0, 35);
        return i < 10 ? (char) ('0' + i) : (char) ('A' + i - 10);
    }

    private static String unique(Set<String> used, java.util.function.Supplier<String> make) {
        for (int i = 0; i < 10_000; i++) {
            String s = make.get();
            if (used.add(s)) {
                return s;
            }
        }
        throw new IllegalStateException("could not make a unique code");
    }

    int subIcbCount() {
        return subIcbCodes.length;
    }

    /** Practices of one Sub-ICB and their weights. */
    int pickPractice(Rng r, int subIcb) {
        double[] w = new double[practiceCodes.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = practiceSubIcb[i] == subIcb ? practiceWeight[i] : 0;
        }
        return r.pick(w);
    }

    /** The main acute provider of a Sub-ICB, or now and then another one. */
    String provider(Rng r, int subIcb, double shareElsewhere) {
        if (r.chance(shareElsewhere)) {
            return providerCodes[r.between(0, providerCodes.length - 1)];
        }
        return providerCodes[subIcb];
    }
}
