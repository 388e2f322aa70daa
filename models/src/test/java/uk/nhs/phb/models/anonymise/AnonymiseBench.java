package uk.nhs.phb.models.anonymise;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Timing of the search on a realistic shape: 6 quasi-identifiers with built-in hierarchies (lattice 5 x 2 x 5
 * x 3 x 3 x 4 = 1,800 nodes) over about 100k distinct combinations. Not part of the normal build (surefire
 * only runs *Test classes); run it with
 *
 * <pre>
 * mvn -B -o -q test -pl models -am -Dtest=AnonymiseBench -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
class AnonymiseBench {
    @Test
    void sixQuasiIdentifiers() {
        Random r = new Random(42);
        Map<String, String> practiceToPcn = new HashMap<>();
        Map<String, String> pcnToSubIcb = new HashMap<>();
        for (int p = 0; p < 120; p++) {
            practiceToPcn.put(String.format("B%05d", p), "U" + p / 6);
            pcnToSubIcb.put("U" + p / 6, "SUB" + p / 40);
        }
        String eth = "ABCDEFGHJKLMNPRSZ";
        List<String> qis = List.of("age", "sex", "admitted", "imd", "ethnicity", "practice");
        long buildStart = System.nanoTime();
        FrequencySet.Builder b = FrequencySet.builder(qis, List.of("dx"));
        String[] dx = {"I10", "E11", "J44", "F32", "C50", "N18"};
        for (int i = 0; i < 110_000; i++) {
            String[] qi = {
                Integer.toString(Math.min(100, (int) Math.abs(45 + r.nextGaussian() * 22))),
                r.nextBoolean() ? "F" : "M",
                java.time.LocalDate.of(2024, 4, 1).plusDays(r.nextInt(730)).toString(),
                Integer.toString(1 + r.nextInt(10)),
                String.valueOf(eth.charAt(r.nextInt(3) == 0 ? r.nextInt(eth.length()) : 0)),
                String.format("B%05d", r.nextInt(120))};
            b.add(qi, new String[] {dx[r.nextInt(dx.length)]}, 1);
        }
        FrequencySet fs = b.build();
        System.out.printf("frequency set: %d distinct combinations of %d records, built in %d ms%n", fs.size(),
                fs.totalCount(), (System.nanoTime() - buildStart) / 1_000_000);
        List<Hierarchy> hs = List.of(Hierarchy.age("age"),
                Hierarchy.fromCsv("sex", new java.io.StringReader("F;*\nM;*\n"), "sex.csv"), Hierarchy.date("admitted"),
                Hierarchy.imdDecile("imd"), Hierarchy.ethnicity("ethnicity"),
                Hierarchy.practice("practice", practiceToPcn, pcnToSubIcb));
        for (List<PrivacyModel> models : List.<List<PrivacyModel>>of(List.of(new PrivacyModel.KAnonymity(5)),
                List.of(new PrivacyModel.KAnonymity(5), new PrivacyModel.DistinctLDiversity("dx", 2)),
                List.of(new PrivacyModel.KAnonymity(5), PrivacyModel.TCloseness.equalDistance("dx", 0.3)))) {
            for (double limit : new double[] {0, 0.02}) {
                for (LossMeasure m : LossMeasure.values()) {
                    long t0 = System.nanoTime();
                    Anonymise a = Anonymise.frequencySet(fs).maxSuppression(limit).optimiseFor(m);
                    hs.forEach(a::hierarchy);
                    models.forEach(a::model);
                    AnonymiseResult res = a.execute();
                    System.out.printf("%-55s supp %.2f %-20s levels %s suppressed %6d evaluated %4d/%d tagged %4d  %.2f s%n",
                            models, limit, m, res.levels().values(), res.suppressedRecords(), res.search().evaluated(),
                            res.search().latticeSize(), res.search().taggedWithoutEvaluation(), (System.nanoTime() - t0) / 1e9);
                }
            }
        }
    }
}
