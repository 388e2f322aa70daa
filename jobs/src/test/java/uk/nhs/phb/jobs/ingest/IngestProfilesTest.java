package uk.nhs.phb.jobs.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.phb.jobs.InputException;
import uk.nhs.phb.jobs.JobSettings;
import uk.nhs.phb.jobs.TestSpark;
import uk.nhs.phb.models.pseudonym.KeyedTokens;
import uk.nhs.phb.models.pseudonym.SecretKey;
import uk.nhs.phb.schemas.profiles.PriceList.Price;
import uk.nhs.phb.schemas.profiles.Profiles;

/**
 * National extracts landed as they arrive, each a small sample written with the specification's own column names and
 * real code values (SUS+ reporting views, HES, ECDS), read through the shipped dataset profiles.
 */
class IngestProfilesTest {
    static final LocalDate EXTRACT = LocalDate.of(2024, 6, 30);
    /** DSCRO pseudonyms (NCDR's Der_Pseudo_NHS_Number is a large integer): invented values, not NHS numbers. */
    static final String PERSON_A = "9100000000000000011";
    static final String PERSON_B = "9100000000000000022";

    static SparkSession spark;
    static final SecretKey KEY = SecretKey.generate();

    @TempDir
    Path tmp;
    Path landing;
    JobSettings settings;

    @BeforeAll
    static void spark() {
        spark = TestSpark.get();
    }

    @BeforeEach
    void folders() throws IOException {
        landing = Files.createDirectories(tmp.resolve("landing"));
        settings = new JobSettings(tmp.resolve("lake").toString(), landing.toString(), tmp.resolve("out").toString(), "local[2]", false);
    }

