import java.util.SplittableRandom;
import uk.nhs.phb.models.risk.Bootstrap;
import uk.nhs.phb.models.risk.Metrics;

/**
 * Times the bootstrap intervals of a risk model's headline figures (models/.../risk/Bootstrap) on N hold-out people with
 * predictions spread like an emergency-admission model's (about 8% admitted), after one warm-up run. Prints one JSON
 * object per size: people, replicates, seconds, and the AUROC with its interval.
 * Usage: java -cp <phb classpath> bench/BootstrapBench.java N [N ...]
 */
public class BootstrapBench {
    public static void main(String[] args) {
        for (String a : args) {
            int n = Integer.parseInt(a);
            SplittableRandom r = new SplittableRandom(n);
            double[] p = new double[n];
            int[] y = new int[n];
            for (int i = 0; i < n; i++) {
                double z = -2.8 + 1.1 * r.nextGaussian();
                p[i] = 1 / (1 + Math.exp(-z));
                y[i] = r.nextDouble() < p[i] ? 1 : 0;
            }
            Bootstrap.of(p, y, 20, 1);
            long t0 = System.nanoTime();
            Bootstrap.Intervals ci = Bootstrap.of(p, y, Bootstrap.REPLICATES, Bootstrap.SEED);
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("{\"people\": %d, \"replicates\": %d, \"seconds\": %.2f, \"cores\": %d, \"auroc\": %.4f, \"auroc_interval\": [%.4f, %.4f]}%n",
                    n, ci.replicates(), seconds, Runtime.getRuntime().availableProcessors(), Metrics.auroc(p, y), ci.auroc().lower(),
                    ci.auroc().upper());
        }
    }
}
