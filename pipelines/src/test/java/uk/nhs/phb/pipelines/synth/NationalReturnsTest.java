package uk.nhs.phb.pipelines.synth;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/** The education rows as XML returns: where each record goes, and the elements it is written as. */
class NationalReturnsTest {
    static final Reference REF = Reference.load();
    static final Geography GEO = new Geography(7, 1000, REF);
    static final LocalDate WINDOW_END = LocalDate.of(2026, 3, 31);
    static final String TOKEN = "C9cWZZ8AGiKOxKnZztLBTcx37lnYs6sws94D1KWl0bo";
    final NationalReturns returns = new NationalReturns(GEO, WINDOW_END);
    final NationalFolds.Person person = new NationalFolds.Person(1L, 2012, "A81001", Map.of());

    static String[] plan(String start, String end, String need, String placement) {
        Emitter.Layout l = Emitter.layout("ehcp");
        String[] v = new String[l.fields.length];
        v[l.at("ehcp_id")] = "ehcp-1";
        v[l.at("la_code")] = GEO.laCodes[0];
        v[l.at("pupil_token")] = TOKEN;
        v[l.at("birth_year")] = "2012";
        v[l.at("sex")] = "2";
        v[l.at("start_date")] = start;
        v[l.at("end_date")] = end;
        v[l.at("primary_need")] = need;
        v[l.at("placement_type")] = placement;
        return v;
    }

    List<Row> written(String feed, String[] values) {
        List<Row> out = new ArrayList<>();
        returns.write(person, RowFactory.create(feed, values, false), out);
        return out;
    }

