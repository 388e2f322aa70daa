package uk.nhs.phb.models.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import uk.nhs.phb.models.pseudonym.BloomEncoder;
import uk.nhs.phb.models.pseudonym.SecretKey;

class BloomLshTest {
    private static final BloomEncoder ENC = new BloomEncoder(SecretKey.fromBase64("bGlua2FnZS10ZXN0LWtleS0wMDAwMDAwMDAwMDAwMDAwMDAwMA=="));
    private static final BloomLsh LSH = new BloomLsh(BloomEncoder.BITS, 24, 28, 42L);

    private static boolean shareABand(String a, String b) {
        java.util.Set<Long> ka = new java.util.HashSet<>();
        for (long k : LSH.keys(a)) {
            ka.add(k);
        }
        for (long k : LSH.keys(b)) {
            if (ka.contains(k)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void identicalAndTypoNamesShareABandUnrelatedNamesDoNot() {
        List<String[]> typos = List.of(new String[] {"Margaret", "Thompson", "Margret", "Thompson"},
                new String[] {"Mohammed", "Khan", "Mohamed", "Khan"},
                new String[] {"Siobhan", "O'Reilly", "Siobhan", "OReilly"},
                new String[] {"Christopher", "Jones", "Christopher", "Jone"},
                new String[] {"Aleksandra", "Nowak", "Aleksandra", "Nowack"});
        for (String[] t : typos) {
            assertThat(shareABand(ENC.encode(t[0], t[1]), ENC.encode(t[2], t[3]))).as(Arrays.toString(t)).isTrue();
        }
        String[][] unrelated = {{"Margaret", "Thompson"}, {"Kwame", "Mensah"}, {"Li", "Wei"}, {"Oliver", "Smith"},
                {"Fatima", "Begum"}, {"Tomasz", "Kowalski"}};
        int collisions = 0;
        for (int i = 0; i < unrelated.length; i++) {
            for (int j = i + 1; j < unrelated.length; j++) {
                if (shareABand(ENC.encode(unrelated[i][0], unrelated[i][1]), ENC.encode(unrelated[j][0], unrelated[j][1]))) {
                    collisions++;
                }
            }
        }
        assertThat(collisions).isZero();
    }

    @Test
    void candidateProbabilityFollowsTheBandingFormula() {
        assertThat(LSH.candidateProbability(1.0)).isEqualTo(1.0);
        assertThat(LSH.candidateProbability(0.95)).isCloseTo(1 - Math.pow(1 - Math.pow(0.95, 28), 24), within(1e-12));
        assertThat(LSH.candidateProbability(0.95)).isGreaterThan(0.97);
        assertThat(LSH.candidateProbability(0.6)).isLessThan(1e-4);
    }

    @Test
    void keysAreStableForASeedAndBandsNeverCollideWithEachOther() {
        String f = ENC.encode("Ann", "Lee");
        assertThat(new BloomLsh(BloomEncoder.BITS, 24, 28, 42L).keys(f)).containsExactly(LSH.keys(f));
        long[] keys = LSH.keys(f);
        assertThat(Arrays.stream(keys).map(k -> k >>> 56).distinct().count()).isEqualTo(keys.length);
    }

    @Test
    void nearlyEmptyBandsMakeNoKey() {
        long[] empty = new long[BloomEncoder.BITS / 64];
        assertThat(LSH.keys(empty)).as("an all-zero filter is in no block").isEmpty();
        String full = ENC.encode("Bartholomew-Christopherson", "Featherstonehaugh-Wolstenholme");
        long[] keys = LSH.keys(full);
        assertThat(keys).isNotEmpty();
        assertThat(Arrays.stream(keys).allMatch(k -> Long.bitCount(k & ((1L << 56) - 1)) >= BloomLsh.MIN_SET_BITS)).isTrue();
    }
}
