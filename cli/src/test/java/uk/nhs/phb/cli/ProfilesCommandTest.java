package uk.nhs.phb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfilesCommandTest {
    @Test
    void listsEveryProfileAsJson() throws Exception {
        CliTest.Run r = CliTest.run("profiles", "--json");
        assertThat(r.code()).isZero();
        JsonNode profiles = new ObjectMapper().readTree(r.out()).get("profiles");
        assertThat(profiles).hasSize(23);
        JsonNode hes = profiles.get(9);
        assertThat(hes.get("id").asText()).isEqualTo("hes_apc");
        assertThat(hes.get("folder").asText()).isEqualTo("landing/hes_apc");
        assertThat(hes.get("feed").asText()).isEqualTo("apc_spells");
        assertThat(hes.get("spec_version").asText()).isNotBlank();
        assertThat(hes.get("dataset").asText()).contains("Hospital Episode Statistics");
        // the MHSDS profiles read one folder, each its own tables
        assertThat(profiles.get(11).get("id").asText()).isEqualTo("mhsds_contacts");
        assertThat(profiles.get(11).get("folder").asText()).isEqualTo("landing/mhsds");
        assertThat(profiles.get(12).get("folder").asText()).isEqualTo("landing/mhsds");
        // GP events feed conditions and, from their type 1 objections, opt-outs
        assertThat(profiles.get(8).get("id").asText()).isEqualTo("gp_type1_opt_outs");
        assertThat(profiles.get(8).get("folder").asText()).isEqualTo("landing/gp_events");
        // the FHIR profiles read one folder, each its own resource type
        assertThat(profiles.get(5).get("id").asText()).isEqualTo("fhir_dispenses");
        assertThat(profiles.get(5).get("folder").asText()).isEqualTo("landing/fhir");
        // the school census lands in its profile's folder, beside its feed's own
        assertThat(profiles.get(17).get("id").asText()).isEqualTo("school_census_pupils");
        assertThat(profiles.get(17).get("folder").asText()).isEqualTo("landing/school_census_pupils");
        assertThat(profiles.get(17).get("feed").asText()).isEqualTo("school_census");
    }

    @Test
    void showPrintsEveryMappingWithTheOverrideApplied(@TempDir Path dir) throws Exception {
        CliTest.Run r = CliTest.run("profiles", "show", "sus_apcs");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("Der_Pseudo_NHS_Number", "keyed token of Der_Pseudo_NHS_Number in pseudonymisation domain 'dscro'",
                "Spell_Core_HRG_SUS", "priced from the hrg price list");

        Path overrides = dir.resolve("local.yaml");
        Files.writeString(overrides, "profiles:\n  sus_apcs:\n    domain: dscro-x26\n");
        CliTest.Run changed = CliTest.run("profiles", "show", "sus_apcs", "--profile-overrides", overrides.toString());
        assertThat(changed.out()).contains("domain 'dscro-x26'");

        Files.writeString(overrides, "profiles:\n  sus_apcs:\n    domian: dscro-x26\n");
        CliTest.Run bad = CliTest.run("profiles", "--profile-overrides", overrides.toString());
        assertThat(bad.code()).isEqualTo(Main.EXIT_INPUT);
        assertThat(bad.err()).contains(overrides + " line 3: unknown key 'domian'");

        CliTest.Run joined = CliTest.run("profiles", "show", "mhsds_contacts");
        assertThat(joined.out()).contains("(the files named MHS201*)", "Joined as mpi: the files named MHS001*, on Person_ID = mpi.Person_ID",
                "keyed token of mpi.Der_Pseudo_NHS_Number");

        CliTest.Run gp = CliTest.run("profiles", "show", "gp_events");
        assertThat(gp.out()).contains("Looked up as cluster: CODE in code map gp_clusters (4,814 rows;", "QOF business rules",
                "a code with several rows gives a row for each", "recorded_date the smallest");

        CliTest.Run dispenses = CliTest.run("profiles", "show", "fhir_dispenses");
        assertThat(dispenses.out()).contains("lines: FHIR R4 resources in NDJSON; the main table's are MedicationDispense resources",
                "path: medicationCodeableConcept.coding.where(system = 'https://dmd.nhs.uk').code",
                "Joined as medication: the files named {Medication[._-]*,medication[._-]*} (Medication resources), on medication_ref = medication.id",
                "at point of delivery 'DISPENSED_ITEM', code '*', for the financial year of period_month, times items.");

        CliTest.Run sen2 = CliTest.run("profiles", "show", "sen2", "--json");
        JsonNode identity = new ObjectMapper().readTree(sen2.out()).get("identity");
        assertThat(identity.get("element").asText()).isEqualTo("Persons.Person");
        assertThat(identity.get("token_element").asText()).isEqualTo("pupil_token");
        assertThat(identity.get("identifier_elements").toString()).contains("UPN", "Surname", "PersonBirthDate", "PostCode");

        CliTest.Run unknown = CliTest.run("profiles", "show", "sus_apc");
        assertThat(unknown.code()).isEqualTo(Main.EXIT_INPUT);
        assertThat(unknown.err()).contains("no profile 'sus_apc'", "sus_apcs");
    }
}
