package uk.nhs.phb.jobs.score;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import uk.nhs.phb.jobs.InputException;
import uk.nhs.phb.models.risk.CostModel;
import uk.nhs.phb.models.risk.FeatureSpec;
import uk.nhs.phb.models.risk.GbtRisk;
import uk.nhs.phb.models.risk.RiskModels;

/** {@code phb score} refuses a model whose feature contract does not match the features table, naming what changed. */
class SchemaCheckTest {
    static RiskModels tinyModels() {
        Map<String, String> types = new LinkedHashMap<>();
        types.put("age", "int");
        types.put("emergency_admissions_365d", "int");
        FeatureSpec spec = FeatureSpec.of(types, List.of(
                new FeatureSpec.Encoded("age", "age", FeatureSpec.Kind.NUMBER, null, 0),
                new FeatureSpec.Encoded("emergency_admissions_365d", "emergency_admissions_365d", FeatureSpec.Kind.NUMBER, null, 0)));
        Random r = new Random(1);
        double[][] x = new double[300][];
        int[] y = new int[300];
        double[] c = new double[300];
        for (int i = 0; i < 300; i++) {
            x[i] = new double[] {r.nextInt(90), r.nextInt(3)};
            y[i] = r.nextDouble() < 0.1 + 0.2 * x[i][1] ? 1 : 0;
            c[i] = 100 + 1000 * x[i][1];
        }
        GbtRisk.Params p = new GbtRisk.Params(5, 4, 10, 0.1, 0.8, 5);
        GbtRisk gbt = GbtRisk.fit(x, y, x, y, spec.names(), p, 1);
        return new RiskModels("m1", "m1/cost", spec, gbt, null, null, null, CostModel.fit(x, c, x, c, spec.names(), p, 1), 0);
    }

    @Test
    void matchingSchemaPassesAndAChangedTypeOrMissingColumnIsRefused() {
        RiskModels m = tinyModels();
        StructType same = new StructType().add("person_id", DataTypes.StringType).add("age", DataTypes.IntegerType)
                .add("emergency_admissions_365d", DataTypes.IntegerType).add("extra", DataTypes.StringType);
        assertThatCode(() -> ScoreJob.checkSchema(m, same, "models/m1")).doesNotThrowAnyException();
        StructType changed = new StructType().add("person_id", DataTypes.StringType).add("age", DataTypes.DoubleType);
        assertThatThrownBy(() -> ScoreJob.checkSchema(m, changed, "models/m1"))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("model m1 (models/m1) was trained on features with schema hash " + m.spec().schemaHash().substring(0, 12))
                .hasMessageContaining("changed: age: int -> double; emergency_admissions_365d: int -> absent")
                .hasMessageContaining("retrain with 'phb train --as-of DATE'");
    }
}
