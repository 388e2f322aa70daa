package uk.nhs.phb.schemas.profiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfilesTest {
    private static final String MINIMAL = String.join("\n",
            "id: my_apc",
            "dataset: test",
            "specification: test",
            "spec_version: '1'",
            "feed: apc_spells",
            "person: {column: P, domain: d}",
            "columns:",
            "  ID: spell id",
            "  P: pseudonym",
            "  D: date",
            "fields:",
            "  spell_id: ID",
            "  provider_code: \"'RXH'\"",
            "  admission_date: D",
            "  admission_method: \"'21'\"",
            "  primary_diagnosis: \"'J189'\"",
            "  hrg_code: \"'DZ11V'\"",
            "  cost: \"'1.00'\"",
            "");

    @TempDir
    Path tmp;

    @Test
    void everyShippedProfileLoadsAndFillsItsFeed() {
        Profiles p = Profiles.builtIn();
        assertThat(p.all()).extracting(DatasetProfile::id).containsExactly("asc_client_level_data", "chc_plds", "cin_census", "csds_contacts", "fhir_conditions", "fhir_dispenses",
                "fhir_encounters", "gp_events", "gp_type1_opt_outs", "hes_apc", "hes_op", "mhsds_contacts", "mhsds_mha", "mhsds_spells", "ndop_cleared", "ndop_opted_out", "nhsbsa_items", "school_census_pupils", "sen2", "ssda903",
                "sus_apcs", "sus_ecds", "sus_opa");
        DatasetProfile census = p.byId("school_census_pupils");
        assertThat(census.records()).containsExactly("Pupils.PupilsOnRoll?.PupilOnRoll");
        assertThat(census.identity().elements()).hasSize(2);
        assertThat(census.identity().identifierElements()).contains("PupilIdentifiers.UPN", "HomeInformation.Address.PostCode", "HomeInformation");
        assertThat(p.inFolder("fhir")).extracting(DatasetProfile::resource).containsExactly("Condition", "MedicationDispense", "Encounter");
        DatasetProfile cin = p.byId("cin_census");
        assertThat(cin.xml()).isTrue();
        assertThat(cin.records()).containsExactly("Children.Child.CINdetails", "Children.Child.CINdetails.ChildProtectionPlans");
        assertThat(cin.lookups()).extracting(DatasetProfile.Lookup::map).containsExactly("dfe_la_codes");
        DatasetProfile lac = p.byId("ssda903");
        assertThat(lac.joins()).extracting(DatasetProfile.Join::name).containsExactly("header");
        assertThat(lac.unread()).hasSize(2);
        DatasetProfile cld = p.byId("asc_client_level_data");
        assertThat(cld.persons()).extracting(DatasetProfile.Person::field).containsExactly("la_person_token", "nhs_token");
        assertThat(cld.personFor("nhs_token").domain()).isEqualTo("dscro");
        DatasetProfile dispenses = p.byId("fhir_dispenses");
        assertThat(dispenses.fhir()).isTrue();
        assertThat(dispenses.joins()).extracting(DatasetProfile.Join::resource).containsExactly("Patient", "Medication");
        assertThat(dispenses.pricing().units()).isEqualTo("items");
        assertThat(dispenses.joins().get(0).columns().get(1).path()).hasToString(
                "identifier.where(system = 'https://fhir.nhs.uk/Id/nhs-number').value");
        assertThat(p.prices().prices()).anyMatch(x -> x.pointOfDelivery().equals("DISPENSED_ITEM") && x.year() == 2024
                && x.price().toPlainString().equals("8.89"));
        DatasetProfile items = p.byId("nhsbsa_items");
        assertThat(items.grouping().sum()).containsExactly("items", "cost");
        assertThat(items.grouping().countDistinct()).containsExactly("distinct_medicines");
        assertThat(items.grouping().order()).isNull();
        assertThat(p.inFolder("mhsds")).extracting(DatasetProfile::id).containsExactly("mhsds_contacts", "mhsds_mha", "mhsds_spells");
        assertThat(p.byId("mhsds_mha").where()).contains("NOT IN ('01', '35', '36', '98', '99')");
        DatasetProfile csds = p.byId("csds_contacts");
        assertThat(csds.person().column()).isEqualTo("mpi.Der_Pseudo_NHS_Number");
        assertThat(csds.joins()).extracting(DatasetProfile.Join::name).containsExactly("mpi", "team");
        assertThat(csds.joins().get(1).on()).containsEntry("ServiceRequestID", "ServiceRequestID");
        DatasetProfile hes = p.byId("hes_apc");
        assertThat(hes.feed()).isEqualTo("apc_spells");
        assertThat(hes.person().column()).isEqualTo("TOKEN_PERSON_ID");
        assertThat(hes.grouping().by()).containsExactly("nhs_token", "provider_code", "admission_date");
        assertThat(hes.requiredColumns()).contains("ADMIDATE", "EPIORDER", "SUSHRG").doesNotContain("DISDATE");
        assertThat(p.prices().prices()).anyMatch(x -> x.pointOfDelivery().equals("NEL") && x.code().equals("DZ11V"));
    }

    @Test
    void aFhirProfileTakesEachColumnByItsPathAndNamesTheLineOfAnError() {
        String fhir = String.join("\n",
                "id: my_conditions",
                "dataset: conditions",
                "specification: FHIR R4",
                "spec_version: R4",
                "format: fhir_ndjson",
                "resource: Condition",
                "feed: gp_conditions",
                "files: \"*Condition*\"",
                "person: {column: patient.nhs, domain: dscro}",
                "columns:",
                "  id: {path: id, description: id}",
                "  subject: {path: \"subject.reference.replaceMatches('^Patient/', '')\", description: patient}",
                "  code: {path: \"code.coding.where(system = 'http://snomed.info/sct').code\", description: concept}",
                "join:",
                "  - name: patient",
                "    files: \"*Patient*\"",
                "    resource: Patient",
                "    on: {subject: id}",
                "    columns:",
                "      id: {path: id, description: id}",
                "      nhs: {path: \"identifier.where(system = 'https://fhir.nhs.uk/Id/nhs-number').value\", description: pseudonym}",
                "fields:",
                "  record_id: id",
                "  condition_code: code",
                "  recorded_date: \"'2024-01-01'\"",
                "");
        DatasetProfile p = Profiles.parse("my.yaml", new StringReader(fhir));
        assertThat(p.format()).isEqualTo(DatasetProfile.FHIR_NDJSON);
        assertThat(p.columns().get(2).path()).hasToString("code.coding.where(system = 'http://snomed.info/sct').code");
        assertThat(p.joins().get(0).resource()).isEqualTo("Patient");
        assertThatThrownBy(() -> Profiles.parse("my.yaml", new StringReader(fhir.replace("  id: {path: id, description: id}\n  subject",
                "  id: {description: id}\n  subject")))).hasMessageStartingWith("my.yaml line 11: column 'id' needs 'path'");
        assertThatThrownBy(() -> Profiles.parse("my.yaml", new StringReader(fhir.replace(".code\", description: concept}",
                ".code.last()\", description: concept}")))).hasMessageStartingWith("my.yaml line 13: FHIRPath")
                .hasMessageContaining("function 'last' is not one a profile may use");
        assertThatThrownBy(() -> Profiles.parse("my.yaml", new StringReader(fhir.replace("resource: Condition\n", ""))))
                .hasMessageContaining("a FHIR profile names the resource type of its main table's lines");
        assertThatThrownBy(() -> Profiles.parse("my.yaml", new StringReader(fhir.replace("    resource: Patient\n", ""))))
                .hasMessageStartingWith("my.yaml line 15: join 'patient' names the resource type of its lines");
        assertThatThrownBy(() -> Profiles.parse("my.yaml", new StringReader(fhir.replace("format: fhir_ndjson", "format: json"))))
                .hasMessageStartingWith("my.yaml line 5: format 'json' is not one of [csv, fhir_ndjson, xml, list]");
    }

    @Test
    void aListProfileReadsOneValuePerLine() {
        String list = String.join("\n",
                "id: my_opt_outs",
                "dataset: opt-outs",
                "specification: the check's answer",
                "spec_version: '2025'",
                "format: list",
                "feed: opt_outs",
                "person: {column: nhs, domain: dscro}",
                "columns:",
                "  nhs: the number",
                "fields:",
                "  record_id: person_token",
                "  opt_out_type: \"'NDOO'\"",
                "");
        DatasetProfile p = Profiles.parse("my.yaml", new StringReader(list));
        assertThat(p.list()).isTrue();
        assertThat(p.columns()).extracting(DatasetProfile.SourceColumn::name).containsExactly("nhs");
        assertThatThrownBy(() -> Profiles.parse("my.yaml", new StringReader(list.replace("  nhs: the number", "  nhs: the number\n  date: a date"))))
                .hasMessageStartingWith("my.yaml line 9: a list profile (format: list) reads one value per line: one column");
    }

    @Test
    void anXmlProfileNamesItsRootAndRecordsAndTakesColumnsByPath() {
        String xml = String.join("\n",
                "id: my_cin",
                "dataset: CIN",
                "specification: CIN census",
                "spec_version: 2025-26",
                "format: xml",
                "root: Message",
                "record: [Children.Child.CINdetails, Children.Child.CINdetails.ChildProtectionPlans]",
                "feed: csc",
                "person: {column: id, domain: council, field: child_token}",
                "columns:",
                "  id: {path: Children.Child.ChildIdentifiers.LAchildID, description: child}",
                "  start: {path: Children.Child.CINdetails.CINreferralDate, description: referral}",
                "fields:",
                "  episode_id: substr(sha2(concat(person_token, start), 256), 1, 40)",
                "  la_code: \"'E08000025'\"",
                "  episode_type: \"'CIN'\"",
                "  start_date: start",
                "");
        DatasetProfile p = Profiles.parse("my.yaml", new StringReader(xml));
        assertThat(p.xml()).isTrue();
        assertThat(p.resource()).isEqualTo("Message");
        assertThat(p.records()).containsExactly("Children.Child.CINdetails", "Children.Child.CINdetails.ChildProtectionPlans");
        assertThat(p.columns().get(0).path()).hasToString("Children.Child.ChildIdentifiers.LAchildID");
        assertThatThrownBy(() -> Profiles.parse("my.yaml", new StringReader(xml.replace("root: Message\n", ""))))
                .hasMessageContaining("an XML profile names the root element of its files");
        assertThatThrownBy(() -> Profiles.parse("my.yaml", new StringReader(xml.replace("record: [Children", "record: [Message/Children"))))
                .hasMessageStartingWith("my.yaml line 7: 'Message/Children.Child.CINdetails' is not an element path below the root");
        assertThatThrownBy(() -> Profiles.parse("my.yaml", new StringReader(xml.replace("{path: Children.Child.ChildIdentifiers.LAchildID, ", "{"))))
                .hasMessageStartingWith("my.yaml line 11: column 'id' needs 'path'");
        assertThatThrownBy(() -> Profiles.parse("my.yaml", new StringReader(xml.replace("person_token", "token"))))
                .hasMessageContaining("reads 'token', which is not among the profile's source columns");
    }

    @Test
    void aMinimalProfileParses() {
        DatasetProfile p = Profiles.parse("my_apc.yaml", new StringReader(MINIMAL));
        assertThat(p.fields()).containsEntry("spell_id", "ID");
        assertThat(p.dateFormats()).isEqualTo(Profiles.DEFAULT_DATE_FORMATS);
    }

    @Test
    void errorsNameTheirLine() {
        assertThatThrownBy(() -> Profiles.parse("x.yaml", new StringReader(MINIMAL.replace("  admission_date: D", "  admission_day: D"))))
                .isInstanceOf(ProfileException.class)
                .hasMessageStartingWith("x.yaml line 14: feed apc_spells has no field 'admission_day'");
        assertThatThrownBy(() -> Profiles.parse("x.yaml", new StringReader(MINIMAL.replace("  spell_id: ID", "  spell_id: substr(IDX, 1, 3)"))))
                .hasMessageStartingWith("x.yaml line 12: the expression 'substr(IDX, 1, 3)' reads 'idx', which is not among the profile's source columns");
        assertThatThrownBy(() -> Profiles.parse("x.yaml", new StringReader(MINIMAL.replace("  spell_id: ID", "  spell_id: substr(ID, 1"))))
                .hasMessageStartingWith("x.yaml line 12: the expression 'substr(ID, 1' is not valid Spark SQL");
        assertThatThrownBy(() -> Profiles.parse("x.yaml", new StringReader(MINIMAL.replace("  cost: \"'1.00'\"\n", ""))))
                .hasMessageStartingWith("x.yaml line 12: feed apc_spells requires field(s) cost, which the profile does not fill");
        assertThatThrownBy(() -> Profiles.parse("x.yaml", new StringReader(MINIMAL.replace("feed: apc_spells", "feed: apc"))))
                .hasMessageStartingWith("x.yaml line 5: unknown feed 'apc'");
        assertThatThrownBy(() -> Profiles.parse("x.yaml", new StringReader(MINIMAL + "colour: red\n")))
                .hasMessageStartingWith("x.yaml line 19: unknown key 'colour'");
        assertThatThrownBy(() -> Profiles.parse("x.yaml", new StringReader(MINIMAL.replace("columns:", "columns: [\n"))))
                .hasMessageContaining("x.yaml line").hasMessageContaining("not valid YAML");
    }

    /** A main table joined to a person table, as MHSDS contacts are to MHS001. */
    private static final String JOINED = String.join("\n",
            "id: my_mh",
            "dataset: test",
            "specification: test",
            "spec_version: '1'",
            "feed: mental_health",
            "folder: mh",
            "files: 'C*'",
            "person: {column: mpi.P, domain: d}",
            "columns:",
            "  ID: contact id",
            "  PID: person id",
            "  D: date",
            "join:",
            "  - name: mpi",
            "    files: 'M*'",
            "    on: {PID: PID}",
            "    columns: {PID: person id, P: pseudonym}",
            "fields:",
            "  event_id: ID",
            "  event_type: \"'CONTACT'\"",
            "  start_date: D",
            "  service: \"CASE WHEN mpi.P IS NULL THEN 'CMHT' ELSE 'CMHT' END\"",
            "  cost: \"'1.00'\"",
            "");

    @Test
    void aProfileMayJoinTablesOfItsFolderAndEveryJoinIsChecked() {
        DatasetProfile p = Profiles.parse("my_mh.yaml", new StringReader(JOINED));
        assertThat(p.folder()).isEqualTo("mh");
        assertThat(p.readableColumns()).containsExactly("ID", "PID", "D", "mpi.PID", "mpi.P");
        assertThatThrownBy(() -> Profiles.parse("x.yaml", new StringReader(JOINED.replace("CASE WHEN mpi.P", "CASE WHEN mpi.Q"))))
                .hasMessageStartingWith("x.yaml line 22: the expression").hasMessageContaining("reads 'mpi.q'");
        assertThatThrownBy(() -> Profiles.parse("x.yaml", new StringReader(JOINED.replace("on: {PID: PID}", "on: {PERSON: PID}"))))
                .hasMessageStartingWith("x.yaml line 16: join 'mpi': 'PERSON' is not among the main table's columns");
        assertThatThrownBy(() -> Profiles.parse("x.yaml", new StringReader(JOINED.replace("column: mpi.P,", "column: mpi.X,"))))
                .hasMessageStartingWith("x.yaml line 8: the person column 'mpi.X' is not among");
        assertThatThrownBy(() -> Profiles.parse("x.yaml", new StringReader(JOINED.replace("files: 'C*'\n", ""))))
                .hasMessageContaining("names its main table's files");
        assertThatThrownBy(() -> Profiles.parse("x.yaml", new StringReader(JOINED.replace("name: mpi", "name: PID"))))
                .hasMessageContaining("a join's name is snake_case");
        assertThatThrownBy(() -> Profiles.parse("x.yaml", new StringReader(JOINED + "where: \"STATUS <> '01'\"\n")))
                .hasMessageStartingWith("x.yaml line 24: the expression")
                .hasMessageContaining("reads 'status'");
    }

    /** Items of a person's month folded into one row, as NHSBSA's are. */
    private static final String ITEMS = String.join("\n",
            "id: my_items",
            "dataset: test",
            "specification: test",
            "spec_version: '1'",
            "feed: prescriptions",
            "person: {column: P, domain: d}",
            "columns: {P: pseudonym, M: month, BNF: bnf code, N: items, NIC: cost}",
            "fields:",
            "  period_month: M",
            "  distinct_medicines: substr(BNF, 1, 9)",
            "  items: N",
            "  cost: NIC",
            "group:",
            "  by: [nhs_token, period_month]",
            "  id: record_id",
            "  sum: [items, cost]",
            "  count_distinct: [distinct_medicines]",
            "");

    @Test
    void aGroupMaySumCountAndTakeTheSmallestAndEachFieldOnce() {
        DatasetProfile p = Profiles.parse("my_items.yaml", new StringReader(ITEMS));
        assertThat(p.grouping().aggregated()).containsExactly("items", "cost", "distinct_medicines");
        assertThat(ProfilesDoc.text(p, Profiles.builtIn())).contains("items, cost summed; distinct_medicines the number of distinct values");
        assertThatThrownBy(() -> Profiles.parse("x.yaml", new StringReader(ITEMS.replace("sum: [items, cost]", "sum: [items, cost, period_month]"))))
                .hasMessageStartingWith("x.yaml line 14: field 'period_month' is named twice");
        assertThatThrownBy(() -> Profiles.parse("x.yaml", new StringReader(ITEMS.replace("sum: [items, cost]", "sum: [items, price]"))))
                .hasMessageStartingWith("x.yaml line 14: feed prescriptions has no field 'price'");
        assertThatThrownBy(() -> Profiles.parse("x.yaml", new StringReader(ITEMS.replace("  id: record_id\n", ""))))
                .hasMessageContaining("requires field(s) record_id");
    }

    @Test
    void aLookupReadsAShippedCodeMapAndAnOverrideAddsLocalRows() throws Exception {
        DatasetProfile gp = Profiles.builtIn().byId("gp_events");
        assertThat(gp.lookups()).singleElement().satisfies(l -> {
            assertThat(l.map()).isEqualTo("gp_clusters");
            assertThat(l.columns()).containsExactly("condition", "cluster", "version", "term");
        });
        CodeMaps.CodeMap clusters = Profiles.builtIn().codeMap("gp_clusters");
        assertThat(clusters.rows()).anyMatch(r -> r.get(0).equals("44054006") && r.get(1).equals("DM") && r.get(2).equals("dm_cod"));
        assertThat(clusters.rows()).noneMatch(r -> r.get(0).equals("73211009") && r.get(1).equals("CKD"));
        assertThat(clusters.source()).contains("QOF business rules", "electronic Frailty Index");

        Path local = tmp.resolve("local_clusters.csv");
        Files.writeString(local, "concept_id,condition,cluster,version,term\n999000111000001,CAN,local_can_cod,2025-04,Local cancer register code\n");
        Path file = tmp.resolve("local.yaml");
        Files.writeString(file, "code_maps:\n  gp_clusters: local_clusters.csv\n");
        CodeMaps.CodeMap extended = Profiles.withOverrides(file).codeMap("gp_clusters");
        assertThat(extended.rows()).hasSize(clusters.rows().size() + 1).last().isEqualTo(
                java.util.List.of("999000111000001", "CAN", "local_can_cod", "2025-04", "Local cancer register code"));
        assertThat(extended.source()).contains("local rows from").contains("local_clusters.csv");

        Files.writeString(local, "concept_id,condition\n1,CAN\n");
        assertThatThrownBy(() -> Profiles.withOverrides(file)).hasMessageStartingWith(file + " line 2: local code map file")
                .hasMessageContaining("the header must be the shipped map's, concept_id,condition,cluster,version,term");
        Files.writeString(local, "concept_id,condition,cluster,version,term\n1,CAN,x,1,t\n1,CAN,x,1,t\n");
        assertThatThrownBy(() -> Profiles.withOverrides(file)).hasMessageContaining("line 3: the same row as line 2");
        Files.writeString(file, "code_maps:\n  gp_cluster: local_clusters.csv\n");
        assertThatThrownBy(() -> Profiles.withOverrides(file)).hasMessageStartingWith(file + " line 2: phb ships no code map 'gp_cluster'")
                .hasMessageContaining("code maps: gp_clusters");
        assertThatThrownBy(() -> Profiles.parse("x.yaml", new StringReader(ITEMS.replace("fields:", "lookup: [{name: medicine, map: bnf_codes, on: BNF}]\nfields:"))))
                .hasMessageStartingWith("x.yaml line 8: phb ships no code map 'bnf_codes'");
    }

    @Test
    void anOverrideMayAliasAJoinedTablesColumn() throws Exception {
        Path file = tmp.resolve("local.yaml");
        Files.writeString(file, "profiles:\n  mhsds_contacts:\n    aliases: {mpi.Der_Pseudo_NHS_Number: [PSEUDO_NHS_NUMBER_X26]}\n");
        DatasetProfile mh = Profiles.withOverrides(file).byId("mhsds_contacts");
        assertThat(mh.joins().get(0).columns()).anyMatch(c -> c.name().equals("Der_Pseudo_NHS_Number")
                && c.aliases().contains("PSEUDO_NHS_NUMBER_X26") && c.aliases().contains("Pseudo_NHS_Number"));
        Files.writeString(file, "profiles:\n  mhsds_contacts:\n    aliases: {mpi.NHS_NUMBER: [X]}\n");
        assertThatThrownBy(() -> Profiles.withOverrides(file))
                .hasMessageStartingWith(file + " line 3: profile mhsds_contacts has no joined column 'mpi.NHS_NUMBER' to alias");
    }

    @Test
    void anOverrideAddsLocalCodesToANationalListOrNamesItsLine() throws Exception {
        Path file = tmp.resolve("local.yaml");
        Files.writeString(file, String.join("\n",
                "codes:",
                "  community_service:",
                "    - {code: FRAILTY_TEAM, meaning: Community frailty team (local)}",
                "  admission_method:",
                "    - {code: 2X, meaning: Emergency via the frailty assessment unit (local)}",
                ""));
        Profiles p = Profiles.withOverrides(file);
        assertThat(p.localCodes()).containsOnlyKeys("community_service", "admission_method");
        assertThat(p.localCodes().get("community_service")).containsEntry("FRAILTY_TEAM", "Community frailty team (local)");
        assertThat(Profiles.builtIn().localCodes()).isEmpty();

        Files.writeString(file, "codes:\n  admision_method:\n    - {code: 2X, meaning: x}\n");
        assertThatThrownBy(() -> Profiles.withOverrides(file)).hasMessageStartingWith(file + " line 3: no code list 'admision_method'")
                .hasMessageContaining("admission_method");
        Files.writeString(file, "codes:\n  admission_method:\n    - {code: '21', meaning: x}\n");
        assertThatThrownBy(() -> Profiles.withOverrides(file)).hasMessageStartingWith(file + " line 3: '21' is already in the national list admission_method");
        Files.writeString(file, "codes:\n  admission_method:\n    - {meaning: x}\n");
        assertThatThrownBy(() -> Profiles.withOverrides(file)).hasMessageStartingWith(file + " line 3: 'code' is required");
    }

    @Test
    void anOverrideNamesTheDomainOfEachPersonColumnByTheFieldItFills() throws Exception {
        Path file = tmp.resolve("local.yaml");
        Files.writeString(file, String.join("\n",
                "profiles:",
                "  asc_client_level_data:",
                "    domains: {la_person_token: council-e08000026, nhs_token: dscro-x26}",
                ""));
        DatasetProfile cld = Profiles.withOverrides(file).byId("asc_client_level_data");
        assertThat(cld.persons()).extracting(DatasetProfile.Person::domain).containsExactly("council-e08000026", "dscro-x26");
        assertThat(cld.persons()).extracting(DatasetProfile.Person::column).containsExactly("LA_Person_Unique_Identifier", "NHS_Number");
        Files.writeString(file, String.join("\n",
                "profiles:",
                "  asc_client_level_data:",
                "    domains: {child_token: council-x}",
                ""));
        assertThatThrownBy(() -> Profiles.withOverrides(file)).isInstanceOf(ProfileException.class)
                .hasMessageContaining("line 3: profile asc_client_level_data has no person column filling 'child_token'");
    }

    @Test
    void anOverrideChangesAProfileAndAddsPricesOrNamesItsLine() throws Exception {
        Path file = tmp.resolve("local.yaml");
        Files.writeString(file, String.join("\n",
                "profiles:",
                "  sus_apcs:",
                "    domain: dscro-x26",
                "    aliases: {Der_Pseudo_NHS_Number: [Pseudo_NHS_Number]}",
                "    columns: {Local_HRG: {description: the trust's own HRG, optional: true}}",
                "    fields: {hrg_code: \"coalesce(Spell_Core_HRG_SUS, Local_HRG)\"}",
                "prices:",
                "  - {list: hrg, point_of_delivery: NEL, code: DZ11V, fy: 2024, price: 2500.50, source: Trust PLICS}",
                ""));
        Profiles p = Profiles.withOverrides(file);
        DatasetProfile sus = p.byId("sus_apcs");
        assertThat(sus.person().domain()).isEqualTo("dscro-x26");
        assertThat(sus.columns()).anyMatch(c -> c.name().equals("Der_Pseudo_NHS_Number") && c.aliases().contains("Pseudo_NHS_Number"));
        assertThat(sus.fields()).containsEntry("hrg_code", "coalesce(Spell_Core_HRG_SUS, Local_HRG)");
        assertThat(sus.source()).endsWith("local.yaml");
        assertThat(p.prices().prices()).anyMatch(x -> x.local() && x.price().toPlainString().equals("2500.50") && x.costSource().equals("local"));
        assertThat(Profiles.builtIn().byId("sus_apcs").person().domain()).as("the shipped profile is unchanged").isEqualTo("dscro");

        Files.writeString(file, "profiles:\n  sus_apcs:\n    fields: {hrg_code: \"coalesce(Spell_Core_HRG_SUS, Missing_Column)\"}\n");
        assertThatThrownBy(() -> Profiles.withOverrides(file)).isInstanceOf(ProfileException.class)
                .hasMessageStartingWith(file + " line 3: the expression").hasMessageContaining("'missing_column'");
        Files.writeString(file, "prices:\n  - {list: hrg, point_of_delivery: NEL, code: DZ11V, fy: 2024/25, price: 1, source: x}\n");
        assertThatThrownBy(() -> Profiles.withOverrides(file)).hasMessageStartingWith(file + " line 2: fy is the first year");
        Files.writeString(file, "profiles:\n  sus_apc: {domain: x}\n");
        assertThatThrownBy(() -> Profiles.withOverrides(file)).hasMessageStartingWith(file + " line 2: no profile 'sus_apc' to override");
        assertThatThrownBy(() -> Profiles.withOverrides(tmp.resolve("none.yaml"))).hasMessageContaining("does not exist");
    }
}