    static Document render(Row record) throws Exception {
        List<String> values = Arrays.asList((String[]) record.get(1));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        var xml = javax.xml.stream.XMLOutputFactory.newFactory().createXMLStreamWriter(bytes, "UTF-8");
        NationalReturns.writeStart(xml, record.getString(0), values.get(0));
        NationalReturns.writeRecord(xml, record.getString(0), values);
        NationalReturns.writeEnd(xml);
        return DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new java.io.ByteArrayInputStream(bytes.toString(StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8)));
    }

    static String text(Element parent, String path) {
        Element e = parent;
        for (String step : path.split("/")) {
            e = (Element) e.getElementsByTagName(step).item(0);
            if (e == null) {
                return null;
            }
        }
        return e.getTextContent();
    }

    @Test
    void aPlanInForceIsInTheReturnOfItsCouncilAndLastCensusDayWithItsNeedAndPlacement() throws Exception {
        List<Row> out = written("ehcp", plan("2021-09-01", null, "ASD", "SPECIAL_STATE"));
        assertThat(out).hasSize(1);
        String[] v = (String[]) out.get(0).get(1);
        assertThat(out.get(0).getString(0)).isEqualTo("sen2");
        assertThat(v[0]).as("council DfE number and census year").isEqualTo(GEO.laDfeNumbers[0] + "|2026");
        Document d = render(out.get(0));
        Element root = d.getDocumentElement();
        assertThat(text(root, "Header/Source/LEA")).isEqualTo(Integer.toString(GEO.laDfeNumbers[0]));
        Element p = (Element) root.getElementsByTagName("Person").item(0);
        assertThat(text(p, "pupil_token")).isEqualTo(TOKEN);
        assertThat(text(p, "Sex")).isEqualTo("F");
        assertThat(p.getElementsByTagName("Requests").getLength()).isEqualTo(1);
        assertThat(p.getElementsByTagName("NamedPlan").getLength()).as("issued before the collection period").isZero();
        Element active = (Element) p.getElementsByTagName("ActivePlans").item(0);
        Element firstNeed = (Element) active.getElementsByTagName("SENneed").item(0);
        assertThat(text(firstNeed, "SENtype")).isEqualTo("ASD");
        assertThat(text(firstNeed, "SENtypeRank")).isEqualTo("1");
        Element placement = (Element) active.getElementsByTagName("PlacementDetail").item(0);
        String urn = text(placement, "URN");
        assertThat(NationalReturns.SCHOOLS.stream().filter(s -> s[0].equals(urn)).findFirst().orElseThrow()[2]).isEqualTo("SPECIAL_STATE");
        assertThat(text(placement, "EntryDate")).isEqualTo("2021-09-01");
    }

    @Test
    void aSecondNeedOpensItsOwnElement() throws Exception {
        for (int i = 0; i < 40; i++) {
            String[] v = plan("2021-09-01", null, "MLD", "MAINSTREAM");
            v[Emitter.layout("ehcp").at("ehcp_id")] = "ehcp-" + i;
            Element active = (Element) render(written("ehcp", v).get(0)).getElementsByTagName("ActivePlans").item(0);
            int needs = active.getElementsByTagName("SENneed").getLength();
            assertThat(active.getElementsByTagName("SENtype").getLength()).isEqualTo(needs);
            if (needs == 2) {
                assertThat(text((Element) active.getElementsByTagName("SENneed").item(1), "SENtypeRank")).isEqualTo("2");
                return;
            }
        }
        throw new AssertionError("no plan of 40 had a second need");
    }

    @Test
    void aCeasedPlanCarriesItsNamedPlanAndOneNeverInForceOnACensusDayHasNoActivePlan() throws Exception {
        // ceased in June 2025: in force on census day 16 January 2025
        List<Row> ceased = written("ehcp", plan("2019-03-01", "2025-06-30", "SEMH", "OTHER"));
        assertThat(((String[]) ceased.get(0).get(1))[0]).endsWith("|2025");
        Element p = (Element) render(ceased.get(0)).getElementsByTagName("Person").item(0);
        assertThat(text(p, "Requests/Assessment/NamedPlan/CeaseDate")).isEqualTo("2025-06-30");
        assertThat(text(p, "Requests/ActivePlans/PlacementDetail/SENsetting")).isNotNull();
        // began and ended between the census days of 2024 and 2025: in the 2025 return without an active plan
        List<Row> brief = written("ehcp", plan("2024-03-01", "2024-11-30", "SEMH", "MAINSTREAM"));
        Element b = (Element) render(brief.get(0)).getElementsByTagName("Person").item(0);
        assertThat(b.getElementsByTagName("ActivePlans").getLength()).isZero();
        assertThat(text(b, "Requests/Assessment/NamedPlan/StartDate")).isEqualTo("2024-03-01");
        // issued after the last census day of the window: in no return yet
        assertThat(written("ehcp", plan("2026-02-01", null, "ASD", "MAINSTREAM"))).isEmpty();
    }

    @Test
    void aPupilIsInTheReturnOfTheirSchoolAndCensusDay() throws Exception {
        Emitter.Layout l = Emitter.layout("school_census");
        String[] v = new String[l.fields.length];
        v[l.at("record_id")] = "sc-1";
        v[l.at("la_code")] = GEO.laCodes[0];
        v[l.at("school_number")] = GEO.laDfeNumbers[0] + "2001";
        v[l.at("pupil_token")] = TOKEN;
        v[l.at("sex")] = "1";
        v[l.at("census_date")] = "2026-01-15";
        v[l.at("sen_provision")] = "K";
        List<Row> out = written("school_census", v);
        assertThat(((String[]) out.get(0).get(1))[0]).isEqualTo(GEO.laDfeNumbers[0] + "|2001|2026-01-15");
        Element root = render(out.get(0)).getDocumentElement();
        assertThat(text(root, "Header/CollectionDetails/ReferenceDate")).isEqualTo("2026-01-15");
        assertThat(text(root, "Header/Source/Estab")).isEqualTo("2001");
        Element pupil = (Element) root.getElementsByTagName("PupilOnRoll").item(0);
        assertThat(text(pupil, "PupilIdentifiers/Sex")).isEqualTo("M");
        assertThat(text(pupil, "SpecialEducationalNeeds/SENprovision")).isEqualTo("K");
        // a row sent damaged is left out of the return (its fault stays in the truth)
        NationalFolds.Person damaged = new NationalFolds.Person(1L, 2012, "A81001", Map.of("school_census|sc-1", "unknown_code"));
        List<Row> none = new ArrayList<>();
        returns.write(damaged, RowFactory.create("school_census", v, false), none);
        assertThat(none).isEmpty();
    }

    static Row episode(String id, String type, String start, String end) {
        Emitter.Layout l = Emitter.layout("csc");
        String[] v = new String[l.fields.length];
        v[l.at("episode_id")] = id;
        v[l.at("la_code")] = GEO.laCodes[0];
        v[l.at("child_token")] = "CHILDTOKEN";
        v[l.at("pupil_token")] = TOKEN;
        v[l.at("birth_year")] = "2014";
        v[l.at("sex")] = "1";
        v[l.at("episode_type")] = type;
        v[l.at("start_date")] = start;
        v[l.at("end_date")] = end;
        return RowFactory.create("csc", v, false);
    }

    @Test
    void childrenInNeedAreReturnedByCensusYearWithEachPlanInsideItsEpisode() throws Exception {
        List<Row> out = new ArrayList<>();
        returns.writeChildren(person, List.of(
                episode("c1", "CIN", "2024-05-01", "2025-02-01"),
                episode("c2", "CPP", "2024-06-01", "2024-12-01"),
                episode("c3", "CPP", "2025-01-05", "2025-02-01"),
                episode("c4", "CIN", "2025-06-01", null)), out);
        assertThat(out).extracting(r -> r.getString(0)).containsExactlyInAnyOrder("cin_census", "cin_census");
        List<Row> years = out.stream().filter(r -> r.getString(0).equals("cin_census")).toList();
        assertThat(years).extracting(r -> ((String[]) r.get(1))[0]).containsExactly(GEO.laDfeNumbers[0] + "|2025", GEO.laDfeNumbers[0] + "|2026");
        Element child = (Element) render(years.get(0)).getElementsByTagName("Child").item(0);
        assertThat(text(child, "ChildIdentifiers/child_token")).isEqualTo("CHILDTOKEN");
        assertThat(text(child, "ChildIdentifiers/pupil_token")).isEqualTo(TOKEN);
        assertThat(child.getElementsByTagName("CINdetails").getLength()).isEqualTo(1);
        Element cin = (Element) child.getElementsByTagName("CINdetails").item(0);
        assertThat(text(cin, "CINreferralDate")).isEqualTo("2024-05-01");
        assertThat(cin.getElementsByTagName("ChildProtectionPlans").getLength()).isEqualTo(2);
        assertThat(text((Element) cin.getElementsByTagName("ChildProtectionPlans").item(1), "CPPstartDate")).isEqualTo("2025-01-05");

        // a plan whose episode was sent damaged sits in an episode without a referral date, quarantined as the damage is
        NationalFolds.Person damaged = new NationalFolds.Person(1L, 2014, "A81001", Map.of("csc|c1", "unknown_code"));
        List<Row> out2 = new ArrayList<>();
        returns.writeChildren(damaged, List.of(episode("c1", "CIN", "2024-05-01", "2025-02-01"),
                episode("c2", "CPP", "2024-06-01", "2024-12-01")), out2);
        assertThat(out2).extracting(r -> r.getString(0)).containsExactlyInAnyOrder("csc", "cin_census");
        Element wrapper = (Element) render(out2.stream().filter(r -> r.getString(0).equals("cin_census")).findFirst().orElseThrow())
                .getElementsByTagName("CINdetails").item(0);
        assertThat(wrapper.getElementsByTagName("CINreferralDate").getLength()).isZero();
        assertThat(text(wrapper, "ChildProtectionPlans/CPPstartDate")).isEqualTo("2024-06-01");
    }

    static Row lookedAfter(String id, String start, String end, String place) {
        Row r = episode(id, "CLA", start, end);
        String[] v = (String[]) r.get(1);
        v[Emitter.layout("csc").at("placement_type")] = place;
        v[Emitter.layout("csc").at("dob_token")] = "DOBTOKEN";
        return r;
    }

    @Test
    void lookedAfterEpisodesAreTheCouncilsSsda903TablesWithOneHeaderRowForTheChild() {
        List<Row> out = new ArrayList<>();
        returns.writeChildren(person, List.of(episode("c1", "CIN", "2024-05-01", null),
                lookedAfter("c5", "2024-07-01", "2025-01-10", "U6"), lookedAfter("c6", "2025-01-10", null, "K2")), out);
        assertThat(out).extracting(r -> r.getString(0)).containsExactlyInAnyOrder("cin_census", "ssda903/episodes",
                "ssda903/episodes", "ssda903/header");
        List<String[]> episodes = out.stream().filter(r -> r.getString(0).equals("ssda903/episodes")).map(r -> (String[]) r.get(1)).toList();
        List<String> columns = NationalReturns.csvColumns("ssda903/episodes");
        assertThat(episodes).allSatisfy(e -> {
            assertThat(e[0]).as("the council: its folder").isEqualTo(GEO.laCodes[0]);
            assertThat(e).hasSize(columns.size() + 1);
            assertThat(e[1 + columns.indexOf("child_token")]).isEqualTo("CHILDTOKEN");
        });
        assertThat(episodes.get(0)[1 + columns.indexOf("DECOM")]).isEqualTo("01/07/2024");
        assertThat(episodes.get(0)[1 + columns.indexOf("DEC")]).isEqualTo("10/01/2025");
        assertThat(episodes.get(0)[1 + columns.indexOf("PLACE")]).isEqualTo("U6");
        assertThat(episodes.get(0)[1 + columns.indexOf("REC")]).as("a reason it ended").isIn("E4A", "E8");
        assertThat(episodes.get(1)[1 + columns.indexOf("DEC")]).as("still looked after").isNull();
        assertThat(episodes.get(1)[1 + columns.indexOf("URN")]).as("a children's home's Ofsted URN").matches("SC[0-9]{6}");
        String[] header = out.stream().filter(r -> r.getString(0).equals("ssda903/header")).map(r -> (String[]) r.get(1)).findFirst().orElseThrow();
        List<String> headerColumns = NationalReturns.csvColumns("ssda903/header");
        assertThat(header[1 + headerColumns.indexOf("SEX")]).isEqualTo("M");
        assertThat(header[1 + headerColumns.indexOf("dob_token")]).isEqualTo("DOBTOKEN");
        assertThat(header[1 + headerColumns.indexOf("birth_year")]).isEqualTo("2014");
        assertThat(header[1 + headerColumns.indexOf("pupil_token")]).isEqualTo(TOKEN);
        assertThat(NationalReturns.file("ssda903/episodes", GEO.laCodes[0], "part-00003"))
                .isEqualTo("ssda903/" + GEO.laCodes[0] + "/SSDA903_part-00003_episodes.csv");

        // a looked-after episode sent damaged (a cost SSDA903 has no column for) stays in phb's layout
        NationalFolds.Person damaged = new NationalFolds.Person(1L, 2014, "A81001", Map.of("csc|c5", "bad_cost"));
        List<Row> out2 = new ArrayList<>();
        returns.writeChildren(damaged, List.of(lookedAfter("c5", "2024-07-01", null, "U6")), out2);
        assertThat(out2).extracting(r -> r.getString(0)).containsExactly("csc");
    }

    @Test
    void theLandingsOverrideMapsTheSyntheticCouncilsAndSchoolsAndPricesPlacements() {
        Map<String, String> files = NationalReturns.overrideFiles(GEO, REF);
        assertThat(files.get("_reference/profile-overrides.yaml")).contains("ssda903:", "placement_weekly_cost:",
                "WHEN PLACE IN ('U1', 'U3', 'U4', 'U5', 'U6') THEN '900.00'", "THEN '5500.00'");
        assertThat(files.keySet()).containsExactly("_reference/profile-overrides.yaml", "_reference/dfe_la_codes.csv",
                "_reference/sen2_schools.csv");
        assertThat(files.get("_reference/dfe_la_codes.csv")).contains(GEO.laDfeNumbers[0] + "," + GEO.laCodes[0] + ",");
        assertThat(java.util.Arrays.stream(GEO.laDfeNumbers).boxed().toList()).as("a range no English council has").allMatch(n -> n >= 701 && n <= 799);
    }
}
