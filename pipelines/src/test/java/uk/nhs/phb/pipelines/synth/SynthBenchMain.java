package uk.nhs.phb.pipelines.synth;

import uk.nhs.phb.models.pseudonym.SecretKey;

/** Single-threaded timing of the person simulator (no Spark): {@code java ... SynthBenchMain [people]}. */
public final class SynthBenchMain {
    private SynthBenchMain() {
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        Model m = new Model(SynthSettings.of(100_000, 3));
        PersonSimulator sim = new PersonSimulator(m, SecretKey.generate());
        long rows = 0;
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            rows += sim.simulate(i).size();
        }
        System.out.printf("simulate %.1f us/person, %d rows%n", (System.nanoTime() - t0) / 1e3 / n, rows);
    }
}
