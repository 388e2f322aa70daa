package uk.nhs.phb.pipelines.synth;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.junit.jupiter.api.Test;

/**
 * A task carries the generator's model as its settings, not its tables: deserialising the reference tables and
 * price lists in every task was half the CPU time of a small synthesis.
 */
class ModelShippingTest {
    private static byte[] serialise(Object o) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        return bytes.toByteArray();
    }

    private static Object deserialise(byte[] bytes) throws Exception {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            return in.readObject();
        }
    }

    @Test
    void aModelTravelsAsItsSettingsAndIsBuiltOncePerJvm() throws Exception {
        SynthSettings settings = SynthSettings.of(300, 41);
        Model model = Model.of(settings);
        byte[] shipped = serialise(model);
        // the settings and their fault rates: a few hundred bytes, where the tables are megabytes
        assertThat(shipped.length).isLessThan(4_000);
        assertThat(deserialise(shipped)).isSameAs(model);
        assertThat(serialise(Reference.load()).length).isLessThan(500);
        assertThat(deserialise(serialise(Reference.load()))).isSameAs(Reference.load());
    }

    @Test
    void aModelRebuiltFromItsSettingsIsTheSameModel() {
        SynthSettings settings = SynthSettings.of(300, 42);
        Model shipped = Model.of(settings);
        Model rebuilt = new Model(settings);
        assertThat(rebuilt.geo.lsoaCodes).isEqualTo(shipped.geo.lsoaCodes);
        assertThat(rebuilt.geo.practiceWeight).isEqualTo(shipped.geo.practiceWeight);
        assertThat(rebuilt.emergencyCoef).isEqualTo(shipped.emergencyCoef);
        assertThat(rebuilt.monthStart(5)).isEqualTo(shipped.monthStart(5));
    }
}
