package uk.nhs.phb.pipelines.link;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import uk.nhs.phb.models.pseudonym.EncodedIdentity;
import uk.nhs.phb.models.pseudonym.Identity;
import uk.nhs.phb.models.pseudonym.IdentityEncoder;
import uk.nhs.phb.models.pseudonym.NhsNumber;
import uk.nhs.phb.models.pseudonym.SecretKey;
import uk.nhs.phb.pipelines.SharedSpark;

/** The education spine: SEN2's plans meet their pupils' school census rows on the UPN token, and link through them. */
class LinkEntitiesTest {
    private static final SecretKey KEY = SecretKey.fromBase64("ZWR1Y2F0aW9uLXNwaW5lLXRlc3Qta2V5LTAwMDAwMDA=");
    private static final String IDENTITY = "name_bloom string, dob_token string, dob_ym_token string, dob_dm_token string, "
            + "postcode_token string, postcode_district_token string, birth_year string, sex string";
    private static final String[] GIVEN = {"Oliver", "Amelia", "Noah", "Isla", "Muhammad", "Ava", "George", "Olivia", "Leo",
        "Freya", "Arthur", "Lily", "Harry", "Mia", "Jack", "Grace", "Priya", "Kwame", "Zofia", "Aisha", "Tomasz", "Mei"};
    private static final String[] FAMILY = {"Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies",
        "Patel", "Khan", "Begum", "Robinson", "Wright", "Thompson", "Evans", "Walker", "Mensah", "Nowak", "Chen", "Okafor"};

    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = SharedSpark.get();
    }

    private static Object[] identity(EncodedIdentity e) {
        return new Object[] {e.nameBloom(), e.dobToken(), e.dobYmToken(), e.dobDmToken(), e.postcodeToken(), e.postcodeDistrictToken(),
            e.birthYear() == null ? null : e.birthYear().toString(), e.sex()};
    }

    private static Row row(Object[] head, Object[] identity, Object... tail) {
        Object[] all = new Object[head.length + identity.length + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(identity, 0, all, head.length, identity.length);
        System.arraycopy(tail, 0, all, head.length + identity.length, tail.length);
        return RowFactory.create(all);
    }

    private static Dataset<Row> census(List<Row> rows) {
        return spark.createDataFrame(rows, org.apache.spark.sql.types.StructType.fromDDL(
                "record_id string, pupil_token string, " + IDENTITY + ", census_date date, sen_provision string"));
    }

    private static Dataset<Row> plans(List<Row> rows) {
        return spark.createDataFrame(rows, org.apache.spark.sql.types.StructType.fromDDL(
                "ehcp_id string, pupil_token string, " + IDENTITY + ", start_date date"));
    }

    @Test
    void aPupilsPlansAndCensusRowsAreOneEntityWithTheLatestIdentity() {
        IdentityEncoder enc = new IdentityEncoder(KEY);
        String pupil = enc.localIdToken("upn", "A999000000001");
        Object[] none = new Object[8];
        Object[] moved = identity(enc.encode(new Identity(null, "Ava", "Khan", LocalDate.of(2013, 3, 4), "F", "S2 2BB")));
        Object[] before = identity(enc.encode(new Identity(null, "Ava", "Khan", LocalDate.of(2013, 3, 4), "F", "S1 1AA")));
        Map<String, Dataset<Row>> byFeed = new LinkedHashMap<>();
        byFeed.put("school_census", census(List.of(
                row(new Object[] {"c1", pupil}, before, java.sql.Date.valueOf("2023-10-05"), "E"),
                row(new Object[] {"c2", pupil}, moved, java.sql.Date.valueOf("2024-01-18"), "E"))));
        byFeed.put("ehcp", plans(List.of(row(new Object[] {"p1", pupil}, none, java.sql.Date.valueOf("2024-03-01")))));

        List<Row> entities = LinkEntities.of(byFeed, LinkEntities.EDUCATION).collectAsList();
        assertThat(entities).hasSize(1);
        Row e = entities.get(0);
        assertThat(e.<String>getAs("source")).isEqualTo("education");
        assertThat(e.<String>getAs("entity_key")).isEqualTo(pupil);
        assertThat(e.<Long>getAs("records")).as("two census rows and a plan").isEqualTo(3L);
        assertThat(e.<String>getAs("nhs_token")).as("education carries no NHS number").isNull();
        assertThat(e.<String>getAs("postcode_token")).as("the latest row that has one: the plan has none").isEqualTo(moved[4]);
        assertThat(e.<Integer>getAs("birth_year")).isEqualTo(2013);

        byFeed.remove("school_census");
        assertThat(LinkEntities.of(byFeed, LinkEntities.EDUCATION).first().<String>getAs("name_bloom"))
                .as("a plan alone, sent without encodings, has nothing to link by").isNull();
        assertThatThrownBy(() -> LinkEntities.of(Map.of(), LinkEntities.EDUCATION)).hasMessageContaining("school_census, ehcp");
    }

    @Test
    void aChildTheCinCensusNamesByIdsAloneTakesTheIdentityOfThePupilItsUpnMeets() {
        IdentityEncoder enc = new IdentityEncoder(KEY);
        String pupil = enc.localIdToken("upn", "A999000000001");
        String other = enc.localIdToken("upn", "A999000000002");
        Object[] school = identity(enc.encode(new Identity(null, "Ava", "Khan", LocalDate.of(2013, 3, 4), "F", "S2 2BB")));
        Object[] older = identity(enc.encode(new Identity(null, "Mia", "Chen", LocalDate.of(2009, 1, 2), "F", "S3 3CC")));
        Map<String, Dataset<Row>> education = Map.of("school_census", census(List.of(
                row(new Object[] {"c1", pupil}, school, java.sql.Date.valueOf("2024-01-18"), "N"),
                row(new Object[] {"c2", other}, older, java.sql.Date.valueOf("2024-01-18"), "N"))));
        // a CIN census as the council returns it: the child's ids and birth year, no names
        Dataset<Row> csc = spark.createDataFrame(List.of(
                        RowFactory.create("e1", "CHILD-1", pupil, null, null, null, null, null, null, 2013, "2", java.sql.Date.valueOf("2023-05-01")),
                        RowFactory.create("e2", "CHILD-2", other, null, null, null, null, null, null, 2013, "2", java.sql.Date.valueOf("2023-06-01")),
                        RowFactory.create("e3", "CHILD-3", null, null, null, null, null, null, null, 2014, "1", java.sql.Date.valueOf("2023-07-01"))),
                org.apache.spark.sql.types.StructType.fromDDL("episode_id string, child_token string, pupil_token string, nhs_token string, "
                        + "name_bloom string, dob_token string, dob_ym_token string, postcode_token string, postcode_district_token string, "
                        + "birth_year int, sex string, start_date date"));
        Map<String, Dataset<Row>> cscByFeed = Map.of("csc", csc);
        Dataset<Row> entities = LinkEntities.of(education, LinkEntities.EDUCATION)
                .unionByName(LinkEntities.of(cscByFeed, LinkEntities.CHILDRENS_SOCIAL_CARE));
        Map<String, Row> children = new HashMap<>();
        LinkEntities.withPupilIdentity(entities, "csc", LinkEntities.pupilTokens(cscByFeed, LinkEntities.CHILDRENS_SOCIAL_CARE))
                .filter(col("source").equalTo("csc")).collectAsList().forEach(r -> children.put(r.getAs("entity_key"), r));
        assertThat(children.get("CHILD-1").<String>getAs("name_bloom")).as("the school census's names").isEqualTo(school[0]);
        assertThat(children.get("CHILD-1").<String>getAs("postcode_token")).isEqualTo(school[4]);
        assertThat(children.get("CHILD-1").<Integer>getAs("birth_year")).isEqualTo(2013);
        assertThat(children.get("CHILD-2").<String>getAs("name_bloom")).as("a UPN of a child born in another year lends nothing")
                .isNull();
        assertThat(children.get("CHILD-3").<String>getAs("name_bloom")).as("no UPN").isNull();
        assertThat(children).hasSize(3);
    }

    @Test
    void plansSentWithoutEncodingsReachTheirPupilsHealthRecordsThroughTheSchoolCensus() {
        IdentityEncoder enc = new IdentityEncoder(KEY);
        SplittableRandom r = new SplittableRandom(5);
        List<Row> patients = new ArrayList<>();
        List<Row> census = new ArrayList<>();
        List<Row> plans = new ArrayList<>();
        Map<String, String> truth = new HashMap<>();
        for (int i = 0; i < 1200; i++) {
            String nine = String.format("97%07d", i);
            if (NhsNumber.checkDigit(nine) < 0) {
                continue;
            }
            String nhs = nine + NhsNumber.checkDigit(nine);
            Identity id = new Identity(nhs, GIVEN[r.nextInt(GIVEN.length)], FAMILY[r.nextInt(FAMILY.length)],
                    LocalDate.of(2006 + r.nextInt(14), 1 + r.nextInt(12), 1 + r.nextInt(28)), r.nextBoolean() ? "M" : "F",
                    "S" + (1 + r.nextInt(9)) + " " + r.nextInt(10) + "A" + (char) ('A' + r.nextInt(20)));
            EncodedIdentity e = enc.encode(id);
            patients.add(row(new Object[] {e.nhsToken()}, identity(e), java.sql.Date.valueOf("2015-01-01")));
            if (i % 4 == 0) {
                String pupil = enc.localIdToken("upn", String.format("A998%09d", i));
                truth.put(pupil, e.nhsToken());
                census.add(row(new Object[] {"c" + i, pupil}, identity(enc.encode(new Identity(null, id.givenName(), id.familyName(),
                        id.dateOfBirth(), id.sex(), id.postcode()))), java.sql.Date.valueOf("2024-01-18"), "E"));
                plans.add(row(new Object[] {"p" + i, pupil}, new Object[8], java.sql.Date.valueOf("2023-09-01")));
            }
        }
        Dataset<Row> patientRecords = spark.createDataFrame(patients, org.apache.spark.sql.types.StructType.fromDDL(
                "nhs_token string, " + IDENTITY + ", registered_from date"));
        Dataset<Row> entities = LinkEntities.of(Map.of("patients", patientRecords), LinkEntities.PATIENTS)
                .unionByName(LinkEntities.of(Map.of("school_census", census(census), "ehcp", plans(plans)), LinkEntities.EDUCATION));

        LinkPersons.Result result = LinkPersons.link(entities, LinkPersons.Settings.defaults());
        Map<String, String> anchors = new HashMap<>();
        for (Row l : result.links().filter(col("source").equalTo("education")).collectAsList()) {
            anchors.put(l.getAs("entity_key"), l.getAs("anchor"));
        }
        long right = truth.entrySet().stream().filter(t -> t.getValue().equals(anchors.get(t.getKey()))).count();
        long wrong = truth.entrySet().stream().filter(t -> anchors.get(t.getKey()) != null && anchors.containsKey(t.getKey())
                && !t.getValue().equals(anchors.get(t.getKey())) && !anchors.get(t.getKey()).equals(t.getKey())).count();
        assertThat(truth).hasSizeGreaterThan(250);
        assertThat((double) right / truth.size()).as("recall of the plans' pupils").isGreaterThanOrEqualTo(0.95);
        assertThat(wrong).as("no plan linked to another child").isZero();
    }
}
