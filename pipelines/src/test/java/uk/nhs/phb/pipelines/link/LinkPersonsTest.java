package uk.nhs.phb.pipelines.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import uk.nhs.phb.models.pseudonym.EncodedIdentity;
import uk.nhs.phb.models.pseudonym.Identity;
import uk.nhs.phb.models.pseudonym.IdentityEncoder;
import uk.nhs.phb.models.pseudonym.NhsNumber;
import uk.nhs.phb.models.pseudonym.SecretKey;
import uk.nhs.phb.pipelines.SharedSpark;

class LinkPersonsTest {
    private static final SecretKey KEY = SecretKey.fromBase64("bGlua2FnZS10ZXN0LWtleS0wMDAwMDAwMDAwMDAwMDA=");
    private static final String[] GIVEN = {"Oliver", "Amelia", "Noah", "Isla", "Muhammad", "Ava", "George", "Olivia", "Leo",
        "Freya", "Arthur", "Lily", "Harry", "Mia", "Jack", "Grace", "Priya", "Kwame", "Zofia", "Aisha", "Tomasz", "Mei"};
    private static final String[] FAMILY = {"Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies",
        "Patel", "Khan", "Begum", "Robinson", "Wright", "Thompson", "Evans", "Walker", "Mensah", "Nowak", "Chen", "Okafor"};
    private static final StructType ENTITY = new StructType()
            .add("source", DataTypes.StringType).add("entity_key", DataTypes.StringType)
            .add("nhs_token", DataTypes.StringType).add("name_bloom", DataTypes.StringType).add("dob_token", DataTypes.StringType)
            .add("dob_ym_token", DataTypes.StringType).add("dob_dm_token", DataTypes.StringType).add("postcode_token", DataTypes.StringType)
            .add("postcode_district_token", DataTypes.StringType).add("birth_year", DataTypes.IntegerType)
            .add("sex", DataTypes.StringType).add("records", DataTypes.LongType);

    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = SharedSpark.get();
    }

    record Person(String nhs, String given, String family, LocalDate dob, String sex, String postcode) {
    }

    private static List<Person> people(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Person> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String nine = String.format("99%07d", i);
            int check = NhsNumber.checkDigit(nine);
            if (check < 0) {
                nine = String.format("98%07d", i);
                check = NhsNumber.checkDigit(nine);
            }
            out.add(new Person(check < 0 ? null : nine + check, GIVEN[r.nextInt(GIVEN.length)], FAMILY[r.nextInt(FAMILY.length)],
                    LocalDate.of(1930 + r.nextInt(90), 1 + r.nextInt(12), 1 + r.nextInt(28)), r.nextBoolean() ? "M" : "F",
                    "LS" + (1 + r.nextInt(9)) + " " + r.nextInt(10) + "A" + (char) ('A' + r.nextInt(20))));
        }
        return out;
    }

    private static Row entity(IdentityEncoder enc, String source, String key, Identity id, boolean keepToken) {
        EncodedIdentity e = enc.encode(id);
        return RowFactory.create(source, key == null ? e.nhsToken() : key, keepToken ? e.nhsToken() : null, e.nameBloom(), e.dobToken(),
                e.dobYmToken(), e.dobDmToken(), e.postcodeToken(), e.postcodeDistrictToken(), e.birthYear(), e.sex(), 1L);
    }

    private static Identity id(Person p) {
        return new Identity(p.nhs(), p.given(), p.family(), p.dob(), p.sex(), p.postcode());
    }

    @Test
    void linksTokenRecordsExactlyAndTokenlessRecordsWithHighPrecisionAndRecall() {
        IdentityEncoder enc = new IdentityEncoder(KEY);
        List<Person> pop = people(1500, 7).stream().filter(p -> p.nhs() != null).toList();
        List<Row> rows = new ArrayList<>();
        Map<String, String> truth = new HashMap<>();
        for (Person p : pop) {
            rows.add(entity(enc, "patients", null, id(p), true));
        }
        SplittableRandom r = new SplittableRandom(11);
        int k = 0;
        for (int i = 0; i < 400; i++) {
            Person p = pop.get(r.nextInt(pop.size()));
            String key = "LA" + (k++);
            boolean hasToken = i < 150;
            Identity shown = id(p);
            int fault = r.nextInt(5);
            if (fault == 1) {
                shown = new Identity(p.nhs(), p.given().substring(0, p.given().length() - 1), p.family(), p.dob(), p.sex(), p.postcode());
            } else if (fault == 2) {
                shown = new Identity(p.nhs(), p.given(), p.family(), p.dob(), p.sex(), "BD9 9ZZ");
            } else if (fault == 3 && p.dob().getDayOfMonth() <= 12 && p.dob().getDayOfMonth() != p.dob().getMonthValue()) {
                shown = new Identity(p.nhs(), p.given(), p.family(), LocalDate.of(p.dob().getYear(), p.dob().getDayOfMonth(),
                        p.dob().getMonthValue()), p.sex(), p.postcode());
            }
            rows.add(entity(enc, "asc_cld", key, shown, hasToken));
            truth.put("asc_cld:" + key, enc.encode(id(p)).nhsToken());
        }
        for (Person p : people(60, 99)) {
            String key = "EDU" + (k++);
            Person unseen = new Person(null, p.given(), p.family() + "son", p.dob(), p.sex(), p.postcode());
            rows.add(entity(enc, "ehcp", key, id(unseen), false));
            truth.put("ehcp:" + key, null);
        }
        Person victim = pop.get(0);
        Person other = pop.get(1);
        rows.add(entity(enc, "asc_cld", "WRONG", new Identity(victim.nhs(), other.given(), other.family(), other.dob(), other.sex(),
                other.postcode()), true));

        LinkPersons.Result result = LinkPersons.link(spark.createDataFrame(rows, ENTITY), LinkPersons.Settings.defaults());
        List<Row> links = result.links().collectAsList();
        assertThat(links).hasSize(rows.size());

        int tp = 0;
        int fp = 0;
        int fn = 0;
        for (Row l : links) {
            String source = l.getAs("source");
            if (source.equals("patients") || l.getAs("entity_key").equals("WRONG")) {
                continue;
            }
            String expected = truth.get(source + ":" + l.getAs("entity_key"));
            String method = l.getAs("method");
            boolean linked = method.equals("NHS_TOKEN") || method.equals("PROBABILISTIC");
            if (linked && l.getAs("anchor").equals(expected)) {
                tp++;
            } else if (linked) {
                fp++;
            } else if (expected != null) {
                fn++;
            }
        }
        double precision = tp / (double) (tp + fp);
        double recall = tp / (double) (tp + fn);
        assertThat(precision).as("precision (tp=%d fp=%d fn=%d)", tp, fp, fn).isGreaterThanOrEqualTo(0.99);
        assertThat(recall).as("recall (tp=%d fp=%d fn=%d)", tp, fp, fn).isGreaterThanOrEqualTo(0.95);

        assertThat(links.stream().filter(l -> l.getAs("source").equals("asc_cld") && ((String) l.getAs("entity_key")).startsWith("LA"))
                .filter(l -> l.getAs("method").equals("NHS_TOKEN")).count()).isEqualTo(150);
        assertThat(result.review().filter("reason = 'TOKEN_CONFLICT'").select("entity_key").as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList()).containsExactly("WRONG");
        assertThat(result.model().m(uk.nhs.phb.models.link.PersonComparisons.DOB, 0)).isGreaterThan(0.7);
        assertThat(result.model().u(uk.nhs.phb.models.link.PersonComparisons.DOB, 0)).isLessThan(0.01);
        assertThat(result.diagnostics().deterministicLinks()).isEqualTo(151);
    }

    @Test
    void aCommonNameIsBlockedWithTheBirthYearSoItsBlocksStaySmallAndItsRecordsAreStillFound() {
        IdentityEncoder enc = new IdentityEncoder(KEY);
        // 900 spine people share one name, more than a name band alone may hold (500): their blocks must not be skipped
        List<Person> spinePeople = people(900, 21).stream().filter(p -> p.nhs() != null)
                .map(p -> new Person(p.nhs(), "Jack", "Smith", p.dob(), p.sex(), p.postcode())).toList();
        List<Row> rows = new ArrayList<>();
        for (Person p : spinePeople) {
            rows.add(entity(enc, "patients", null, id(p), true));
        }
        // records only the name can find: the day of birth is wrong (not swapped) and the person moved district
        Map<String, String> truth = new HashMap<>();
        long expectedYearPairs = 0;
        for (int i = 0; i < 20; i++) {
            Person p = spinePeople.get(i * 37);
            LocalDate wrongDay = p.dob().withDayOfMonth(p.dob().getDayOfMonth() % 28 + 1);
            rows.add(entity(enc, "ehcp", "E" + i, new Identity(null, "Jack", "Smith", wrongDay, p.sex(), "ZZ1 1AA"), false));
            truth.put("E" + i, enc.encode(id(p)).nhsToken());
            expectedYearPairs += spinePeople.stream().filter(q -> q.dob().getYear() == p.dob().getYear()).count();
        }

        LinkPersons.Result result = LinkPersons.link(spark.createDataFrame(rows, ENTITY), LinkPersons.Settings.defaults());
        Map<String, Long> byRule = result.diagnostics().pairsByRule();
        assertThat(byRule.get("name_lsh_year")).isEqualTo(expectedYearPairs);
        assertThat(byRule.get("name_lsh_district")).isZero();
        assertThat(byRule.get("name_lsh")).isZero();
        assertThat(expectedYearPairs).isLessThan(20 * 30);
        List<Row> found = result.candidates().collectAsList();
        for (Map.Entry<String, String> t : truth.entrySet()) {
            assertThat(found).as("the true spine record of %s is a candidate", t.getKey())
                    .anyMatch(c -> c.getAs("l_entity_key").equals(t.getKey()) && c.getAs("r_entity_key").equals(t.getValue()));
        }
    }

    @Test
    void aRecordWithOnlyANameIsBlockedOnItsNameBandsAlone() {
        IdentityEncoder enc = new IdentityEncoder(KEY);
        List<Person> spinePeople = people(60, 5).stream().filter(p -> p.nhs() != null).toList();
        List<Row> rows = new ArrayList<>();
        for (Person p : spinePeople) {
            rows.add(entity(enc, "patients", null, id(p), true));
        }
        for (int i = 0; i < 5; i++) {
            EncodedIdentity e = enc.encode(id(spinePeople.get(i * 7)));
            // a name and a year-month token (which no rule blocks on): only the name bands can find the record
            rows.add(RowFactory.create("ehcp", "N" + i, null, e.nameBloom(), null, e.dobYmToken(), null, null, null, null, null, 1L));
        }
        LinkPersons.Result result = LinkPersons.link(spark.createDataFrame(rows, ENTITY), LinkPersons.Settings.defaults());
        Map<String, Long> byRule = result.diagnostics().pairsByRule();
        assertThat(byRule.get("name_lsh")).isPositive();
        List<Row> found = result.candidates().collectAsList();
        for (int i = 0; i < 5; i++) {
            String key = "N" + i;
            String token = enc.encode(id(spinePeople.get(i * 7))).nhsToken();
            assertThat(found).as("the spine record of %s is a candidate", key)
                    .anyMatch(c -> c.getAs("l_entity_key").equals(key) && c.getAs("r_entity_key").equals(token));
        }
    }

    @Test
    void aLandingWithOnlyTheSpineLinksEveryoneToThemselves() {
        IdentityEncoder enc = new IdentityEncoder(SecretKey.generate());
        List<Row> rows = new ArrayList<>();
        int k = 0;
        for (Person p : people(40, 3)) {
            rows.add(entity(enc, "patients", "P" + (k++), id(p), true));
        }
        LinkPersons.Result result = LinkPersons.link(spark.createDataFrame(rows, ENTITY), LinkPersons.Settings.defaults());
        List<Row> links = result.links().collectAsList();
        assertThat(links).hasSize(40).allMatch(l -> l.getAs("method").equals("SPINE") && l.getAs("anchor").equals(l.getAs("entity_key")));
    }

    @Test
    void feedsEncodedWithDifferentKeysAreAnErrorNotZeroLinks() {
        IdentityEncoder enc = new IdentityEncoder(KEY);
        IdentityEncoder other = new IdentityEncoder(SecretKey.fromBase64("b3RoZXIta2V5LW9mLWFub3RoZXItcHJvdmlkZXIhISE="));
        List<Row> rows = new ArrayList<>();
        for (Person p : people(60, 3)) {
            if (p.nhs() == null) {
                continue;
            }
            rows.add(entity(enc, "patients", null, id(p), true));
            EncodedIdentity mine = enc.encode(id(p));
            EncodedIdentity theirs = other.encode(id(p));
            rows.add(RowFactory.create("asc_cld", "LA" + p.nhs(), mine.nhsToken(), theirs.nameBloom(), theirs.dobToken(),
                    theirs.dobYmToken(), theirs.dobDmToken(), theirs.postcodeToken(), theirs.postcodeDistrictToken(),
                    theirs.birthYear(), theirs.sex(), 1L));
        }
        assertThatThrownBy(() -> LinkPersons.link(spark.createDataFrame(rows, ENTITY), LinkPersons.Settings.defaults()))
                .isInstanceOf(LinkPersons.EncodingMismatchException.class).hasMessageContaining("different keys");
    }
}
