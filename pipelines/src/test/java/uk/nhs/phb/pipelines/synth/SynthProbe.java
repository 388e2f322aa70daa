package uk.nhs.phb.pipelines.synth;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import uk.nhs.phb.models.pseudonym.SecretKey;
import uk.nhs.phb.pipelines.SharedSpark;

class SynthProbe {
    @Test
    void probe() {
        SparkSession spark = SharedSpark.get();
        long t0 = System.nanoTime();
        Dataset<Row> recs = SyntheticPopulation.of(spark, SynthSettings.of(Integer.getInteger("probe.n", 4000), 7), SecretKey.generate()).records().cache();
        recs.groupBy("table").count().orderBy("table").show(40, false);
        System.out.println("seconds " + (System.nanoTime() - t0) / 1e9);
        for (String t : new String[] {"_truth/persons", "_truth/risk", "_truth/faults", "phb_register", "apc_spells", "asc_cld"}) {
            SyntheticPopulation.table(recs, t).show(3, false);
        }
        SyntheticPopulation.table(recs, "_truth/risk").createOrReplaceTempView("risk");
        SyntheticPopulation.table(recs, "_truth/persons").createOrReplaceTempView("persons");
        SyntheticPopulation.table(recs, "apc_spells").createOrReplaceTempView("apc");
        SyntheticPopulation.table(recs, "gp_conditions").createOrReplaceTempView("cond");
        spark.sql("select avg(cast(p_emergency_12m as double)) p, avg(cast(outcome_12m as int)) o, count(*) n from risk where follow_up_in_window='Y'").show();
        spark.sql("select substr(admission_method,1,1) m, count(*) from apc group by 1").show();
        spark.sql("select condition_code, count(*) from cond group by 1 order by 2 desc").show(60);
    }
}