    void write(String folder, String file, String... lines) throws IOException {
        Path dir = Files.createDirectories(landing.resolve(folder));
        Files.writeString(dir.resolve(file), String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    }

    IngestJob.Result ingest(Profiles profiles, String... feeds) {
        return IngestJob.of(settings).feeds(List.of(feeds)).extractDate(EXTRACT).profiles(profiles).lakeKey(KEY).execute();
    }

    Map<String, Row> bronze(String feed, String key) {
        Dataset<Row> t = spark.read().format("delta").load(settings.lake() + "/bronze/" + feed);
        return t.collectAsList().stream().collect(Collectors.toMap(r -> r.getAs(key), r -> r));
    }

    /** What quarantine holds, for failure messages. */
    String quarantined(String feed) {
        return spark.read().format("delta").load(settings.lake() + "/quarantine/" + feed).select("_rule", "_field", "_detail")
                .collectAsList().toString();
    }

    static String token(String domain, String pseudonym) {
        return new KeyedTokens(KEY).token("pseudonym:" + domain, pseudonym);
    }

    static BigDecimal national(String pod, String code) {
        return Profiles.builtIn().prices().prices().stream().filter(p -> p.pointOfDelivery().equals(pod) && p.code().equals(code))
                .map(Price::price).findFirst().orElseThrow();
    }

    void susApcs() throws IOException {
        write("sus_apcs", "APCS_Core_2324.csv",
                "APCS_Ident,Der_Pseudo_NHS_Number,Der_Provider_Code,Der_Provider_Site_Code,Admission_Date,Discharge_Date,Admission_Method,"
                        + "Der_Diagnosis_All,Spell_Core_HRG_SUS,Grand_Total_Payment_MFF,Der_Financial_Year,Der_Activity_Month",
                // emergency, costed by SUS: the recorded cost wins (rounded to pence)
                "900000001," + PERSON_A + ",RXH00,RXH01,2024-01-05 00:00:00.000,2024-01-09 00:00:00.000,21,\"||J189 ,I10X ||J181\",DZ11V,2350.417,2023/24,202401",
                // elective, same day: a day case, priced
                "900000002," + PERSON_A + ",RXH00,RXH01,2024-02-01 00:00:00.000,2024-02-01 00:00:00.000,11,||H259 ,AA26H,,2023/24,202402",
                // an independent-sector provider; a one-night emergency stay: short stay
                "900000003," + PERSON_B + ",NT300,NT301,2024-03-10,2024-03-11,2A,||R074 ,EB12C,,2023/24,202403",
                // still in hospital, 2024/25: priced at the latest earlier year listed
                "900000004," + PERSON_B + ",RXH00,RXH01,2024-04-02,,21,||I500 ,EB03D,,2024/25,202404",
                // injected fault: a 13th month
                "900000005," + PERSON_B + ",RXH00,RXH01,2024-13-02,,21,||I500 ,EB03D,,2024/25,202404");
    }

    @Test
    void susSpellsLandWithTheirCostsAndPseudonymsReKeyed() throws IOException {
        susApcs();
        IngestJob.Result r = ingest(Profiles.builtIn(), "apc_spells");

        IngestJob.FeedResult f = r.feeds().get(0);
        assertThat(f.rowsIn()).isEqualTo(5);
        assertThat(f.rowsValid()).isEqualTo(4);
        assertThat(f.quarantinedByRule()).containsExactly(Map.entry("bad_type", 1L));
        assertThat(f.readBy()).containsOnlyKeys("sus_apcs");
        assertThat(f.readBy().get("sus_apcs")).startsWith("profile sus_apcs (SUS+ APCS").endsWith(": 1 file");

        Map<String, Row> spells = bronze("apc_spells", "spell_id");
        Row recorded = spells.get("900000001");
        assertThat(recorded.<String>getAs("nhs_token")).isEqualTo(token("dscro", PERSON_A));
        assertThat(recorded.<String>getAs("provider_code")).isEqualTo("RXH");
        assertThat(recorded.<java.sql.Date>getAs("admission_date").toLocalDate()).isEqualTo(LocalDate.of(2024, 1, 5));
        assertThat(recorded.<String>getAs("primary_diagnosis")).isEqualTo("J189");
        assertThat(recorded.<BigDecimal>getAs("cost")).isEqualByComparingTo("2350.42");
        assertThat(recorded.<String>getAs("cost_source")).isEqualTo("recorded");
        assertThat((Object) recorded.getAs("price_year")).isNull();

        Row dayCase = spells.get("900000002");
        assertThat(dayCase.<BigDecimal>getAs("cost")).isEqualByComparingTo(national("DC", "AA26H")).isEqualByComparingTo("636.42");
        assertThat(dayCase.<String>getAs("cost_source")).isEqualTo("tariff");
        assertThat(dayCase.<Integer>getAs("price_year")).isEqualTo(2023);

        Row shortStay = spells.get("900000003");
        assertThat(shortStay.<String>getAs("provider_code")).isEqualTo("NT3");
        assertThat(shortStay.<BigDecimal>getAs("cost")).isEqualByComparingTo("337.56");

        Row inHospital = spells.get("900000004");
        assertThat((Object) inHospital.getAs("discharge_date")).isNull();
        assertThat(inHospital.<BigDecimal>getAs("cost")).isEqualByComparingTo("2956.56");
        assertThat(inHospital.<Integer>getAs("price_year")).isEqualTo(2023);

        // the quarantined line keeps its place and its text, but the raw pseudonym is replaced by its token
        Row bad = spark.read().format("delta").load(settings.lake() + "/quarantine/apc_spells").first();
        assertThat(bad.<Long>getAs("_source_line")).isEqualTo(6L);
        assertThat(bad.<String>getAs("_raw_line")).contains("900000005", token("dscro", PERSON_B)).doesNotContain(PERSON_B);
    }

    @Test
    void hesEpisodesBecomeSpellsInTheirOwnDomain() throws IOException {
        write("hes_apc", "hes_apc_2324.csv",
                "TOKEN_PERSON_ID,EPIKEY,EPIORDER,ADMIDATE,DISDATE,EPISTART,EPIEND,ADMIMETH,DIAG_4_01,DIAG_4_CONCAT,PROCODE3,SUSHRG,EPISTAT,FYEAR",
                // the spell's second episode comes first in the file; the first carries HES's unknown-date default
                PERSON_A + ",406111899173,2,05/01/2024,09/01/2024,07/01/2024,09/01/2024,21,J181,\"J181,I10X\",RXH,DZ11V,3,2324",
                PERSON_A + ",406111899172,1,05/01/2024,01/01/1800,05/01/2024,07/01/2024,21,J189,J189,RXH,DZ11V,3,2324",
                PERSON_B + ",406111899180,1,10/03/2024,11/03/2024,10/03/2024,11/03/2024,2A,R074,R074,RXH,EB12C,3,2324");
        IngestJob.Result r = ingest(Profiles.builtIn(), "apc_spells");

        assertThat(r.feeds().get(0).rowsIn()).isEqualTo(2);
        assertThat(r.feeds().get(0).rowsQuarantined()).isZero();
        Map<String, Row> byToken = bronze("apc_spells", "nhs_token");
        Row spell = byToken.get(token("hes", PERSON_A));
        assertThat(spell).as("HES pseudonyms are keyed in their own domain").isNotNull();
        assertThat(byToken).doesNotContainKey(token("dscro", PERSON_A));
        assertThat(spell.<String>getAs("spell_id")).hasSize(40);
        assertThat(spell.<String>getAs("primary_diagnosis")).as("from the first episode").isEqualTo("J189");
        assertThat(spell.<java.sql.Date>getAs("discharge_date").toLocalDate()).isEqualTo(LocalDate.of(2024, 1, 9));
        assertThat(spell.<BigDecimal>getAs("cost")).as("a four-night emergency spell: long stay").isEqualByComparingTo("2179.54");
        assertThat(byToken.get(token("hes", PERSON_B)).<BigDecimal>getAs("cost")).isEqualByComparingTo("337.56");
    }

    @Test
    void emergencyCareAndOutpatientsArePricedByTheirKind() throws IOException {
        write("sus_ecds", "EC_Core.csv",
                "EC_Ident,Der_Pseudo_NHS_Number,Der_Provider_Code,Arrival_Date,EC_Department_Type,SUS_HRG_Code,SUS_Final_Price,EC_Chief_Complaint_SNOMED_CT",
                "71000001," + PERSON_A + ",RXH01,2024-01-04,01,VB09Z,,267036007",
                // a UTC attendance with no HRG and the department type without its leading zero
                "71000002," + PERSON_B + ",RXH02,2024-02-14,3,,,21522001",
                "71000003," + PERSON_B + ",RXH01,2024-03-01,01,VB11Z,95.5,21522001",
                // a department type outside the NHS Data Dictionary's list: kept, as not known, and counted
                "71000004," + PERSON_B + ",RXH01,2024-03-02,05,VB09Z,,21522001");
        write("sus_opa", "OPA_Core.csv",
                "OPA_Ident,Der_Pseudo_NHS_Number,Der_Provider_Code,Appointment_Date,First_Attendance,Treatment_Function_Code,Attendance_Status,Core_HRG,Tariff_Total_Payment",
                "81000001," + PERSON_A + ",RXH00,2024-01-10,1,320,5,WF01B,",
                "81000002," + PERSON_A + ",RXH00,2024-02-10,2,320,3,WF01A,",
                "81000003," + PERSON_B + ",RXH00,2024-02-11,4,654,6,WF01C,150");
        IngestJob.Result r = ingest(Profiles.builtIn(), "ecds", "outpatients");
        assertThat(r.rowsQuarantined()).as(() -> quarantined("ecds") + quarantined("outpatients")).isZero();

        IngestJob.FeedResult ecds = r.feeds().stream().filter(x -> x.feed().equals("ecds")).findFirst().orElseThrow();
        assertThat(ecds.rowsValid()).isEqualTo(4);
        assertThat(ecds.recoded()).containsExactly(Map.entry("department_type=05", 1L));
        Map<String, Row> ed = bronze("ecds", "attendance_id");
        assertThat(ed.get("71000004").<String>getAs("department_type")).isEqualTo("99");
        assertThat(ed.get("71000001").<BigDecimal>getAs("cost")).isEqualByComparingTo("177.01");
        assertThat(ed.get("71000001").<String>getAs("hrg_code")).isEqualTo("VB09Z");
        Row utc = ed.get("71000002");
        assertThat(utc.<String>getAs("department_type")).isEqualTo("03");
        assertThat(utc.<BigDecimal>getAs("cost")).as("no HRG: the average attendance").isEqualByComparingTo(national("ED", "*"))
                .isBetween(new BigDecimal("123.75"), new BigDecimal("866.37"));
        assertThat(ed.get("71000003").<String>getAs("cost_source")).isEqualTo("recorded");

        Map<String, Row> op = bronze("outpatients", "appointment_id");
        assertThat(op.get("81000001").<BigDecimal>getAs("cost")).isEqualByComparingTo("232.07");
        assertThat(op.get("81000002").<BigDecimal>getAs("cost")).as("did not attend").isEqualByComparingTo("0");
        assertThat(op.get("81000003").<BigDecimal>getAs("cost")).isEqualByComparingTo("150");
        assertThat(op.get("81000003").<String>getAs("treatment_function")).isEqualTo("654");
    }

    @Test
    void csdsContactsJoinTheirPersonAndTeamAndArePricedWhenAttended() throws IOException {
        // the DSCRO's CSDS tables in one folder, with the long output-specification names some data lakes use for CYP201
        write("csds", "CYP001MPI.csv",
                "Person_ID,RecordNumber,UniqueSubmissionID,Der_Pseudo_NHS_Number,OrgIDProv",
                "0HC0162QETFFCI8,6513450000040163,1001," + PERSON_A + ",RY6",
                // the same person in a later month's submission: one person, whatever the number of MPI rows
                "0HC0162QETFFCI8,6513450000040999,1002," + PERSON_A + ",RY6",
                "0HC0162QETFFCI9,6513450000040164,1001," + PERSON_B + ",RY6",
                // a malformed line (an unbalanced quote): left out of the join, so its person's contact has no person
                "0HC0162QETFFCJ1,6513450000040165,\"1001," + PERSON_B + ",RY6");
        write("csds", "CYP102ServiceTypeReferredTo.csv",
                "ServiceRequestID,Person_ID,TeamType,ReferralClosureDate",
                "33723994,0HC0162QETFFCI8,12,",
                "33723995,0HC0162QETFFCI9,45,");
        write("csds", "CYP201CareContact_2.csv",
                "CARE CONTACT IDENTIFIER,PERSON ID,SERVICE REQUEST IDENTIFIER,CARE CONTACT DATE,ATTENDANCE STATUS,CLINICAL CONTACT DURATION OF CARE CONTACT",
                // district nursing, attended
                "EMC0005097728,0HC0162QETFFCI8,33723994,2024-02-01,5,30",
                // district nursing, did not attend: costs nothing
                "EMC0005097729,0HC0162QETFFCI8,33723994,2024-02-08,3,0",
                // an integrated team phb's list lacks: kept as OTHER and counted
                "EMC0005097730,0HC0162QETFFCI9,33723995,01/03/2024,6,45",
                // a person the MPI does not hold: no pseudonym, so no person (quarantined, its line withheld)
                "EMC0005097731,0HC0162QETFFXXX,33723995,2024-03-02,5,20",
                "EMC0005097732,0HC0162QETFFCJ1,33723995,2024-03-03,5,20");
        IngestJob.Result r = ingest(Profiles.builtIn(), "community");

        IngestJob.FeedResult f = r.feeds().get(0);
        assertThat(f.rowsIn()).isEqualTo(5);
        assertThat(f.rowsValid()).isEqualTo(3);
        assertThat(f.quarantinedByRule()).containsExactly(Map.entry("missing_required", 2L));
        assertThat(f.recoded()).containsExactly(Map.entry("service_type=45", 1L));
        assertThat(f.readBy().get("csds/csds_contacts")).startsWith("profile csds_contacts (CSDS v1.6").endsWith(": 3 files");

        Map<String, Row> contacts = bronze("community", "contact_id");
        Row attended = contacts.get("EMC0005097728");
        assertThat(attended.<String>getAs("nhs_token")).isEqualTo(token("dscro", PERSON_A));
        assertThat(attended.<String>getAs("service_type")).isEqualTo("DISTRICT_NURSING");
        assertThat(attended.<BigDecimal>getAs("cost")).isEqualByComparingTo(national("COMMUNITY", "*")).isEqualByComparingTo("86.32");
        assertThat(attended.<String>getAs("cost_source")).isEqualTo("tariff");
        Row missed = contacts.get("EMC0005097729");
        assertThat(missed.<String>getAs("attendance_status")).isEqualTo("3");
        assertThat(missed.<BigDecimal>getAs("cost")).isEqualByComparingTo("0");
        Row other = contacts.get("EMC0005097730");
        assertThat(other.<String>getAs("nhs_token")).isEqualTo(token("dscro", PERSON_B));
        assertThat(other.<String>getAs("service_type")).isEqualTo("OTHER");
        assertThat(other.<java.sql.Date>getAs("contact_date").toLocalDate()).isEqualTo(LocalDate.of(2024, 3, 1));

        Row unknown = spark.read().format("delta").load(settings.lake() + "/quarantine/community")
                .filter(org.apache.spark.sql.functions.col("contact_id").equalTo("EMC0005097731")).first();
        assertThat(unknown.<String>getAs("contact_id")).isEqualTo("EMC0005097731");
        assertThat((Object) unknown.getAs("_raw_line")).as("the line names the data set's own person id: withheld").isNull();
        assertThat(unknown.<Long>getAs("_source_line")).isEqualTo(5L);
        // neither the data set's person id nor the DSCRO's pseudonym is kept anywhere in the lake's community tables
        String everything = spark.read().format("delta").load(settings.lake() + "/bronze/community").collectAsList().toString()
                + spark.read().format("delta").load(settings.lake() + "/quarantine/community").collectAsList();
        assertThat(everything).doesNotContain("0HC0162QETFFCI8").doesNotContain(PERSON_A);
    }

    @Test
    void mhsdsContactsAndSpellsShareAFolderAndFillOneFeed() throws IOException {
        write("mhsds", "MHS001MPI.csv",
                "Person_ID,RecordNumber,UniqMonthID,OrgIDProv,Der_Pseudo_NHS_Number,Gender",
                "MH0000000001,7001,1489,RXT," + PERSON_A + ",2",
                "MH0000000002,7002,1489,RXT," + PERSON_B + ",1");
        write("mhsds", "MHS102ServiceTypeReferredTo.csv",
                "UniqServReqID,UniqCareProfTeamID,ServTeamTypeRefToMH,Person_ID",
                "RXT-SR-1,RXT-T-1,A06,MH0000000001",
                "RXT-SR-2,RXT-T-2,A02,MH0000000002");
        write("mhsds", "MHS201CareContact.csv",
                "UniqCareContID,Person_ID,UniqServReqID,CareContDate,AttendStatus,ConsMechanismMH",
                "RXT-CC-1,MH0000000001,RXT-SR-1,2024-05-01,5,01",
                "RXT-CC-2,MH0000000002,RXT-SR-2,2024-05-02,7,02");
        // a spell open across two monthly submissions: one event, dated by the latest
        write("mhsds", "MHS501HospProvSpell.csv",
                "UniqHospProvSpellID,Person_ID,UniqServReqID,StartDateHospProvSpell,DischDateHospProvSpell,MethAdmMHHospProvSpell,UniqMonthID",
                "RXT-HS-1,MH0000000002,RXT-SR-2,2024-05-03,,2A,1490",
                "RXT-HS-1,MH0000000002,RXT-SR-2,2024-05-03,2024-06-20,2A,1491",
                // still in hospital at the May 2024 submission (UniqMonthID 1490): bed days to 31 May
                "RXT-HS-2,MH0000000001,RXT-SR-1,2024-05-20,,2A,1490");
        write("mhsds", "MHS401MHActPeriod.csv",
                "UniqMHActEpisodeID,MHActLegalStatusClassPeriodId,Person_ID,RecordNumber,UniqMonthID,StartDateMHActLegalStatusClass,"
                        + "EndDateMHActLegalStatusClass,LegalStatusCode",
                // informal: not a detention, set aside and counted
                "RXT-MHA-1,1,MH0000000002,7002,1490,2024-05-03,2024-05-04,01",
                // section 2 then section 3 (the code is the section here)
                "RXT-MHA-2,2,MH0000000002,7002,1490,2024-05-04,2024-05-20,02",
                "RXT-MHA-3,3,MH0000000002,7002,1490,2024-05-20,,03",
                // 10 is section 37; 37 is section 45A, not section 37
                "RXT-MHA-4,4,MH0000000001,7001,1490,2024-01-10,,10",
                "RXT-MHA-5,5,MH0000000001,7001,1490,2024-02-10,,37",
                // a place of safety, open in one month's submission and closed in the next: one event
                "RXT-MHA-6,6,MH0000000001,7001,1490,2024-05-31,,20",
                "RXT-MHA-6,6,MH0000000001,7001,1491,2024-05-31,2024-06-01,20",
                // no such code: quarantined
                "RXT-MHA-7,7,MH0000000001,7001,1491,2024-06-02,,11");
        IngestJob.Result r = ingest(Profiles.builtIn(), "mental_health");

        IngestJob.FeedResult f = r.feeds().get(0);
        assertThat(f.rowsIn()).isEqualTo(10);
        assertThat(f.rowsValid()).isEqualTo(9);
        assertThat(f.quarantinedByRule()).containsExactly(Map.entry("unknown_code", 1L));
        assertThat(f.readBy().get("mhsds/mhsds_mha")).contains("1 row set aside, not the feed's");
        Map<String, Row> detentions = bronze("mental_health", "event_id");
        assertThat(detentions).doesNotContainKey("RXT-MHA-1");
        assertThat(detentions.get("RXT-MHA-2").<String>getAs("mha_section")).isEqualTo("2");
        assertThat(detentions.get("RXT-MHA-3").<String>getAs("mha_section")).isEqualTo("3");
        assertThat(detentions.get("RXT-MHA-4").<String>getAs("mha_section")).isEqualTo("37");
        assertThat(detentions.get("RXT-MHA-5").<String>getAs("mha_section")).isEqualTo("45A");
        Row placeOfSafety = detentions.get("RXT-MHA-6");
        assertThat(placeOfSafety.<String>getAs("mha_section")).isEqualTo("136");
        assertThat(placeOfSafety.<java.sql.Date>getAs("end_date").toLocalDate()).isEqualTo(LocalDate.of(2024, 6, 1));
        assertThat(placeOfSafety.<String>getAs("event_type")).isEqualTo("DETENTION");
        assertThat(placeOfSafety.<BigDecimal>getAs("cost")).isEqualByComparingTo("0");
        assertThat(f.readBy()).containsOnlyKeys("mhsds/mhsds_contacts", "mhsds/mhsds_spells", "mhsds/mhsds_mha");
        Map<String, Row> events = bronze("mental_health", "event_id");
        Row cmht = events.get("RXT-CC-1");
        assertThat(cmht.<String>getAs("event_type")).isEqualTo("CONTACT");
        assertThat(cmht.<String>getAs("service")).isEqualTo("CMHT");
        assertThat(cmht.<String>getAs("nhs_token")).isEqualTo(token("dscro", PERSON_A));
        assertThat(cmht.<BigDecimal>getAs("cost")).isEqualByComparingTo(national("MH_CONTACT", "MHCC"));
        assertThat(events.get("RXT-CC-2").<BigDecimal>getAs("cost")).as("late and not seen").isEqualByComparingTo("0");
        assertThat(events.get("RXT-CC-2").<String>getAs("service")).isEqualTo("CRISIS");
        Row spell = events.get("RXT-HS-1");
        assertThat(spell.<String>getAs("event_type")).isEqualTo("INPATIENT");
        assertThat(spell.<String>getAs("service")).isEqualTo("INPATIENT_WARD");
        assertThat(spell.<java.sql.Date>getAs("end_date").toLocalDate()).isEqualTo(LocalDate.of(2024, 6, 20));
        assertThat(spell.<String>getAs("nhs_token")).isEqualTo(token("dscro", PERSON_B));
        // the National Cost Collection's MHPS unit cost is per occupied bed day: 3 May to 20 June is 48
        assertThat(spell.<BigDecimal>getAs("cost")).isEqualByComparingTo(national("MH_SPELL", "MHPS").multiply(BigDecimal.valueOf(48)));
        Row open = events.get("RXT-HS-2");
        assertThat(open.<java.sql.Date>getAs("end_date")).isNull();
        assertThat(open.<BigDecimal>getAs("cost")).as("20 to 31 May").isEqualByComparingTo(national("MH_SPELL", "MHPS").multiply(BigDecimal.valueOf(11)));
    }

    /** Bronze rows keyed by person and a field (the feed's record id is a keyed hash where the layout has none). */
    Map<String, Row> bronzeByPerson(String feed, String field) {
        Dataset<Row> t = spark.read().format("delta").load(settings.lake() + "/bronze/" + feed);
        return t.collectAsList().stream().collect(Collectors.toMap(r -> r.getAs("nhs_token") + "|" + r.getAs(field), r -> r));
    }

    @Test
    void gpEventsBecomeConditionsFromTheirCodeClusters() throws IOException {
        write("gp_events", "GDPPR_journal_2024.csv",
                "NHS_NUMBER_DEID,PRACTICE,GP_SYSTEM_SUPPLIER,DATE,RECORD_DATE,CODE,VALUE1_CONDITION",
                // type 2 diabetes (DM_COD), recorded twice: the first date counts
                PERSON_A + ",F81001,EMIS,2019-03-04,2019-03-04,44054006,",
                PERSON_A + ",F81001,EMIS,2021-06-01,2021-06-01,44054006,",
                // hypertensive disorder (HYP_COD); a systolic blood pressure is in no cluster: set aside
                PERSON_A + ",F81001,EMIS,2018-11-20,2018-11-21,38341003,",
                PERSON_A + ",F81001,EMIS,2018-11-20,2018-11-21,271649006,150",
                // falls (an eFI deficit), entered without the event's date
                PERSON_A + ",F81001,EMIS,,2023-01-15,161898004,",
                // asthma is in QOF's AST_COD and in the eFI respiratory disease set: a condition of each
                PERSON_B + ",F81002,TPP,05/02/2020,05/02/2020,195967001,",
                // Parkinson's disease: from the eFI set (QOF has no cluster)
                PERSON_B + ",F81002,TPP,2022-07-01,2022-07-01,49049000,",
                // injected fault: no such day
                PERSON_B + ",F81002,TPP,2020-02-30,2020-03-01,44054006,");
        IngestJob.Result r = ingest(Profiles.builtIn(), "gp_conditions");

        IngestJob.FeedResult f = r.feeds().get(0);
        assertThat(f.rowsIn()).isEqualTo(7);
        assertThat(f.rowsValid()).as(() -> quarantined("gp_conditions")).isEqualTo(6);
        assertThat(f.rowsQuarantined()).isEqualTo(1);
        assertThat(f.readBy().get("gp_events")).contains("1 row set aside");
        Map<String, Row> conditions = bronzeByPerson("gp_conditions", "condition_code");
        String a = token("dscro", PERSON_A);
        String b = token("dscro", PERSON_B);
        assertThat(conditions).containsOnlyKeys(a + "|DM", a + "|HTN", a + "|EFI_FALLS", b + "|AST", b + "|EFI_RESPIRATORY", b + "|PARK");
        assertThat(conditions.get(a + "|DM").<java.sql.Date>getAs("recorded_date").toLocalDate()).isEqualTo(LocalDate.of(2019, 3, 4));
        assertThat(conditions.get(a + "|HTN").<java.sql.Date>getAs("recorded_date").toLocalDate()).isEqualTo(LocalDate.of(2018, 11, 20));
        assertThat(conditions.get(a + "|EFI_FALLS").<java.sql.Date>getAs("recorded_date").toLocalDate()).isEqualTo(LocalDate.of(2023, 1, 15));
        assertThat(conditions.get(b + "|AST").<java.sql.Date>getAs("recorded_date").toLocalDate()).isEqualTo(LocalDate.of(2020, 2, 5));
        assertThat(conditions.get(b + "|AST").<String>getAs("record_id")).hasSize(40)
                .isNotEqualTo(conditions.get(b + "|EFI_RESPIRATORY").<String>getAs("record_id"));
    }

    @Test
    void prescriptionItemsBecomeAPersonsMonth() throws IOException {
        // BNF codes: 0212000B0 atorvastatin, 0601022B0 metformin, 0205051R0 ramipril, 0103050P0 omeprazole, 0206020A0 amlodipine
        write("nhsbsa_items", "EPD_PC_Meds_202405.csv",
                "dmicPseudoNHSNumber,BSAPrescriptionID,ItemID,ProcessingPeriodDate,PrescribedBNFCode,PaidBNFCode,PaidQuantity,ItemCount,"
                        + "ItemActualCost,ItemNIC,NotDispensedIndicator",
                PERSON_A + ",BSA001,1,2024-05-01,0212000B0AAABAB,0212000B0AAABAB,28,1,0.98,1.05,N",
                PERSON_A + ",BSA001,2,2024-05-01,0601022B0AAABAB,0601022B0AAABAB,56,1,1.96,2.10,N",
                PERSON_A + ",BSA002,1,2024-05-01,0601022B0AAABAB,0601022B0AAADAD,56,1,1.96,2.10,",
                // a date-time; an item not dispensed is set aside
                PERSON_A + ",BSA003,1,2024-06-01 00:00:00.000,0205051R0AAAJAJ,0205051R0AAAJAJ,28,1,0.89,0.95,N",
                PERSON_A + ",BSA003,2,2024-06-01 00:00:00.000,0103050P0AAAAAA,0103050P0AAAAAA,28,1,0.00,0.00,Y",
                // the month as yyyyMM; two items on one line
                PERSON_B + ",BSA004,1,202405,0206020A0AAAAAA,,28,2,0.75,0.80,N",
                // injected fault: a cost that is not a number quarantines the person's month
                PERSON_B + ",BSA005,1,2024-04-10,0206020A0AAAAAA,0206020A0AAAAAA,28,1,0.75,n/a,N");
        IngestJob.Result r = ingest(Profiles.builtIn(), "prescriptions");

        IngestJob.FeedResult f = r.feeds().get(0);
        assertThat(f.rowsIn()).isEqualTo(4);
        assertThat(f.rowsValid()).as(() -> quarantined("prescriptions")).isEqualTo(3);
        assertThat(f.rowsQuarantined()).isEqualTo(1);
        assertThat(f.readBy().get("nhsbsa_items")).contains("1 row set aside");
        Map<String, Row> months = bronzeByPerson("prescriptions", "period_month");
        Row may = months.get(token("dscro", PERSON_A) + "|2024-05-01");
        assertThat(may.<Integer>getAs("items")).isEqualTo(3);
        assertThat(may.<Integer>getAs("distinct_medicines")).as("atorvastatin and metformin").isEqualTo(2);
        assertThat(may.<BigDecimal>getAs("cost")).isEqualByComparingTo("5.25");
        Row june = months.get(token("dscro", PERSON_A) + "|2024-06-01");
        assertThat(june.<Integer>getAs("items")).isEqualTo(1);
        assertThat(june.<BigDecimal>getAs("cost")).isEqualByComparingTo("0.95");
        Row b = months.get(token("dscro", PERSON_B) + "|2024-05-01");
        assertThat(b.<Integer>getAs("items")).isEqualTo(2);
        assertThat(b.<Integer>getAs("distinct_medicines")).as("read from the prescribed code").isEqualTo(1);
        assertThat(may.<String>getAs("record_id")).isNotEqualTo(june.<String>getAs("record_id")).hasSize(40);
    }

    /** A FHIR resource on one line: the JSON written with single quotes, for readability. */
    static String fhir(String singleQuoted) {
        return singleQuoted.replace('\'', '"');
    }

    static final String NHS = "'system':'https://fhir.nhs.uk/Id/nhs-number'";
    static final String ODS = "'system':'https://fhir.nhs.uk/Id/ods-organization-code'";
    static final String SNOMED = "'system':'http://snomed.info/sct'";
    static final String DMD = "'system':'https://dmd.nhs.uk'";

    /** A shared care record's Bulk Data export, in UK Core's paths and code systems, with injected faults. */
    void fhirExport() throws IOException {
        write("fhir", "Patient.ndjson",
                fhir("{'resourceType':'Patient','id':'pa','identifier':[{'system':'https://example.nhs.uk/Id/pas','value':'L1'},{" + NHS
                        + ",'value':'" + PERSON_A + "'}],'gender':'female','birthDate':'1941-02-03'}"),
                fhir("{'resourceType':'Patient','id':'pb','identifier':[{" + NHS + ",'value':'" + PERSON_B + "'}],'gender':'male'}"),
                // not JSON: a joined table's unreadable line is left out
                "{'resourceType':'Patient'");
        write("fhir", "Organization.ndjson", fhir("{'resourceType':'Organization','id':'org-1','identifier':[{" + ODS + ",'value':'RXH01'}]}"));
        write("fhir", "Encounter.ndjson",
                fhir("{'resourceType':'Encounter','id':'e1','status':'finished','class':{'system':'http://terminology.hl7.org/CodeSystem/v3-ActCode',"
                        + "'code':'EMER'},'subject':{'reference':'Patient/pa'},'period':{'start':'2024-01-04T23:30:00+00:00'},"
                        + "'serviceProvider':{'reference':'Organization/org-1'}}"),
                // an absolute reference; the provider by ODS code; a local date in summer time; an id phb cannot keep as it is
                fhir("{'resourceType':'Encounter','id':'e.2','status':'finished','class':{'code':'EMER'},"
                        + "'subject':{'reference':'https://scr.example.nhs.uk/fhir/Patient/pb/_history/3'},"
                        + "'period':{'start':'2024-06-30T23:30:00+01:00'},'serviceProvider':{'identifier':{" + ODS + ",'value':'NT301'}}}"),
                // an inpatient encounter and a cancelled one are set aside
                fhir("{'resourceType':'Encounter','id':'e3','status':'finished','class':{'code':'IMP'},'subject':{'reference':'Patient/pa'},"
                        + "'period':{'start':'2024-02-01T10:00:00+00:00'}}"),
                fhir("{'resourceType':'Encounter','id':'e4','status':'cancelled','class':{'code':'EMER'},'subject':{'reference':'Patient/pa'},"
                        + "'period':{'start':'2024-02-02T10:00:00+00:00'}}"),
                // injected faults: a patient the export does not hold; a Condition in the Encounter file
                fhir("{'resourceType':'Encounter','id':'e5','status':'finished','class':{'code':'EMER'},'subject':{'reference':'Patient/zz'},"
                        + "'period':{'start':'2024-03-01T10:00:00+00:00'},'serviceProvider':{'reference':'Organization/org-1'}}"),
                fhir("{'resourceType':'Condition','id':'c9','subject':{'reference':'Patient/pa'}}"));
        write("fhir", "Condition.ndjson",
                // type 2 diabetes, recorded twice: the first date counts
                fhir("{'resourceType':'Condition','id':'c1','verificationStatus':{'coding':[{'system':"
                        + "'http://terminology.hl7.org/CodeSystem/condition-ver-status','code':'confirmed'}]},'code':{'coding':[{" + SNOMED
                        + ",'code':'44054006'}]},'subject':{'reference':'Patient/pa'},'onsetDateTime':'2019-03-04T10:00:00+00:00'}"),
                fhir("{'resourceType':'Condition','id':'c2','code':{'coding':[{" + SNOMED + ",'code':'44054006'}]},"
                        + "'subject':{'reference':'Patient/pa'},'recordedDate':'2021-06-01'}"),
                // coded in ICD-10 only: no concept to look up, set aside
                fhir("{'resourceType':'Condition','id':'c3','code':{'coding':[{'system':'http://hl7.org/fhir/sid/icd-10-uk','code':'E11.9'}]},"
                        + "'subject':{'reference':'Patient/pa'},'recordedDate':'2021-06-01'}"),
                // asthma: in QOF's AST_COD and the eFI respiratory set, a condition of each
                fhir("{'resourceType':'Condition','id':'c4','code':{'coding':[{'system':'http://read.info/ctv3','code':'H33..'},{" + SNOMED
                        + ",'code':'195967001'}]},'subject':{'reference':'Patient/pb'},'recordedDate':'2020-02-05'}"),
                // a refuted hypertension is set aside
                fhir("{'resourceType':'Condition','id':'c5','verificationStatus':{'coding':[{'system':"
                        + "'http://terminology.hl7.org/CodeSystem/condition-ver-status','code':'refuted'}]},'code':{'coding':[{" + SNOMED
                        + ",'code':'38341003'}]},'subject':{'reference':'Patient/pb'},'recordedDate':'2020-02-05'}"),
                // injected fault: Parkinson's disease with only a year
                fhir("{'resourceType':'Condition','id':'c6','code':{'coding':[{" + SNOMED + ",'code':'49049000'}]},"
                        + "'subject':{'reference':'Patient/pb'},'onsetDateTime':'2022'}"));
        write("fhir", "Medication.ndjson", fhir("{'resourceType':'Medication','id':'med-1','code':{'coding':[{" + DMD
                + ",'code':'18616211000001106'}]}}"));
        write("fhir", "MedicationDispense.ndjson",
                fhir("{'resourceType':'MedicationDispense','id':'d1','status':'completed','medicationReference':{'reference':'Medication/med-1'},"
                        + "'subject':{'reference':'Patient/pa'},'whenHandedOver':'2024-05-03T10:00:00+01:00'}"),
                fhir("{'resourceType':'MedicationDispense','id':'d2','status':'completed','medicationCodeableConcept':{'coding':[{" + DMD
                        + ",'code':'322236009'}]},'subject':{'reference':'Patient/pa'},'whenPrepared':'2024-05-20T09:00:00+01:00'}"),
                fhir("{'resourceType':'MedicationDispense','id':'d3','status':'completed','medicationReference':{'reference':'Medication/med-1'},"
                        + "'subject':{'reference':'Patient/pa'},'whenPrepared':'2024-05-27T09:00:00+01:00','whenHandedOver':'2024-05-28T09:00:00+01:00'}"),
                // not yet handed over: set aside
                fhir("{'resourceType':'MedicationDispense','id':'d4','status':'in-progress','medicationReference':{'reference':'Medication/med-1'},"
                        + "'subject':{'reference':'Patient/pa'},'whenPrepared':'2024-05-29T09:00:00+01:00'}"),
                fhir("{'resourceType':'MedicationDispense','id':'d5','status':'completed','medicationReference':{'reference':'Medication/med-1'},"
                        + "'subject':{'reference':'Patient/pb'},'whenHandedOver':'2024-06-02T09:00:00+01:00'}"),
                // injected fault: no date
                fhir("{'resourceType':'MedicationDispense','id':'d6','status':'completed','medicationReference':{'reference':'Medication/med-1'},"
                        + "'subject':{'reference':'Patient/pb'}}"));
    }

    @Test
    void aFhirBulkExportLandsAsConditionsEmergencyAttendancesAndDispensedItems() throws IOException {
        fhirExport();
        IngestJob.Result r = ingest(Profiles.builtIn(), "gp_conditions", "ecds", "prescriptions");
        Map<String, IngestJob.FeedResult> feeds = r.feeds().stream().collect(Collectors.toMap(IngestJob.FeedResult::feed, x -> x));
        String a = token("dscro", PERSON_A);
        String b = token("dscro", PERSON_B);

        IngestJob.FeedResult gp = feeds.get("gp_conditions");
        assertThat(gp.rowsValid()).as(() -> quarantined("gp_conditions")).isEqualTo(3);
        assertThat(gp.rowsQuarantined()).isEqualTo(1);
        assertThat(gp.readBy().get("fhir/fhir_conditions")).contains("2 rows set aside");
        Map<String, Row> conditions = bronzeByPerson("gp_conditions", "condition_code");
        assertThat(conditions).containsOnlyKeys(a + "|DM", b + "|AST", b + "|EFI_RESPIRATORY");
        assertThat(conditions.get(a + "|DM").<java.sql.Date>getAs("recorded_date").toLocalDate()).isEqualTo(LocalDate.of(2019, 3, 4));

        IngestJob.FeedResult ed = feeds.get("ecds");
        assertThat(ed.rowsValid()).as(() -> quarantined("ecds")).isEqualTo(2);
        assertThat(ed.rowsQuarantined()).isEqualTo(2);
        assertThat(ed.readBy().get("fhir/fhir_encounters")).contains("2 rows set aside");
        Map<String, Row> attendances = bronzeByPerson("ecds", "arrival_date");
        Row first = attendances.get(a + "|2024-01-04");
        assertThat(first.<String>getAs("attendance_id")).isEqualTo("e1");
        assertThat(first.<String>getAs("provider_code")).isEqualTo("RXH");
        assertThat(first.<String>getAs("department_type")).isEqualTo("99");
        assertThat(first.<BigDecimal>getAs("cost")).isEqualByComparingTo(national("ED", "*"));
        assertThat(first.<String>getAs("cost_source")).isEqualTo("tariff");
        Row summer = attendances.get(b + "|2024-06-30");
        assertThat(summer.<String>getAs("provider_code")).isEqualTo("NT3");
        assertThat(summer.<String>getAs("attendance_id")).hasSize(40).matches("[0-9a-f]{40}");
        List<Row> faults = spark.read().format("delta").load(settings.lake() + "/quarantine/ecds").collectAsList();
        assertThat(faults).extracting(x -> x.<String>getAs("_detail")).anySatisfy(d -> assertThat(d).contains("a Condition resource in a file "
                + "of Encounter resources"));
        assertThat(faults).extracting(x -> x.<String>getAs("_field")).contains("nhs_token");
        assertThat(faults).allSatisfy(x -> assertThat(x.<String>getAs("_raw_line")).as("a resource may name a person: never kept").isNull());

        IngestJob.FeedResult rx = feeds.get("prescriptions");
        assertThat(rx.rowsValid()).as(() -> quarantined("prescriptions")).isEqualTo(2);
        assertThat(rx.rowsQuarantined()).isEqualTo(1);
        assertThat(rx.readBy().get("fhir/fhir_dispenses")).contains("1 row set aside");
        Map<String, Row> months = bronzeByPerson("prescriptions", "period_month");
        Row may = months.get(a + "|2024-05-01");
        assertThat(may.<Integer>getAs("items")).isEqualTo(3);
        assertThat(may.<Integer>getAs("distinct_medicines")).as("one by reference, one coded in the dispense").isEqualTo(2);
        assertThat(may.<BigDecimal>getAs("cost")).as("three items at 2024/25's national cost per item").isEqualByComparingTo("26.67");
        assertThat(months.get(b + "|2024-06-01").<BigDecimal>getAs("cost")).isEqualByComparingTo("8.89");
    }

    @Test
    void aFhirExportWithoutMedicationOrOrganizationResourcesStillLands() throws IOException {
        fhirExport();
        Files.delete(landing.resolve("fhir/Medication.ndjson"));
        Files.delete(landing.resolve("fhir/Organization.ndjson"));
        IngestJob.Result r = ingest(Profiles.builtIn(), "ecds", "prescriptions");
        Map<String, IngestJob.FeedResult> feeds = r.feeds().stream().collect(Collectors.toMap(IngestJob.FeedResult::feed, x -> x));
        Row may = bronzeByPerson("prescriptions", "period_month").get(token("dscro", PERSON_A) + "|2024-05-01");
        assertThat(may.<Integer>getAs("items")).isEqualTo(3);
        assertThat(may.<Integer>getAs("distinct_medicines")).as("only the one coded in the dispense itself").isEqualTo(1);
        // the first attendance named its provider only through the Organization: no provider, quarantined for it
        assertThat(feeds.get("ecds").rowsValid()).as(() -> quarantined("ecds")).isEqualTo(1);
        assertThat(feeds.get("ecds").rowsQuarantined()).isEqualTo(3);
    }

    @Test
    void aFhirResourceTypeNoProfileReadsIsRefusedNamingTheFileAndTheWayOut() throws IOException {
        fhirExport();
        write("fhir", "Procedure.ndjson", fhir("{'resourceType':'Procedure','id':'p1','status':'completed','subject':{'reference':'Patient/pa'}}"));
        assertThatThrownBy(() -> ingest(Profiles.builtIn(), "gp_conditions")).isInstanceOf(InputException.class)
                .hasMessageContaining("Procedure.ndjson is none of the tables its folder's profiles read")
                .hasMessageContaining("start its name with '_' to set it aside");
        Files.move(landing.resolve("fhir/Procedure.ndjson"), landing.resolve("fhir/_Procedure.ndjson"));
        Files.delete(landing.resolve("fhir/Patient.ndjson"));
        assertThatThrownBy(() -> ingest(Profiles.builtIn(), "gp_conditions")).isInstanceOf(InputException.class)
                .hasMessageContaining("none named {*Patient*,*patient*}, the table it joins as patient");
    }

    @Test
    void adultSocialCareEventsLandWithBothPersonIdsReKeyedAndTheirCostsMadeWeekly() throws IOException {
        String header = "LA_Code,Reporting_Period_Start_Date,Reporting_Period_End_Date,NHS_Number,LA_Person_Unique_Identifier,GP_Practice_Code,"
                + "Gender,Ethnicity,Date_of_Birth,Client_Type,Primary_Support_Reason,Postcode,Event_Type,Event_Reference,Event_Start_Date,"
                + "Event_End_Date,Event_Outcome,Service_Type,Service_Component,Delivery_Mechanism,Unit_Cost,Cost_Frequency_Unit_Type,"
                + "Planned_units_per_week,Client_Funding_Status";
        String period = "E08000026,01/04/2024,31/03/2025,";
        write("asc_client_level_data", "CLD_E08000026_2425Q4.csv", header,
                // Release 2 values; home care by the hour
                period + PERSON_A + ",LA0001,,Female,\"White: English, Welsh, Scottish, Northern Irish or British\",03/02/1941,Service user,"
                        + "Physical support: Personal care support,,Service,EV1001,01/04/2024,,Continuation of support or services,"
                        + "Long term support: Community,Home support or domiciliary care,CASSR commissioned support,23.50,Hourly,10.5,"
                        + "Joint client and social care funded",
                // Release 1 spellings; a residential placement costed per four weeks
                period + PERSON_B + ",LA0002,,Male,Asian / Asian British: Indian,11/09/1938,Service User,Physical Support: Access & mobility only,,"
                        + "Service,EV1002,15/05/2024,,No change in package,Long Term Support: Residential Care,Long Term Residential Care,"
                        + "Direct Payment,3120.00,4-Weekly,,Fully social care funded",
                period + PERSON_A + ",LA0001,,Female,,03/02/1941,Service user,Physical support: Personal care support,,Assessment,EV1003,"
                        + "02/03/2024,20/03/2024,\"Progress to assessment, review or reassessment\",,,,,,,",
                // an unpaid carer with no NHS number, paid a direct payment once a year
                period + ",LA0003,,Female,Other ethnic group: Arab,,Unpaid carer,,,Service,EV1004,01/06/2024,,,"
                        + "Unpaid carer support: Direct to unpaid carer,Direct payment,Direct payment,600,Annually,,",
                // a reference phb cannot keep as it is; a request closed by a death
                period + PERSON_B + ",LA0002,,Male,,11/09/1938,Service user,,,Request,REF 2024/77,01/02/2024,03/02/2024,NFA: Deceased,,,,,,,",
                // injected faults: no such day; a service component the national lists lack
                period + PERSON_A + ",LA0001,,Female,,03/02/1941,Service user,,,Review,EV1006,31/02/2024,,,,,,,,,",
                period + PERSON_B + ",LA0002,,Male,,11/09/1938,Service user,,,Service,EV1007,01/06/2024,,,Long term support: Community,"
                        + "Befriending,CASSR commissioned support,12,Weekly,,");
        IngestJob.Result r = ingest(Profiles.builtIn(), "asc_cld");

        IngestJob.FeedResult f = r.feeds().get(0);
        assertThat(f.rowsValid()).as(() -> quarantined("asc_cld")).isEqualTo(5);
        assertThat(f.rowsQuarantined()).isEqualTo(2);
        Map<String, Row> events = bronze("asc_cld", "event_id");
        Row home = events.get("EV1001");
        assertThat(home.<String>getAs("la_person_token")).isEqualTo(token("council", "E08000026|LA0001"));
        assertThat(home.<String>getAs("nhs_token")).as("the DSCRO's domain: it links with the health extracts")
                .isEqualTo(token("dscro", PERSON_A));
        assertThat(home.<String>getAs("ethnicity")).isEqualTo("A");
        assertThat(home.<String>getAs("sex")).isEqualTo("2");
        assertThat(home.<Integer>getAs("birth_year")).isEqualTo(1941);
        assertThat(home.<String>getAs("service_type")).isEqualTo("LTS_COMMUNITY");
        assertThat(home.<String>getAs("service_component")).isEqualTo("HOME_CARE");
        assertThat(home.<String>getAs("delivery_mechanism")).isEqualTo("COMMISSIONED");
        assertThat(home.<String>getAs("primary_support_reason")).isEqualTo("PHYSICAL_PERSONAL_CARE");
        assertThat(home.<BigDecimal>getAs("unit_cost")).isEqualByComparingTo("23.50");
        assertThat(home.<String>getAs("cost_frequency_unit_type")).isEqualTo("Hourly");
        assertThat(home.<BigDecimal>getAs("planned_units_per_week")).isEqualByComparingTo("10.5");
        assertThat(home.<String>getAs("event_outcome")).isEqualTo("CONTINUE");
        Row care = events.get("EV1002");
        assertThat(care.<String>getAs("client_type")).isEqualTo("SERVICE_USER");
        assertThat(care.<String>getAs("ethnicity")).isEqualTo("H");
        assertThat(care.<String>getAs("service_type")).isEqualTo("LTS_RESIDENTIAL");
        assertThat(care.<String>getAs("service_component")).isEqualTo("RESIDENTIAL");
        assertThat(care.<String>getAs("delivery_mechanism")).isEqualTo("DIRECT_PAYMENT");
        assertThat(care.<BigDecimal>getAs("unit_cost")).as("3,120 per four weeks").isEqualByComparingTo("780.00");
        assertThat(care.<String>getAs("cost_frequency_unit_type")).isEqualTo("Weekly");
        assertThat(care.<java.sql.Date>getAs("event_start").toLocalDate()).isEqualTo(LocalDate.of(2024, 5, 15));
        assertThat(events.get("EV1003").<String>getAs("event_outcome")).isEqualTo("PROGRESS_TO_ASSESSMENT");
        Row carer = events.get("EV1004");
        assertThat(carer.<String>getAs("client_type")).isEqualTo("CARER");
        assertThat(carer.<String>getAs("nhs_token")).isNull();
        assertThat(carer.<String>getAs("ethnicity")).isEqualTo("S");
        assertThat(carer.<BigDecimal>getAs("unit_cost")).as("600 a year").isEqualByComparingTo("11.54");
        assertThat(carer.<String>getAs("service_type")).isEqualTo("CARER_SUPPORT");
        Row request = events.values().stream().filter(x -> x.<String>getAs("event_type").equals("Request")).findFirst().orElseThrow();
        assertThat(request.<String>getAs("event_id")).matches("[0-9a-f]{40}");
        assertThat(request.<String>getAs("event_outcome")).isEqualTo("DIED");

        List<Row> faults = spark.read().format("delta").load(settings.lake() + "/quarantine/asc_cld").collectAsList();
        assertThat(faults).extracting(x -> x.<String>getAs("_field")).containsExactlyInAnyOrder("event_start", "service_component");
        assertThat(faults).allSatisfy(x -> assertThat(x.<String>getAs("_raw_line")).as("two person ids: the line is withheld").isNull());
    }

    @Test
    void continuingHealthcareReferralsJoinTheirPersonAndLatestPackage() throws IOException {
        write("chc_plds", "CHC_001_MPI_202405.csv",
                "LocalPatientId,OrgIDLocalPatientId,Der_Pseudo_NHS_Number,AgeRepPeriodEndYears,Gender",
                "LP0001,QWE," + PERSON_A + ",82,2",
                "LP0001,QWE," + PERSON_A + ",82,2",
                "LP0002,QWE," + PERSON_B + ",16,1");
        write("chc_plds", "CHC_101_ReferralAssessmentOutcome_202405.csv",
                "ServiceRequestId,LocalPatientId,ActivityTypeCHC,ReferralRequestReceivedDateCHC,PatientLocationCHCChecklist,"
                        + "CommEligibilityDecisionDateStandardCHC,CommEligibilityDecisionOutcomeStandardCHC,RefAcceptedDateFastTrack",
                // one referral in two monthly submissions: the one with the decision is read
                "SR0001,LP0001,01,2024-01-10,01,,,",
                "SR0001,LP0001,01,2024-01-10,01,2024-02-05,01,",
                // Fast Track, accepted the next day, in a hospice
                "SR0002,LP0001,02,2024-05-01,07,,,2024-05-02",
                // a 16-year-old assessed on an acute ward, not eligible: children's continuing care
                "SR0003,LP0002,01,2024-03-01,03,2024-04-20,03,",
                // injected fault: decided before referred
                "SR0004,LP0002,01,2024-05-10,06,2024-05-05,02,",
                // awaiting a decision, in a care home with nursing; a UK date
                "SR0005,LP0001,01,31/05/2024,05,,,");
        write("chc_plds", "CHC_102_CarePackage_202405.csv",
                "CarePackageIDCHC,ServiceRequestId,LocalPatientId,StartDateCarePackage,EndDateCarePackage,ContractUnitCost,"
                        + "ContractUnitFrequency,CommissionedWeeklyHoursOfCare",
                "CP01,SR0001,LP0001,2024-02-10,2024-03-31,1250.00,04,",
                // the latest package: 20 hours a week at 28.50 an hour
                "CP02,SR0001,LP0001,2024-04-01,,28.50,02,20",
                // 24 hours a day at 180.00 a day
                "CP03,SR0002,LP0001,2024-05-03,,180.00,03,168");
        IngestJob.Result r = ingest(Profiles.builtIn(), "chc");

        IngestJob.FeedResult f = r.feeds().get(0);
        assertThat(f.rowsIn()).isEqualTo(5);
        assertThat(f.rowsValid()).as(() -> quarantined("chc")).isEqualTo(4);
        assertThat(f.quarantinedByRule()).containsExactly(Map.entry("decision_before_referral", 1L));
        Map<String, Row> referrals = bronze("chc", "record_id");
        Row standard = referrals.get("SR0001");
        assertThat(standard.<String>getAs("nhs_token")).isEqualTo(token("dscro", PERSON_A));
        assertThat(standard.<String>getAs("pathway")).isEqualTo("STANDARD");
        assertThat(standard.<String>getAs("decision")).isEqualTo("ELIGIBLE");
        assertThat(standard.<java.sql.Date>getAs("decision_date").toLocalDate()).isEqualTo(LocalDate.of(2024, 2, 5));
        assertThat(standard.<java.sql.Date>getAs("package_start").toLocalDate()).isEqualTo(LocalDate.of(2024, 4, 1));
        assertThat(standard.<Object>getAs("package_end")).isNull();
        assertThat(standard.<BigDecimal>getAs("weekly_cost")).isEqualByComparingTo("570.00");
        assertThat(standard.<String>getAs("setting")).isEqualTo("HOME");
        Row fastTrack = referrals.get("SR0002");
        assertThat(fastTrack.<String>getAs("pathway")).isEqualTo("FAST_TRACK");
        assertThat(fastTrack.<String>getAs("decision")).isEqualTo("ELIGIBLE");
        assertThat(fastTrack.<java.sql.Date>getAs("decision_date").toLocalDate()).isEqualTo(LocalDate.of(2024, 5, 2));
        assertThat(fastTrack.<BigDecimal>getAs("weekly_cost")).isEqualByComparingTo("1260.00");
        assertThat(fastTrack.<String>getAs("setting")).isEqualTo("HOSPICE");
        Row child = referrals.get("SR0003");
        assertThat(child.<String>getAs("pathway")).isEqualTo("CHILDREN");
        assertThat(child.<String>getAs("decision")).isEqualTo("NOT_ELIGIBLE");
        assertThat(child.<Object>getAs("setting")).as("an acute ward is no setting of care").isNull();
        assertThat(child.<Object>getAs("weekly_cost")).isNull();
        Row waiting = referrals.get("SR0005");
        assertThat(waiting.<java.sql.Date>getAs("referral_date").toLocalDate()).isEqualTo(LocalDate.of(2024, 5, 31));
        assertThat(waiting.<Object>getAs("decision")).isNull();
        assertThat(waiting.<String>getAs("setting")).isEqualTo("NURSING_HOME");
    }

    @Test
    void aJoinedTableMissingOrAFileNoProfileReadsIsRefused() throws IOException {
        write("mhsds", "MHS201CareContact.csv",
                "UniqCareContID,Person_ID,UniqServReqID,CareContDate",
                "RXT-CC-1,MH0000000001,RXT-SR-1,2024-05-01");
        write("mhsds", "MHS102ServiceTypeReferredTo.csv", "UniqServReqID,ServTeamTypeRefToMH", "RXT-SR-1,A06");
        write("mhsds", "MHS999Unknown.csv", "A,B", "1,2");
        assertThatThrownBy(() -> ingest(Profiles.builtIn(), "mental_health")).isInstanceOf(InputException.class)
                .hasMessageContaining("MHS999Unknown.csv is none of the tables its folder's profiles read")
                .hasMessageContaining("profile mhsds_contacts").hasMessageContaining("none named MHS001*, the table it joins as mpi");
        assertThat(Files.exists(Path.of(settings.lake(), "bronze", "mental_health"))).isFalse();
    }

    @Test
    void phbPseudonymiseOutputOfANationalLayoutLandsAsItIs() throws IOException {
        // a provider's own outpatient file in the SUS+ layout, with the NHS number still in it (NHS England's test
        // number range; the file lives only in the provider's folder)
        Path identifiable = Files.writeString(tmp.resolve("opa_identifiable.csv"), String.join("\n",
                "OPA_Ident,NHS_Number,Der_Provider_Code,Appointment_Date,First_Attendance,Treatment_Function_Code,Attendance_Status",
                "82000001,9434765919,RXH00,2024-01-10,1,320,5",
                ""));
        SecretKey providerKey = SecretKey.generate();
        uk.nhs.phb.jobs.pseudonymise.PseudonymiseJob.run(spark, new uk.nhs.phb.jobs.pseudonymise.PseudonymiseJob.Request(identifiable.toString(),
                "csv", ",", uk.nhs.phb.pipelines.pseudonymise.ColumnMapping.parse("nhs_number=NHS_Number"), providerKey,
                landing.resolve("sus_opa").toString(), null, null, false), uk.nhs.phb.jobs.Progress.NONE);
        String providerToken = new KeyedTokens(providerKey).token("nhs_number", "9434765919");

        IngestJob.Result r = ingest(Profiles.builtIn(), "outpatients");
        assertThat(r.rowsQuarantined()).as(() -> quarantined("outpatients")).isZero();
        Row op = bronze("outpatients", "appointment_id").get("82000001");
        assertThat(op.<String>getAs("nhs_token")).as("the provider's token, not re-keyed").isEqualTo(providerToken);
        assertThat(op.<BigDecimal>getAs("cost")).isEqualByComparingTo("232.07");
    }

    @Test
    void phbPseudonymiseOutputOfACouncilsClientLevelDataLandsAsItIs() throws IOException {
        // the council's own ASC-CLD file with its person id and the NHS number (NHS England's test range), in the
        // council's folder only
        Path identifiable = Files.writeString(tmp.resolve("cld_identifiable.csv"), String.join("\n",
                "LA_Code,NHS_Number,LA_Person_Unique_Identifier,Gender,Date_of_Birth,Postcode,Client_Type,Event_Type,Event_Reference,"
                        + "Event_Start_Date,Service_Type,Service_Component,Delivery_Mechanism,Unit_Cost,Cost_Frequency_Unit_Type",
                "E08000026,9434765919,LA0009,Female,03/02/1941,S1 2AB,Service user,Service,EV2001,01/04/2024,Long term support: Nursing care,"
                        + "Long term nursing care,CASSR commissioned support,1200,Weekly",
                ""));
        SecretKey councilKey = SecretKey.generate();
        uk.nhs.phb.jobs.pseudonymise.PseudonymiseJob.run(spark, new uk.nhs.phb.jobs.pseudonymise.PseudonymiseJob.Request(identifiable.toString(),
                "csv", ",", uk.nhs.phb.pipelines.pseudonymise.ColumnMapping.parse(
                        "nhs_number=NHS_Number\nlocal_id=LA_Person_Unique_Identifier\nlocal_id_domain=la_person\n"
                                + "date_of_birth=Date_of_Birth\npostcode=Postcode\nsex=Gender"), councilKey,
                landing.resolve("asc_client_level_data").toString(), null, null, false), uk.nhs.phb.jobs.Progress.NONE);

        IngestJob.Result r = ingest(Profiles.builtIn(), "asc_cld");
        assertThat(r.rowsQuarantined()).as(() -> quarantined("asc_cld")).isZero();
        Row nursing = bronze("asc_cld", "event_id").get("EV2001");
        assertThat(nursing.<String>getAs("nhs_token")).as("the council's tokens, not re-keyed")
                .isEqualTo(new KeyedTokens(councilKey).token("nhs_number", "9434765919"));
        assertThat(nursing.<String>getAs("la_person_token")).hasSize(43).isNotEqualTo(token("council", "E08000026|LA0009"));
        assertThat(nursing.<String>getAs("service_type")).isEqualTo("LTS_NURSING");
        // the encodings linkage compares, in place of the date of birth and postcode, land too
        uk.nhs.phb.models.pseudonym.EncodedIdentity expected = new uk.nhs.phb.models.pseudonym.IdentityEncoder(councilKey).encode(
                new uk.nhs.phb.models.pseudonym.Identity(null, null, null, LocalDate.of(1941, 2, 3), "Female", "S1 2AB"));
        assertThat(nursing.<String>getAs("dob_token")).isEqualTo(expected.dobToken());
        assertThat(nursing.<String>getAs("postcode_token")).isEqualTo(expected.postcodeToken());
        assertThat(nursing.<Integer>getAs("birth_year")).isEqualTo(1941);
        assertThat(nursing.<String>getAs("sex")).isEqualTo("2");
        assertThat(nursing.<BigDecimal>getAs("unit_cost")).isEqualByComparingTo("1200");
    }

    @Test
    void anOverrideAddsAnAliasALocalPriceAndALocalCode() throws IOException {
        write("hes_apc", "extract.csv",
                "MY_PSEUDO_ID,EPIKEY,EPIORDER,ADMIDATE,DISDATE,ADMIMETH,DIAG_4_01,PROCODE3,SUSHRG",
                PERSON_A + ",1,1,2024-01-05,2024-01-09,2X,J189,RXH,DZ11V");
        Path overrides = tmp.resolve("local.yaml");
        Files.writeString(overrides, String.join("\n",
                "profiles:",
                "  hes_apc:",
                "    domain: hes-dars-x26",
                "    aliases: {TOKEN_PERSON_ID: [MY_PSEUDO_ID]}",
                "prices:",
                "  - {list: hrg, point_of_delivery: NEL, code: DZ11V, fy: 2023, price: 2400, source: Trust PLICS 2023/24}",
                "codes:",
                "  admission_method:",
                "    - {code: 2X, meaning: Emergency via the frailty assessment unit (local)}",
                ""));
        IngestJob.Result r = ingest(Profiles.withOverrides(overrides), "apc_spells");
        assertThat(r.feeds().get(0).recoded()).as("a local code is no unknown code").isEmpty();

        Row spell = bronze("apc_spells", "nhs_token").get(token("hes-dars-x26", PERSON_A));
        assertThat(spell).as(() -> bronze("apc_spells", "nhs_token").values().toString()).isNotNull();
        assertThat(spell.<BigDecimal>getAs("cost")).isEqualByComparingTo("2400");
        assertThat(spell.<String>getAs("cost_source")).isEqualTo("local");
        assertThat(spell.<String>getAs("admission_method")).isEqualTo("2X");
    }

    @Test
    void aFileWithoutAMappedColumnIsRefusedNamingProfileFileAndColumn() throws IOException {
        write("sus_apcs", "APCS.csv", "APCS_Ident,Der_Pseudo_NHS_Number,Der_Provider_Code,Admission_Date,Admission_Method,Der_Diagnosis_All",
                "1," + PERSON_A + ",RXH,2024-01-01,21,||J189");
        assertThatThrownBy(() -> ingest(Profiles.builtIn(), "apc_spells"))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("profile sus_apcs")
                .hasMessageContaining("APCS.csv")
                .hasMessageContaining("Spell_Core_HRG_SUS")
                .hasMessageContaining("alias");
        assertThat(tmp.resolve("lake/bronze/apc_spells")).doesNotExist();
    }

    /** A CIN census return's header, then its children; element names and order as the census specification's. */
    static String cinReturn(String children) {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <Message>
                  <Header>
                    <CollectionDetails><Collection>CIN</Collection><Year>2024</Year><ReferenceDate>2024-03-31</ReferenceDate></CollectionDetails>
                    <Source><SourceLevel>L</SourceLevel><LEA>330</LEA><SoftwareCode>ExampleMIS</SoftwareCode><Release>1.0</Release>
                      <SerialNo>001</SerialNo><DateTime>2024-04-15T09:00:00</DateTime></Source>
                  </Header>
                  <Children>
                """ + children + """
                  </Children>
                </Message>
                """;
    }

    @Test
    void childrenInNeedCensusEpisodesAndProtectionPlansLandFromTheXmlReturn() throws IOException {
        String children = """
                    <Child>
                      <ChildIdentifiers><LAchildID>CH0001</LAchildID><UPNunknown>UN1</UPNunknown>
                        <PersonBirthDate>2015-06-15</PersonBirthDate><Sex>F</Sex></ChildIdentifiers>
                      <ChildCharacteristics><Ethnicity>NOBT</Ethnicity><Disabilities><Disability>NONE</Disability></Disabilities></ChildCharacteristics>
                      <CINdetails>
                        <CINreferralDate>2023-05-01</CINreferralDate><ReferralSource>6</ReferralSource><PrimaryNeedCode>N1</PrimaryNeedCode>
                        <CINclosureDate>2024-02-20</CINclosureDate><ReasonForClosure>RC7</ReasonForClosure>
                        <Assessments><AssessmentActualStartDate>2023-05-02</AssessmentActualStartDate>
                          <FactorsIdentifiedAtAssessment><AssessmentFactors>3A</AssessmentFactors><AssessmentFactors>4B</AssessmentFactors></FactorsIdentifiedAtAssessment>
                        </Assessments>
                        <Section47><S47ActualStartDate>2023-05-05</S47ActualStartDate><ICPCnotRequired>false</ICPCnotRequired></Section47>
                        <ReferralNFA>0</ReferralNFA>
                        <ChildProtectionPlans><CPPstartDate>2023-05-20</CPPstartDate><CPPendDate>2024-02-20</CPPendDate>
                          <InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse><LatestCategoryOfAbuse>NEG</LatestCategoryOfAbuse>
                          <NumberOfPreviousCPP>0</NumberOfPreviousCPP><Reviews><CPPreviewDate>2023-08-14</CPPreviewDate></Reviews></ChildProtectionPlans>
                      </CINdetails>
                    </Child>
                    <Child>
                      <ChildIdentifiers><LAchildID>CH0002</LAchildID><ExpectedPersonBirthDate>2024-05-01</ExpectedPersonBirthDate>
                        <GenderCurrent>0</GenderCurrent></ChildIdentifiers>
                      <ChildCharacteristics><Ethnicity>WBRI</Ethnicity></ChildCharacteristics>
                      <CINdetails>
                        <CINreferralDate>2023-11-03</CINreferralDate><ReferralSource>5A</ReferralSource><ReferralNFA>0</ReferralNFA>
                        <ChildProtectionPlans><CPPstartDate>2023-11-20</CPPstartDate><CPPendDate>2024-01-10</CPPendDate>
                          <InitialCategoryOfAbuse>EMO</InitialCategoryOfAbuse><LatestCategoryOfAbuse>EMO</LatestCategoryOfAbuse><NumberOfPreviousCPP>0</NumberOfPreviousCPP></ChildProtectionPlans>
                        <ChildProtectionPlans><CPPstartDate>2024-03-01</CPPstartDate>
                          <InitialCategoryOfAbuse>MUL</InitialCategoryOfAbuse><LatestCategoryOfAbuse>MUL</LatestCategoryOfAbuse><NumberOfPreviousCPP>1</NumberOfPreviousCPP></ChildProtectionPlans>
                      </CINdetails>
                    </Child>
                    <Child>
                      <ChildIdentifiers><LAchildID>CH0003</LAchildID><PersonBirthDate>2010-01-30</PersonBirthDate><Sex>M</Sex></ChildIdentifiers>
                      <ChildCharacteristics><Ethnicity>BAFR</Ethnicity></ChildCharacteristics>
                      <!-- injected fault: no such month -->
                      <CINdetails><CINreferralDate>2023-13-01</CINreferralDate><ReferralSource>2A</ReferralSource><ReferralNFA>1</ReferralNFA></CINdetails>
                    </Child>
                """;
        write("cin_census", "CIN_Census_330_2024.xml", cinReturn(children));
        // a second return cut off mid-element: the child before the break lands, the break is quarantined with its line
        String cut = cinReturn("""
                    <Child>
                      <ChildIdentifiers><LAchildID>CH0004</LAchildID><UPN>A999000000004</UPN><PersonBirthDate>2012-03-03</PersonBirthDate><Sex>M</Sex></ChildIdentifiers>
                      <ChildCharacteristics><Ethnicity>WBRI</Ethnicity></ChildCharacteristics>
                      <CINdetails><CINreferralDate>2023-06-01</CINreferralDate><ReferralSource>1A</ReferralSource><ReferralNFA>0</ReferralNFA></CINdetails>
                    </Child>
                    <Child>
                      <ChildIdentifiers><LAchildID>CH0005</LAchildID>
                """);
        write("cin_census", "CIN_Census_330_2024_resend.xml", cut.substring(0, cut.indexOf("</Children>")));
        IngestJob.Result r = ingest(Profiles.builtIn(), "csc");

        IngestJob.FeedResult f = r.feeds().get(0);
        assertThat(f.rowsValid()).as(() -> quarantined("csc")).isEqualTo(6);
        assertThat(f.rowsQuarantined()).isEqualTo(2);
        List<Row> rows = spark.read().format("delta").load(settings.lake() + "/bronze/csc").orderBy("child_token", "start_date").collectAsList();
        Map<String, List<Row>> byChild = rows.stream().collect(Collectors.groupingBy(x -> x.<String>getAs("child_token")));
        List<Row> first = byChild.get(token("council", "E08000025|CH0001"));
        assertThat(first).extracting(x -> x.<String>getAs("episode_type")).containsExactly("CIN", "CPP");
        assertThat(first).extracting(x -> x.<java.sql.Date>getAs("start_date").toLocalDate())
                .containsExactly(LocalDate.of(2023, 5, 1), LocalDate.of(2023, 5, 20));
        assertThat(first).extracting(x -> x.<java.sql.Date>getAs("end_date").toLocalDate())
                .containsExactly(LocalDate.of(2024, 2, 20), LocalDate.of(2024, 2, 20));
        assertThat(first).allSatisfy(x -> {
            assertThat(x.<String>getAs("la_code")).as("DfE 330 is Birmingham").isEqualTo("E08000025");
            assertThat(x.<String>getAs("sex")).isEqualTo("2");
            assertThat(x.<Integer>getAs("birth_year")).isEqualTo(2015);
            assertThat(x.<String>getAs("episode_id")).matches("[0-9a-f]{40}").doesNotContain("CH0001");
        });
        List<Row> second = byChild.get(token("council", "E08000025|CH0002"));
        assertThat(second).extracting(x -> x.<String>getAs("episode_type")).containsExactly("CIN", "CPP", "CPP");
        assertThat(second.get(0).<java.sql.Date>getAs("end_date")).as("the episode is open").isNull();
        assertThat(second.get(2).<java.sql.Date>getAs("end_date")).as("the plan is in force").isNull();
        assertThat(second.get(0).<Integer>getAs("birth_year")).as("unborn: no birth year").isNull();
        assertThat(second.get(0).<String>getAs("sex")).as("a 2023-24 GenderCurrent").isEqualTo("0");
        assertThat(rows.stream().map(x -> x.<String>getAs("episode_id")).distinct().count()).isEqualTo(6);
        assertThat(byChild.get(token("council", "E08000025|CH0004"))).singleElement()
                .satisfies(x -> assertThat(x.<String>getAs("pupil_token")).as("the UPN, keyed where the school census's is")
                        .isEqualTo(token("upn", "A999000000004")));
        assertThat(first.get(0).<String>getAs("pupil_token")).as("UPNunknown").isNull();

        List<Row> faults = spark.read().format("delta").load(settings.lake() + "/quarantine/csc").orderBy("_source_file").collectAsList();
        assertThat(faults).extracting(x -> x.<String>getAs("_field")).contains("start_date");
        Row cutOff = faults.stream().filter(x -> x.<String>getAs("_source_file").endsWith("resend.xml")).findFirst().orElseThrow();
        assertThat(cutOff.<String>getAs("_detail")).contains("not well-formed", "Nothing after this point");
        assertThat(cutOff.<Long>getAs("_source_line")).isGreaterThan(10L);
        assertThat(faults).allSatisfy(x -> assertThat(String.valueOf(x.<String>getAs("_raw_line"))).doesNotContain("CH000"));
    }

    @Test
    void twoCouncilsChildrenWithTheSameLocalIdStayTwoChildren() throws IOException {
        String child = """
                    <Child>
                      <ChildIdentifiers><LAchildID>C0001</LAchildID><PersonBirthDate>2015-06-15</PersonBirthDate><Sex>F</Sex></ChildIdentifiers>
                      <CINdetails><CINreferralDate>2023-05-01</CINreferralDate><ReferralSource>6</ReferralSource><ReferralNFA>0</ReferralNFA></CINdetails>
                    </Child>
                """;
        write("cin_census", "CIN_Census_330_2024.xml", cinReturn(child));
        write("cin_census", "CIN_Census_373_2024.xml", cinReturn(child).replace("<LEA>330</LEA>", "<LEA>373</LEA>"));
        IngestJob.Result r = ingest(Profiles.builtIn(), "csc");
        assertThat(r.feeds().get(0).rowsValid()).as(() -> quarantined("csc")).isEqualTo(2);
        Map<String, Row> children = bronze("csc", "child_token");
        assertThat(children).as("Birmingham's C0001 and Sheffield's C0001").hasSize(2)
                .containsKeys(token("council", "E08000025|C0001"), token("council", "E08000039|C0001"));
        assertThat(children.get(token("council", "E08000039|C0001")).<String>getAs("la_code")).isEqualTo("E08000039");
    }

    @Test
    void anXmlFileOfAnotherReturnIsQuarantinedNamingItsRoot() throws IOException {
        write("cin_census", "SEN2_2025.xml", "<?xml version=\"1.0\"?>\n<SEN2><Persons/></SEN2>");
        IngestJob.Result r = ingest(Profiles.builtIn(), "csc");
        assertThat(r.feeds().get(0).rowsQuarantined()).isEqualTo(1);
        assertThat(quarantined("csc")).contains("the root element is <SEN2>, not <Message>");
    }

    @Test
    void lookedAfterEpisodesLandFromTheSsda903TablesBesideTheReturnsOtherTables() throws IOException {
        write("ssda903", "SSDA903_2024_episodes.csv",
                "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN",
                // started to be looked after, then a change of placement; the second episode goes on
                "LA0101,01/05/2023,S,C1,N1,U6,PR1,10/09/2023,X1,CARPL,B1 1AA,B2 2BB,XXXXXXX",
                "LA0101,10/09/2023,P,C2,N1,U4,PR4,,,,B1 1AA,B3 3CC,XXXXXXX",
                // a short break under s20, ended; a child in the 2023-24 header's 1 and 2
                "LA0102,03/02/2024,S,V2,N2,K2,PR4,17/02/2024,E4A,,B4 4DD,B5 5EE,SC123456",
                // injected fault: no such day
                "LA0103,31/02/2024,S,C1,N1,U4,PR1,,,,B6 6FF,B7 7GG,XXXXXXX");
        write("ssda903", "SSDA903_2024_header.csv", "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB",
                "LA0101,F,15/06/2012,WBRI,UN1,,", "LA0102,1,02/11/2008,BAFR,UN2,,", "LA0103,U,01/01/2015,NOBT,UN1,,");
        // the return's other tables stay beside them, unread
        write("ssda903", "SSDA903_2024_uasc.csv", "CHILD,SEX,DOB,DUC");
        write("ssda903", "SSDA903_2024_reviews.csv", "CHILD,DOB,REVIEW,REVIEW_CODE", "LA0101,15/06/2012,01/06/2023,PN1");
        Path overrides = tmp.resolve("local.yaml");
        Files.writeString(overrides, String.join("\n", "profiles:", "  ssda903:", "    fields: {la_code: \"'E08000025'\"}", ""));
        IngestJob.Result r = ingest(Profiles.withOverrides(overrides), "csc");

        IngestJob.FeedResult f = r.feeds().get(0);
        assertThat(f.rowsValid()).as(() -> quarantined("csc")).isEqualTo(3);
        assertThat(f.rowsQuarantined()).isEqualTo(1);
        List<Row> rows = spark.read().format("delta").load(settings.lake() + "/bronze/csc").orderBy("start_date").collectAsList();
        assertThat(rows).extracting(x -> x.<String>getAs("child_token")).containsExactly(token("council", "E08000025|LA0101"),
                token("council", "E08000025|LA0101"), token("council", "E08000025|LA0102"));
        assertThat(rows).allSatisfy(x -> {
            assertThat(x.<String>getAs("episode_type")).isEqualTo("CLA");
            assertThat(x.<String>getAs("la_code")).isEqualTo("E08000025");
            assertThat(x.<String>getAs("episode_id")).matches("[0-9a-f]{40}");
        });
        assertThat(rows.get(0).<java.sql.Date>getAs("start_date").toLocalDate()).isEqualTo(LocalDate.of(2023, 5, 1));
        assertThat(rows.get(0).<java.sql.Date>getAs("end_date").toLocalDate()).isEqualTo(LocalDate.of(2023, 9, 10));
        assertThat(rows.get(1).<java.sql.Date>getAs("end_date")).as("still looked after").isNull();
        assertThat(rows.get(0).<String>getAs("sex")).isEqualTo("2");
        assertThat(rows.get(0).<Integer>getAs("birth_year")).isEqualTo(2012);
        assertThat(rows.get(2).<String>getAs("sex")).as("a 2023-24 header's 1").isEqualTo("1");
        assertThat(quarantined("csc")).contains("start_date");

        // without the council's code every episode is quarantined for it, saying so
        IngestJob.Result bare = ingest(Profiles.builtIn(), "csc");
        assertThat(bare.feeds().get(0).rowsValid()).isZero();
        assertThat(quarantined("csc")).contains("la_code");
    }

    @Test
    void eachCouncilsSsda903TablesInAFolderNamedByItsCodeLandAsThatCouncilsChildren() throws IOException {
        // two councils number their children alike: each council's folder names it, and each header meets its own episodes
        write("ssda903/E08000025", "episodes.csv", "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN",
                "C0001,01/05/2024,S,C2,N1,U4,PR1,,,,B1 1AA,B2 2BB,XXXXXXX");
        write("ssda903/E08000025", "header.csv", "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB", "C0001,F,15/06/2012,WBRI," + UPN_1 + ",,");
        write("ssda903/E08000039", "episodes.csv", "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN",
                "C0001,03/02/2024,S,V2,N2,K2,PR4,17/02/2024,E4A,,S1 1AA,S2 2BB,SC123456");
        // UN1: a child not of school age who has no UPN yet; a code, not an id
        write("ssda903/E08000039", "header.csv", "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB", "C0001,M,02/11/2021,BAFR,UN1,,");
        IngestJob.Result r = ingest(Profiles.builtIn(), "csc");

        assertThat(r.feeds().get(0).rowsValid()).as(() -> quarantined("csc")).isEqualTo(2);
        Map<String, Row> rows = bronze("csc", "la_code");
        Row sheffield = rows.get("E08000039");
        Row birmingham = rows.get("E08000025");
        assertThat(birmingham.<String>getAs("child_token")).isEqualTo(token("council", "E08000025|C0001"));
        assertThat(sheffield.<String>getAs("child_token")).isEqualTo(token("council", "E08000039|C0001"));
        assertThat(birmingham.<String>getAs("sex")).isEqualTo("2");
        assertThat(birmingham.<Integer>getAs("birth_year")).isEqualTo(2012);
        assertThat(sheffield.<String>getAs("sex")).as("its own header's, not the other council's C0001").isEqualTo("1");
        assertThat(sheffield.<Integer>getAs("birth_year")).isEqualTo(2021);
        assertThat(birmingham.<String>getAs("pupil_token")).isEqualTo(token("upn", UPN_1));
        assertThat(sheffield.<String>getAs("pupil_token")).as("UN1 says why there is no UPN").isNull();
        assertThat(birmingham.<String>getAs("placement_type")).isEqualTo("U4");
        assertThat(sheffield.<String>getAs("placement_type")).isEqualTo("K2");
        assertThat(birmingham.<java.math.BigDecimal>getAs("placement_weekly_cost")).as("phb ships no placement prices").isNull();

        // the council's own prices, given in the override, cost each placement by its type
        Path overrides = tmp.resolve("prices.yaml");
        Files.writeString(overrides, String.join("\n", "profiles:", "  ssda903:",
                "    fields: {placement_weekly_cost: \"CASE WHEN PLACE RLIKE '^U[1-6]$' THEN '912.50' WHEN PLACE = 'K2' THEN '5600' END\"}", ""));
        ingest(Profiles.withOverrides(overrides), "csc");
        rows = bronze("csc", "la_code");
        assertThat(rows.get("E08000025").<java.math.BigDecimal>getAs("placement_weekly_cost")).isEqualByComparingTo("912.50");
        assertThat(rows.get("E08000039").<java.math.BigDecimal>getAs("placement_weekly_cost")).isEqualByComparingTo("5600");
    }

    @Test
    void anSsda903ReturnPseudonymisedAtTheCouncilLandsWithItsTokensAndJoinsOnThem() throws IOException {
        Path council = Files.createDirectories(tmp.resolve("council"));
        Files.writeString(council.resolve("SSDA903_2025_episodes.csv"), String.join("\n",
                "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN",
                "C0001,01/05/2023,S,C2,N1,U4,PR1,10/09/2023,X1,CARPL,B1 1AA,B2 2BB,XXXXXXX",
                "C0001,10/09/2023,P,C2,N1,K2,PR4,,,,B1 1AA,B3 3CC,SC123456",
                "C0002,03/02/2024,S,V2,N2,U6,PR1,,,,B4 4DD,B5 5EE,XXXXXXX", ""));
        Files.writeString(council.resolve("SSDA903_2025_header.csv"), String.join("\n", "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB",
                "C0001,F,15/06/2012,WBRI," + UPN_1 + ",1,04/04/2024", "C0002,U,01/01/2021,NOBT,UN1,,", ""));
        Files.writeString(council.resolve("SSDA903_2025_reviews.csv"), String.join("\n", "CHILD,DOB,REVIEW,REVIEW_CODE",
                "C0001,15/06/2012,01/06/2023,PN1", ""));
        SecretKey councilKey = SecretKey.generate();
        uk.nhs.phb.jobs.pseudonymise.ReturnPseudonymiseJob.Result p = uk.nhs.phb.jobs.pseudonymise.ReturnPseudonymiseJob.run(spark,
                new uk.nhs.phb.jobs.pseudonymise.ReturnPseudonymiseJob.Request(council.toString(), Profiles.builtIn().byId("ssda903"),
                        "csc:E08000025", councilKey, landing.resolve("ssda903/E08000025").toString(), false), uk.nhs.phb.jobs.Progress.NONE);
        assertThat(p.files()).isEqualTo(3);
        assertThat(p.persons()).as("rows of the three tables").isEqualTo(6);
        assertThat(p.localIds()).isEqualTo(6);
        assertThat(p.removedElements()).containsEntry("CHILD", 6L).containsEntry("DOB", 3L).containsEntry("UPN", 2L)
                .containsEntry("HOME_POST", 3L).containsEntry("MC_DOB", 1L);
        Path sent = landing.resolve("ssda903/E08000025");
        for (String table : List.of("episodes", "header", "reviews")) {
            String text = Files.readString(sent.resolve("SSDA903_2025_" + table + ".csv"));
            assertThat(text).doesNotContain("C0001", "C0002", "15/06/2012", "01/01/2021", UPN_1, "B1 1AA", "04/04/2024")
                    .startsWith(table.equals("header") ? "child_token,SEX,dob_token,dob_ym_token,dob_dm_token,birth_year,ETHNIC,pupil_token,MOTHER\n"
                            : table.equals("episodes") ? "child_token,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,URN\n"
                            : "child_token,dob_token,dob_ym_token,dob_dm_token,birth_year,REVIEW,REVIEW_CODE\n");
        }

        IngestJob.Result r = ingest(Profiles.builtIn(), "csc");
        assertThat(r.feeds().get(0).rowsValid()).as(() -> quarantined("csc")).isEqualTo(3);
        uk.nhs.phb.models.pseudonym.IdentityEncoder encoder = new uk.nhs.phb.models.pseudonym.IdentityEncoder(councilKey);
        List<Row> rows = spark.read().format("delta").load(settings.lake() + "/bronze/csc").orderBy("start_date").collectAsList();
        String first = encoder.localIdToken("csc:E08000025", "C0001");
        assertThat(rows).extracting(x -> x.<String>getAs("child_token"))
                .containsExactly(first, first, encoder.localIdToken("csc:E08000025", "C0002"));
        Row looked = rows.get(0);
        assertThat(looked.<String>getAs("la_code")).isEqualTo("E08000025");
        assertThat(looked.<String>getAs("dob_token")).as("joined on the token")
                .isEqualTo(encoder.encode(new uk.nhs.phb.models.pseudonym.Identity(null, null, null, LocalDate.of(2012, 6, 15), null, null)).dobToken());
        assertThat(looked.<Integer>getAs("birth_year")).isEqualTo(2012);
        assertThat(looked.<String>getAs("sex")).isEqualTo("2");
        assertThat(looked.<String>getAs("pupil_token")).isEqualTo(encoder.localIdToken("upn", UPN_1));
        assertThat(rows.get(1).<String>getAs("placement_type")).isEqualTo("K2");
        assertThat(rows.get(2).<String>getAs("pupil_token")).as("UN1").isNull();
        assertThat(rows.get(2).<Integer>getAs("birth_year")).isEqualTo(2021);
    }

    @Test
    void aFileOfNoTableTheReturnHasIsRefusedNamingTheTablesThatMayStay() throws IOException {
        write("ssda903", "episodes.csv", "CHILD,DECOM,DEC", "LA0101,01/05/2023,");
        write("ssda903", "header.csv", "CHILD,SEX,DOB", "LA0101,F,15/06/2012");
        write("ssda903", "placements_2024.csv", "CHILD,X", "LA0101,1");
        assertThatThrownBy(() -> ingest(Profiles.builtIn(), "csc")).isInstanceOf(InputException.class)
                .hasMessageContaining("placements_2024.csv is none of the tables its folder's profiles read")
                .hasMessageContaining("the data set's tables phb does not read may stay");
    }

    static String sen2Return(String persons) {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <Message>
                  <Header>
                    <CollectionDetails><Collection>SEN2</Collection><Year>2025</Year><ReferenceDate>2025-01-16</ReferenceDate></CollectionDetails>
                    <Source><SourceLevel>L</SourceLevel><LEA>373</LEA><SoftwareCode>ExampleMIS</SoftwareCode><Release>2.1</Release>
                      <SerialNo>001</SerialNo><DateTime>2025-02-03T10:00:00</DateTime><DMO>Y</DMO><DCO>Y</DCO></Source>
                  </Header>
                  <Persons>
                """ + persons + """
                  </Persons>
                </Message>
                """;
    }

    /** Invented UPNs of the permanent form (a letter and twelve digits); no real pupil's. */
    static final String UPN_1 = "A999000000001", UPN_2 = "A999000000002", UPN_3 = "A999000000003", UPN_5 = "A999000000005",
            UPN_6 = "A999000000006";

    @Test
    void sen2PlansInForceLandWithNeedPlacementAndACostByTheirSetting() throws IOException {
        String persons = """
                    <Person>
                      <Surname>Testname</Surname><Forename>Alpha</Forename><PersonBirthDate>2012-03-04</PersonBirthDate><Sex>F</Sex>
                      <Ethnicity>WBRI</Ethnicity><PostCode>S1 1AA</PostCode><UPN>%s</UPN>
                      <Requests><ReceivedDate>2022-05-01</ReceivedDate><RYA>0</RYA><RequestOutcomeDate>2022-06-01</RequestOutcomeDate>
                        <RequestOutcome>N</RequestOutcome></Requests>
                      <Requests><ReceivedDate>2024-02-01</ReceivedDate><RYA>0</RYA><RequestOutcomeDate>2024-03-01</RequestOutcomeDate>
                        <RequestOutcome>Y</RequestOutcome>
                        <Assessment><AssessmentOutcome>Y</AssessmentOutcome><AssessmentOutcomeDate>2024-05-20</AssessmentOutcomeDate>
                          <NamedPlan><StartDate>2024-06-10</StartDate>
                            <PlanDetail><URN>100001</URN><PlacementRank>1</PlacementRank><SENunitIndicator>0</SENunitIndicator>
                              <ResourcedProvisionIndicator>0</ResourcedProvisionIndicator></PlanDetail>
                            <PB>0</PB></NamedPlan></Assessment>
                        <ActivePlans>
                          <PlacementDetail><URN>100001</URN><PlacementRank>1</PlacementRank><EntryDate>2024-09-01</EntryDate>
                            <SENunitIndicator>0</SENunitIndicator><ResourcedProvisionIndicator>0</ResourcedProvisionIndicator></PlacementDetail>
                          <SENneed><SENtype>SLCN</SENtype><SENtypeRank>2</SENtypeRank></SENneed>
                          <SENneed><SENtype>ASD</SENtype><SENtypeRank>1</SENtypeRank></SENneed>
                          <ReviewMeeting>2024-12-01</ReviewMeeting><ReviewOutcome>M</ReviewOutcome>
                        </ActivePlans></Requests>
                    </Person>
                    <Person>
                      <Surname>Testname</Surname><Forename>Beta</Forename><PersonBirthDate>2009-11-30</PersonBirthDate><Sex>M</Sex>
                      <Ethnicity>BAFR</Ethnicity><UPN>%s</UPN>
                      <Requests><RequestOutcome>H</RequestOutcome>
                        <ActivePlans>
                          <PlacementDetail><URN>100000</URN><PlacementRank>1</PlacementRank><EntryDate>2021-09-01</EntryDate>
                            <SENunitIndicator>0</SENunitIndicator><ResourcedProvisionIndicator>1</ResourcedProvisionIndicator></PlacementDetail>
                          <SENneed><SENtype>SEMH</SENtype><SENtypeRank>1</SENtypeRank></SENneed>
                        </ActivePlans></Requests>
                    </Person>
                    <Person>
                      <Surname>Testname</Surname><Forename>Gamma</Forename><PersonBirthDate>2014-01-15</PersonBirthDate><Sex>F</Sex>
                      <Ethnicity>NOBT</Ethnicity><UPN>%s</UPN>
                      <Requests><RequestOutcome>H</RequestOutcome>
                        <ActivePlans>
                          <PlacementDetail><SENSetting>EHE</SENSetting><PlacementRank>1</PlacementRank><EntryDate>2023-01-09</EntryDate>
                            <SENunitIndicator>0</SENunitIndicator><ResourcedProvisionIndicator>0</ResourcedProvisionIndicator></PlacementDetail>
                          <SENneed><SENtype>SPLD</SENtype><SENtypeRank>1</SENtypeRank></SENneed>
                        </ActivePlans></Requests>
                    </Person>
                    <Person>
                      <Surname>Testname</Surname><Forename>Delta</Forename><PersonBirthDate>2005-07-07</PersonBirthDate><Sex>M</Sex>
                      <Ethnicity>WBRI</Ethnicity><UniqueLearnerNumber>9999999999</UniqueLearnerNumber>
                      <Requests><RequestOutcome>H</RequestOutcome>
                        <ActivePlans>
                          <PlacementDetail><UKPRN>10009999</UKPRN><PlacementRank>1</PlacementRank><EntryDate>2022-09-05</EntryDate>
                            <SENunitIndicator>0</SENunitIndicator><ResourcedProvisionIndicator>0</ResourcedProvisionIndicator></PlacementDetail>
                          <SENneed><SENtype>MLD</SENtype><SENtypeRank>1</SENtypeRank></SENneed>
                        </ActivePlans></Requests>
                    </Person>
                    <Person>
                      <Surname>Testname</Surname><Forename>Eta</Forename><PersonBirthDate>2006-02-02</PersonBirthDate><Sex>F</Sex>
                      <Ethnicity>WBRI</Ethnicity><UPNunknown>UN2</UPNunknown>
                      <Requests><RequestOutcome>H</RequestOutcome>
                        <ActivePlans>
                          <PlacementDetail><SENsetting>NEET</SENsetting><PlacementRank>1</PlacementRank><EntryDate>2023-09-05</EntryDate></PlacementDetail>
                          <SENneed><SENtype>SEMH</SENtype><SENtypeRank>1</SENtypeRank></SENneed>
                        </ActivePlans></Requests>
                    </Person>
                    <Person>
                      <Surname>Testname</Surname><Forename>Epsilon</Forename><PersonBirthDate>2016-02-02</PersonBirthDate><Sex>M</Sex>
                      <Ethnicity>WBRI</Ethnicity><UPN>%s</UPN>
                      <Requests><RequestOutcome>H</RequestOutcome>
                        <ActivePlans>
                          <PlacementDetail><URN>999999</URN><PlacementRank>1</PlacementRank><EntryDate>2021-09-01</EntryDate>
                            <SENunitIndicator>0</SENunitIndicator><ResourcedProvisionIndicator>0</ResourcedProvisionIndicator></PlacementDetail>
                          <SENneed><SENtype>DS</SENtype><SENtypeRank>1</SENtypeRank></SENneed>
                        </ActivePlans></Requests>
                    </Person>
                    <Person>
                      <Surname>Testname</Surname><Forename>Zeta</Forename><PersonBirthDate>2008-08-08</PersonBirthDate><Sex>F</Sex>
                      <Ethnicity>WBRI</Ethnicity><UPN>%s</UPN>
                      <Requests><ReceivedDate>2022-09-01</ReceivedDate><RequestOutcome>Y</RequestOutcome>
                        <Assessment><AssessmentOutcome>Y</AssessmentOutcome><AssessmentOutcomeDate>2022-12-01</AssessmentOutcomeDate>
                          <NamedPlan><StartDate>2023-01-01</StartDate>
                            <PlanDetail><URN>100000</URN><PlacementRank>1</PlacementRank><SENunitIndicator>0</SENunitIndicator>
                              <ResourcedProvisionIndicator>0</ResourcedProvisionIndicator></PlanDetail>
                            <CeaseDate>2024-03-01</CeaseDate><CeaseReason>2</CeaseReason></NamedPlan></Assessment></Requests>
                    </Person>
                """.formatted(UPN_1, UPN_2, UPN_3, UPN_5, UPN_6);
        write("sen2", "SEN2_373_2025.xml", sen2Return(persons));
        // the council's schools, cut from GIAS by tools/gias_schools.py (invented URNs)
        Files.writeString(tmp.resolve("schools.csv"), String.join("\n", "urn,establishment_type", "100000,Academy converter",
                "100001,Community special school", ""));
        Path overrides = tmp.resolve("local.yaml");
        Files.writeString(overrides, String.join("\n", "code_maps:", "  sen2_schools: schools.csv", ""));
        IngestJob.Result r = ingest(Profiles.withOverrides(overrides), "ehcp");

        IngestJob.FeedResult f = r.feeds().get(0);
        assertThat(f.rowsValid()).as(() -> quarantined("ehcp")).isEqualTo(5);
        assertThat(f.rowsQuarantined()).as("the person with neither a UPN nor a ULN").isEqualTo(1);
        assertThat(f.readBy().get("sen2")).contains("2 rows set aside, not the feed's");
        assertThat(quarantined("ehcp")).contains("pupil_token");
        Map<String, Row> plans = bronze("ehcp", "pupil_token");
        Row special = plans.get(token("upn", UPN_1));
        assertThat(special.<java.sql.Date>getAs("start_date").toLocalDate()).as("the named plan's start").isEqualTo(LocalDate.of(2024, 6, 10));
        assertThat(special.<java.sql.Date>getAs("end_date")).isNull();
        assertThat(special.<String>getAs("primary_need")).as("rank 1, not the first listed").isEqualTo("ASD");
        assertThat(special.<String>getAs("placement_type")).isEqualTo("SPECIAL_STATE");
        assertThat(special.<BigDecimal>getAs("annual_cost")).isEqualByComparingTo(national("EHCP", "SPECIAL_STATE"));
        assertThat(special.<String>getAs("cost_source")).isEqualTo("unit_cost");
        assertThat(special.<String>getAs("la_code")).as("DfE 373 is Sheffield").isEqualTo("E08000039");
        assertThat(special.<Integer>getAs("birth_year")).isEqualTo(2012);
        assertThat(special.<String>getAs("sex")).isEqualTo("2");
        assertThat(special.<String>getAs("ehcp_id")).matches("[0-9a-f]{40}");

        Row resourced = plans.get(token("upn", UPN_2));
        assertThat(resourced.<java.sql.Date>getAs("start_date").toLocalDate()).as("issued before: its placement's entry")
                .isEqualTo(LocalDate.of(2021, 9, 1));
        assertThat(resourced.<String>getAs("placement_type")).as("resourced provision in an academy").isEqualTo("RESOURCED_PROVISION");
        assertThat(resourced.<BigDecimal>getAs("annual_cost")).isEqualByComparingTo("6000");
        Row home = plans.get(token("upn", UPN_3));
        assertThat(home.<String>getAs("placement_type")).as("elective home education").isEqualTo("OTHER");
        assertThat(home.<BigDecimal>getAs("annual_cost")).as("no national price").isNull();
        assertThat(home.<String>getAs("cost_source")).isNull();
        Row unknown = plans.get(token("upn", UPN_5));
        assertThat(unknown.<String>getAs("placement_type")).as("a URN the council's map lacks").isEqualTo("SCHOOL");
        assertThat(unknown.<String>getAs("primary_need")).isEqualTo("DS");
        assertThat(unknown.<BigDecimal>getAs("annual_cost")).isNull();
        assertThat(plans).doesNotContainKey(token("upn", UPN_6));
        Row learner = plans.get(token("upn", "UniqueLearnerNumber:9999999999"));
        assertThat(learner).as("a young person with a ULN alone is keyed by it, marked as a ULN").isNotNull();
        assertThat(learner.<String>getAs("placement_type")).isEqualTo("FE_COLLEGE");
        assertThat(plans).doesNotContainKey(token("upn", "9999999999"));
        assertThat(spark.read().format("delta").load(settings.lake() + "/quarantine/ehcp").collectAsList())
                .allSatisfy(x -> assertThat(String.valueOf(x.<String>getAs("_raw_line"))).doesNotContain("9999999999", "Testname", "2005-07-07"));

        // without the council's schools a special school is a school of a type not known, and is not priced
        assertThat(ingest(Profiles.builtIn(), "ehcp").feeds().get(0).rowsValid()).isEqualTo(5);
        Map<String, Row> bare = bronze("ehcp", "pupil_token");
        assertThat(bare.get(token("upn", UPN_1)).<String>getAs("placement_type")).isEqualTo("SCHOOL");
        assertThat(bare.get(token("upn", UPN_1)).<BigDecimal>getAs("annual_cost")).isNull();
        assertThat(bare.get(token("upn", UPN_2)).<String>getAs("placement_type")).isEqualTo("RESOURCED_PROVISION");
    }

    @Test
    void anXmlReturnPseudonymisedAtTheCouncilLandsAsItIsWithTheEncodingsLinkageCompares() throws IOException {
        // the council's identifiable SEN2 return, in its own folder only (invented people)
        Path council = Files.createDirectories(tmp.resolve("council"));
        Files.writeString(council.resolve("SEN2_373_2025.xml"), sen2Return("""
                    <Person>
                      <!-- checked by Testname Alpha -->
                      <Surname>Testname</Surname><Forename>Alpha</Forename><PersonBirthDate>2012-03-04</PersonBirthDate><Sex>F</Sex>
                      <Ethnicity>WBRI</Ethnicity><PostCode>S1 1AA</PostCode><UPN>%s</UPN><UniqueLearnerNumber>9999999998</UniqueLearnerNumber>
                      <Requests><RequestOutcome>H</RequestOutcome>
                        <ActivePlans>
                          <PlacementDetail><URN>100001</URN><PlacementRank>1</PlacementRank><EntryDate>2021-09-01</EntryDate>
                            <SENunitIndicator>0</SENunitIndicator><ResourcedProvisionIndicator>1</ResourcedProvisionIndicator></PlacementDetail>
                          <SENneed><SENtype>ASD</SENtype><SENtypeRank>1</SENtypeRank></SENneed>
                        </ActivePlans></Requests>
                    </Person>
                    <Person>
                      <Surname>Testname</Surname><Forename>Beta</Forename><PersonBirthDate>2010-01-01</PersonBirthDate><Sex>M</Sex>
                      <Ethnicity>WBRI</Ethnicity><UPNunknown>UN9</UPNunknown>
                      <Requests><RequestOutcome>H</RequestOutcome>
                        <ActivePlans>
                          <PlacementDetail><SENsetting>EHE</SENsetting><PlacementRank>1</PlacementRank><EntryDate>2022-01-10</EntryDate></PlacementDetail>
                          <SENneed><SENtype>MLD</SENtype><SENtypeRank>1</SENtypeRank></SENneed>
                        </ActivePlans></Requests>
                    </Person>
                    <Person>
                      <Surname>Testname</Surname><Forename>Gamma</Forename><PersonBirthDate>2006-05-05</PersonBirthDate><Sex>F</Sex>
                      <UniqueLearnerNumber>9999999997</UniqueLearnerNumber><PostCode>S2 2BB</PostCode>
                      <Requests><RequestOutcome>H</RequestOutcome>
                        <ActivePlans>
                          <PlacementDetail><UKPRN>10009999</UKPRN><PlacementRank>1</PlacementRank><EntryDate>2022-09-05</EntryDate></PlacementDetail>
                          <SENneed><SENtype>SLCN</SENtype><SENtypeRank>1</SENtypeRank></SENneed>
                        </ActivePlans></Requests>
                    </Person>
                """.formatted(UPN_1)));
        SecretKey councilKey = SecretKey.generate();
        uk.nhs.phb.jobs.pseudonymise.ReturnPseudonymiseJob.Result p = uk.nhs.phb.jobs.pseudonymise.ReturnPseudonymiseJob.run(spark,
                new uk.nhs.phb.jobs.pseudonymise.ReturnPseudonymiseJob.Request(council.toString(), Profiles.builtIn().byId("sen2"), null,
                        councilKey, landing.resolve("sen2").toString(), false), uk.nhs.phb.jobs.Progress.NONE);
        assertThat(p.persons()).isEqualTo(3);
        assertThat(p.localIds()).as("a UPN, or a ULN standing in").isEqualTo(2);
        assertThat(p.missingLocalIds()).as("the person with neither").isEqualTo(1);
        assertThat(p.removedElements()).containsEntry("Surname", 3L).containsEntry("UPN", 1L).containsEntry("UniqueLearnerNumber", 2L);
        String sent = Files.readString(landing.resolve("sen2/SEN2_373_2025.xml"));
        assertThat(sent).doesNotContain(UPN_1, "Testname", "Alpha", "S1 1AA", "2012-03-04", "9999999998", "9999999997", "<!--")
                .contains("<pupil_token>", "<dob_token>", "<name_bloom>", "<birth_year>2012</birth_year>", "<SENtype>ASD</SENtype>");
        assertThat(landing.resolve("sen2/_pseudonymise.json")).exists();

        IngestJob.Result r = ingest(Profiles.builtIn(), "ehcp");
        assertThat(r.feeds().get(0).rowsValid()).as(() -> quarantined("ehcp")).isEqualTo(2);
        assertThat(r.feeds().get(0).rowsQuarantined()).as("no UPN and no ULN: no pupil token").isEqualTo(1);
        uk.nhs.phb.models.pseudonym.IdentityEncoder encoder = new uk.nhs.phb.models.pseudonym.IdentityEncoder(councilKey);
        uk.nhs.phb.models.pseudonym.EncodedIdentity expected = encoder.encode(new uk.nhs.phb.models.pseudonym.Identity(null, "Alpha",
                "Testname", LocalDate.of(2012, 3, 4), null, "S1 1AA"));
        Row plan = bronze("ehcp", "pupil_token").get(encoder.localIdToken("upn", UPN_1));
        assertThat(plan).as("the council's token, as a provider's phb-layout file carries it").isNotNull();
        assertThat(plan.<String>getAs("dob_token")).isEqualTo(expected.dobToken());
        assertThat(plan.<String>getAs("dob_dm_token")).isEqualTo(expected.dobDmToken());
        assertThat(plan.<String>getAs("name_bloom")).isEqualTo(expected.nameBloom());
        assertThat(plan.<String>getAs("postcode_token")).isEqualTo(expected.postcodeToken());
        assertThat(plan.<Integer>getAs("birth_year")).isEqualTo(2012);
        assertThat(plan.<String>getAs("sex")).isEqualTo("2");
        assertThat(plan.<String>getAs("placement_type")).isEqualTo("RESOURCED_PROVISION");
        Row learner = bronze("ehcp", "pupil_token").get(encoder.localIdToken("upn", "UniqueLearnerNumber:9999999997"));
        assertThat(learner).as("the council's token of the ULN, marked as ingest marks it").isNotNull();
        assertThat(learner.<String>getAs("postcode_token")).isEqualTo(encoder.encode(new uk.nhs.phb.models.pseudonym.Identity(null,
                "Gamma", "Testname", LocalDate.of(2006, 5, 5), null, "S2 2BB")).postcodeToken());

        // a file that is not the return, or not well-formed, is refused whole, naming where
        Files.writeString(council.resolve("SEN2_373_2025.xml"), sen2Return("<Person><UPN>" + UPN_2 + "</UPN>").replace("</Persons>", ""));
        assertThatThrownBy(() -> uk.nhs.phb.jobs.pseudonymise.ReturnPseudonymiseJob.run(spark,
                new uk.nhs.phb.jobs.pseudonymise.ReturnPseudonymiseJob.Request(council.toString(), Profiles.builtIn().byId("sen2"), null,
                        councilKey, tmp.resolve("out2").toString(), false), uk.nhs.phb.jobs.Progress.NONE))
                .isInstanceOf(InputException.class).hasMessageContaining("SEN2_373_2025.xml line").hasMessageContaining("not well-formed")
                .hasMessageNotContaining(UPN_2);
        assertThat(tmp.resolve("out2")).doesNotExist();
        Files.writeString(council.resolve("SEN2_373_2025.xml"), "<?xml version=\"1.0\"?>\n<Children><Child/></Children>\n");
        assertThatThrownBy(() -> uk.nhs.phb.jobs.pseudonymise.ReturnPseudonymiseJob.run(spark,
                new uk.nhs.phb.jobs.pseudonymise.ReturnPseudonymiseJob.Request(council.toString(), Profiles.builtIn().byId("sen2"), null,
                        councilKey, tmp.resolve("out3").toString(), false), uk.nhs.phb.jobs.Progress.NONE))
                .isInstanceOf(InputException.class).hasMessageContaining("the root element is <Children>, not <Message>");
    }

    /** A school's census return as its management system writes it (header, then pupils on roll in their groups). */
    static String schoolCensusReturn(String estab, boolean wrapped, String pupils) {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <Message>
                  <Header>
                    <CollectionDetails><Collection>SC</Collection><Term>SPR</Term><Year>2024</Year><ReferenceDate>2024-01-18</ReferenceDate></CollectionDetails>
                    <Source><SourceLevel>S</SourceLevel><LEA>373</LEA><Estab>%s</Estab><SoftwareCode>ExampleMIS</SoftwareCode>
                      <Release>7.1</Release><SerialNo>001</SerialNo><DateTime>2024-01-18T15:00:00</DateTime></Source>
                    <Content><CBDSLevels><CBDSLevel>School</CBDSLevel><CBDSLevel>Pupil</CBDSLevel></CBDSLevels></Content>
                  </Header>
                  <School><SchoolCharacteristics><Phase>PS</Phase></SchoolCharacteristics></School>
                  <Pupils>
                """.formatted(estab) + (wrapped ? "<PupilsOnRoll>\n" : "") + pupils + (wrapped ? "</PupilsOnRoll>\n" : "") + """
                    <PupilsNoLongerOnRoll><PupilNoLongerOnRoll><PupilIdentifiers><UPN>A999000000009</UPN><Surname>Testname</Surname>
                      </PupilIdentifiers><PupilStatus><LeavingDate>2023-12-20</LeavingDate></PupilStatus></PupilNoLongerOnRoll></PupilsNoLongerOnRoll>
                  </Pupils>
                </Message>
                """;
    }

    static String pupil(String upn, String forename, String dob, String sex, String senProvision, String postcode) {
        return """
                    <PupilOnRoll>
                      <PupilIdentifiers>%s<UniqueLearnerNumber>9999999998</UniqueLearnerNumber><Surname>Testname</Surname>
                        <Forename>%s</Forename><MiddleNames>Gamma</MiddleNames><PreferredSurname>Testname</PreferredSurname>%s<DOB>%s</DOB></PupilIdentifiers>
                      <PupilCharacteristics><Ethnicity>WBRI</Ethnicity><Language><LanguageType>T</LanguageType><LanguageCode>ENG</LanguageCode></Language></PupilCharacteristics>
                      <PupilStatus><EnrolStatus>C</EnrolStatus><EntryDate>2019-09-04</EntryDate><NCyearActual>6</NCyearActual></PupilStatus>
                      <SpecialEducationalNeeds><SENprovision>%s</SENprovision></SpecialEducationalNeeds>
                      <HomeInformation><Address><AddressLines><AddressLine1>1 Example Street</AddressLine1></AddressLines>%s</Address></HomeInformation>
                    </PupilOnRoll>
                """.formatted(upn == null ? "" : "<UPN>" + upn + "</UPN>", forename, sex, dob, senProvision,
                postcode == null ? "" : "<PostCode>" + postcode + "</PostCode>");
    }

    @Test
    void schoolCensusPupilsOnRollLandAsTheEducationSpineWithAndWithoutTheWrapper() throws IOException {
        write("school_census_pupils", "SC_3732001_SPR2024.xml", schoolCensusReturn("2001", true,
                pupil(UPN_1, "Alpha", "2013-03-04", "<Sex>F</Sex>", "E", "S1 1AA")
                        + pupil(UPN_2, "Beta", "2014-05-06", "<Sex>M</Sex>", "K", "S2 2BB")
                        + pupil(null, "Delta", "2014-07-08", "<Sex>M</Sex>", "N", null)));
        // an older management system: no PupilsOnRoll wrapper, Gender where 2024 has Sex
        write("school_census_pupils", "SC_3734002_SPR2024.xml", schoolCensusReturn("4002", false,
                pupil(UPN_3, "Epsilon", "2010-01-02", "<Gender>F</Gender>", "N", "S3 3CC")));
        IngestJob.Result r = ingest(Profiles.builtIn(), "school_census");

        IngestJob.FeedResult f = r.feeds().get(0);
        assertThat(f.rowsValid()).as(() -> quarantined("school_census")).isEqualTo(3);
        assertThat(f.rowsQuarantined()).as("the pupil without a UPN").isEqualTo(1);
        assertThat(quarantined("school_census")).contains("pupil_token");
        Map<String, Row> pupils = bronze("school_census", "pupil_token");
        assertThat(pupils).as("a pupil no longer on roll is not read").doesNotContainKey(token("upn", "A999000000009"));
        Row alpha = pupils.get(token("upn", UPN_1));
        assertThat(alpha.<String>getAs("la_code")).as("DfE 373 is Sheffield").isEqualTo("E08000039");
        assertThat(alpha.<String>getAs("school_number")).isEqualTo("3732001");
        assertThat(alpha.<java.sql.Date>getAs("census_date").toLocalDate()).isEqualTo(LocalDate.of(2024, 1, 18));
        assertThat(alpha.<Integer>getAs("birth_year")).isEqualTo(2013);
        assertThat(alpha.<String>getAs("sex")).isEqualTo("2");
        assertThat(alpha.<String>getAs("sen_provision")).isEqualTo("E");
        assertThat(alpha.<String>getAs("record_id")).matches("[0-9a-f]{40}");
        assertThat(pupils.get(token("upn", UPN_2)).<String>getAs("sen_provision")).isEqualTo("K");
        Row epsilon = pupils.get(token("upn", UPN_3));
        assertThat(epsilon.<String>getAs("school_number")).isEqualTo("3734002");
        assertThat(epsilon.<String>getAs("sex")).as("Gender, as before 2024").isEqualTo("2");
        assertThat(token("upn", UPN_1)).as("the UPN's token is SEN2's: a plan meets its pupil").isEqualTo(token("upn", UPN_1));
        assertThat(spark.read().format("delta").load(settings.lake() + "/quarantine/school_census").collectAsList())
                .allSatisfy(x -> assertThat(String.valueOf(x.<String>getAs("_raw_line"))).doesNotContain("Testname", "Delta", "2014-07-08"));
    }

    @Test
    void aSchoolCensusPseudonymisedAtTheCouncilLosesEveryIdentifierAndLinksByItsEncodings() throws IOException {
        Path council = Files.createDirectories(tmp.resolve("council"));
        Files.writeString(council.resolve("SC_3732001_SPR2024.xml"), schoolCensusReturn("2001", true,
                pupil(UPN_1, "Alpha", "2013-03-04", "<Sex>F</Sex>", "E", "S1 1AA")
                        + pupil(UPN_2, "Beta", "2014-05-06", "<Sex>M</Sex>", "K", null)));
        SecretKey councilKey = SecretKey.generate();
        uk.nhs.phb.jobs.pseudonymise.ReturnPseudonymiseJob.Result p = uk.nhs.phb.jobs.pseudonymise.ReturnPseudonymiseJob.run(spark,
                new uk.nhs.phb.jobs.pseudonymise.ReturnPseudonymiseJob.Request(council.toString(), Profiles.builtIn().byId("school_census_pupils"),
                        null, councilKey, landing.resolve("school_census_pupils").toString(), false), uk.nhs.phb.jobs.Progress.NONE);
        assertThat(p.persons()).as("two pupils on roll and one no longer on roll").isEqualTo(3);
        assertThat(p.localIds()).isEqualTo(3);
        assertThat(p.removedElements()).containsEntry("PupilIdentifiers.UPN", 3L).containsEntry("PupilIdentifiers.MiddleNames", 2L)
                .containsEntry("HomeInformation", 2L).containsEntry("HomeInformation.Address.PostCode", 1L);
        String sent = Files.readString(landing.resolve("school_census_pupils/SC_3732001_SPR2024.xml"));
        assertThat(sent).doesNotContain(UPN_1, UPN_2, "A999000000009", "Testname", "Alpha", "Gamma", "S1 1AA", "Example Street",
                        "2013-03-04", "9999999998")
                .contains("<pupil_token>", "<name_bloom>", "<postcode_token>", "<SENprovision>E</SENprovision>", "<EnrolStatus>C</EnrolStatus>");

        IngestJob.Result r = ingest(Profiles.builtIn(), "school_census");
        assertThat(r.feeds().get(0).rowsValid()).as(() -> quarantined("school_census")).isEqualTo(2);
        uk.nhs.phb.models.pseudonym.IdentityEncoder encoder = new uk.nhs.phb.models.pseudonym.IdentityEncoder(councilKey);
        uk.nhs.phb.models.pseudonym.EncodedIdentity expected = encoder.encode(new uk.nhs.phb.models.pseudonym.Identity(null, "Alpha",
                "Testname", LocalDate.of(2013, 3, 4), null, "S1 1AA"));
        Row alpha = bronze("school_census", "pupil_token").get(encoder.localIdToken("upn", UPN_1));
        assertThat(alpha).isNotNull();
        assertThat(alpha.<String>getAs("name_bloom")).isEqualTo(expected.nameBloom());
        assertThat(alpha.<String>getAs("dob_token")).isEqualTo(expected.dobToken());
        assertThat(alpha.<String>getAs("postcode_token")).as("read from inside the address removed").isEqualTo(expected.postcodeToken());
        assertThat(alpha.<Integer>getAs("birth_year")).isEqualTo(2013);
        assertThat(bronze("school_census", "pupil_token").get(encoder.localIdToken("upn", UPN_2)).<String>getAs("postcode_token"))
                .as("no postcode sent").isNull();
    }

    @Test
    void aChildInNeedCensusPseudonymisedAtTheCouncilKeepsTheCouncilInItsChildrensTokens() throws IOException {
        Path council = Files.createDirectories(tmp.resolve("council"));
        Files.writeString(council.resolve("CIN_Census_330_2024.xml"), cinReturn("""
                    <Child>
                      <ChildIdentifiers><LAchildID>CH0001</LAchildID><UPN>%s</UPN><PersonBirthDate>2015-06-15</PersonBirthDate><Sex>F</Sex></ChildIdentifiers>
                      <ChildCharacteristics><Ethnicity>NOBT</Ethnicity></ChildCharacteristics>
                      <CINdetails><CINreferralDate>2023-05-01</CINreferralDate><ReferralSource>6</ReferralSource><ReferralNFA>0</ReferralNFA></CINdetails>
                    </Child>
                """.formatted(UPN_3)));
        SecretKey councilKey = SecretKey.generate();
        uk.nhs.phb.jobs.pseudonymise.ReturnPseudonymiseJob.run(spark, new uk.nhs.phb.jobs.pseudonymise.ReturnPseudonymiseJob.Request(
                council.resolve("CIN_Census_330_2024.xml").toString(), Profiles.builtIn().byId("cin_census"), "csc:E08000025", councilKey,
                landing.resolve("cin_census").toString(), false), uk.nhs.phb.jobs.Progress.NONE);
        assertThat(Files.readString(landing.resolve("cin_census/CIN_Census_330_2024.xml"))).doesNotContain("CH0001", UPN_3, "2015-06-15")
                .contains("<child_token>", "<pupil_token>");

        IngestJob.Result r = ingest(Profiles.builtIn(), "csc");
        assertThat(r.feeds().get(0).rowsValid()).as(() -> quarantined("csc")).isEqualTo(1);
        Row episode = bronze("csc", "child_token").get(new uk.nhs.phb.models.pseudonym.IdentityEncoder(councilKey).localIdToken("csc:E08000025", "CH0001"));
        assertThat(episode).isNotNull();
        assertThat(episode.<Integer>getAs("birth_year")).isEqualTo(2015);
        assertThat(episode.<String>getAs("la_code")).as("DfE 330 is Birmingham").isEqualTo("E08000025");
        assertThat(episode.<String>getAs("dob_token")).isNotNull();
        assertThat(episode.<String>getAs("pupil_token")).as("the UPN keyed at the council in the national UPN domain, as SEN2's and "
                + "the school census's are").isEqualTo(new uk.nhs.phb.models.pseudonym.IdentityEncoder(councilKey).localIdToken("upn", UPN_3));
    }

    @Test
    void aType1ObjectionCodedInTheGpRecordIsATypeOneOptOutFromItsFirstDate() throws IOException {
        write("gp_events", "GDPPR_journal_2024.csv",
                "NHS_NUMBER_DEID,PRACTICE,GP_SYSTEM_SUPPLIER,DATE,RECORD_DATE,CODE,VALUE1_CONDITION",
                PERSON_A + ",F81001,EMIS,2019-03-04,2019-03-04,44054006,",
                // the objection coded twice: the first date counts
                PERSON_B + ",F81002,TPP,2021-04-01,2021-04-01,827241000000103,",
                PERSON_B + ",F81002,TPP,2023-09-12,2023-09-12,827241000000103,",
                PERSON_B + ",F81002,TPP,2020-02-05,2020-02-05,195967001,");
        IngestJob.Result r = ingest(Profiles.builtIn(), "gp_conditions", "opt_outs");

        IngestJob.FeedResult optOuts = r.feeds().stream().filter(x -> x.feed().equals("opt_outs")).findFirst().orElseThrow();
        assertThat(optOuts.rowsValid()).as(() -> quarantined("opt_outs")).isEqualTo(1);
        assertThat(optOuts.readBy()).containsOnlyKeys("gp_events/gp_type1_opt_outs");
        assertThat(optOuts.readBy().get("gp_events/gp_type1_opt_outs")).contains("2 rows set aside");
        Row type1 = bronze("opt_outs", "nhs_token").get(token("dscro", PERSON_B));
        assertThat(type1.<String>getAs("opt_out_type")).isEqualTo("TYPE1");
        assertThat(type1.<String>getAs("listed_as")).isEqualTo("OPTED_OUT");
        assertThat(type1.<java.sql.Date>getAs("recorded_date").toLocalDate()).isEqualTo(LocalDate.of(2021, 4, 1));
        IngestJob.FeedResult conditions = r.feeds().stream().filter(x -> x.feed().equals("gp_conditions")).findFirst().orElseThrow();
        assertThat(conditions.rowsValid()).as("diabetes and asthma; the objection is no condition").isEqualTo(3);
    }

    @Test
    void nationalDataOptOutListsLandInBothFormsWithoutDates() throws IOException {
        // the check's answer, as MESH carries it: one number per line, a trailing comma, CRLF, no header; a blank line
        Path cleared = Files.createDirectories(landing.resolve("ndop_cleared"));
        Files.writeString(cleared.resolve("X26OT001-010625-0001.dat"), PERSON_A + ",\r\n\r\n\"" + PERSON_B + "\",\r\n,\r\n");
        write("ndop_opted_out", "opted_out.txt", "9100000000000000033", "9100000000000000044 ");
        // the list as phb pseudonymise writes it at the DSCRO: a header naming the token, then phb's tokens, kept as they are
        String pseudonymised = token("dscro", "9100000000000000055");
        write("ndop_opted_out", "opted_out_tokens.csv", "nhs_token", pseudonymised);
        IngestJob.Result r = ingest(Profiles.builtIn(), "opt_outs");

        IngestJob.FeedResult f = r.feeds().get(0);
        assertThat(f.rowsValid()).as(() -> quarantined("opt_outs")).isEqualTo(5);
        assertThat(f.rowsQuarantined()).as("the line with no number").isEqualTo(1);
        assertThat(quarantined("opt_outs")).contains("nhs_token");
        Map<String, Row> rows = bronze("opt_outs", "nhs_token");
        assertThat(rows.get(token("dscro", PERSON_A)).<String>getAs("listed_as")).isEqualTo("CLEARED");
        assertThat(rows.get(token("dscro", PERSON_B)).<String>getAs("listed_as")).as("quotes taken off").isEqualTo("CLEARED");
        assertThat(rows.get(token("dscro", "9100000000000000044")).<String>getAs("listed_as")).as("spaces taken off").isEqualTo("OPTED_OUT");
        assertThat(rows.get(pseudonymised).<String>getAs("listed_as")).as("a token is not re-keyed").isEqualTo("OPTED_OUT");
        assertThat(rows).doesNotContainKey(token("dscro", "nhs_token"));
        assertThat(rows.values()).allSatisfy(x -> {
            assertThat(x.<String>getAs("opt_out_type")).isEqualTo("NDOO");
            assertThat(x.<java.sql.Date>getAs("recorded_date")).isNull();
        });
        assertThat(spark.read().format("delta").load(settings.lake() + "/quarantine/opt_outs").collectAsList())
                .allSatisfy(x -> assertThat(x.<String>getAs("_raw_line")).isNull());
        assertThat(f.readBy()).containsOnlyKeys("ndop_cleared", "ndop_opted_out");
    }

    @Test
    void anUnknownFolderIsRefusedWithTheListOfProfiles() throws IOException {
        write("sus_apc", "APCS.csv", "APCS_Ident", "1");
        susApcs();
        assertThatThrownBy(() -> ingest(Profiles.builtIn(), "apc_spells"))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("sus_apc is neither a feed nor a dataset profile")
                .hasMessageContaining("sus_apcs, sus_ecds, sus_opa");
    }
}
