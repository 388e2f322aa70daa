package uk.nhs.phb.schemas.profiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** FHIRPath's subset on the UK Core examples' own resources (narrative and some extensions left out; NHS number a test one). */
class FhirPathTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PATIENT = "{\"resourceType\":\"Patient\",\"id\":\"UKCore-Patient-RichardSmith-Example\",\"identifier\":[{\"extension\":"
            + "[{\"url\":\"https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSNumberVerificationStatus\",\"valueCodeableConcept\":"
            + "{\"coding\":[{\"system\":\"https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatusEngland\",\"code\":\"01\"}]}}],"
            + "\"system\":\"https://fhir.nhs.uk/Id/nhs-number\",\"value\":\"9990000018\"},{\"system\":\"https://example.nhs.uk/Id/pas\",\"value\":\"P1\"}],"
            + "\"gender\":\"male\",\"birthDate\":\"1970-09-11\"}";
    private static final String ENCOUNTER = "{\"resourceType\":\"Encounter\",\"id\":\"UKCore-Encounter-InpatientEncounter-Example\",\"status\":\"finished\","
            + "\"class\":{\"system\":\"http://terminology.hl7.org/CodeSystem/v3-ActCode\",\"code\":\"IMP\"},"
            + "\"subject\":{\"reference\":\"https://example.nhs.uk/fhir/Patient/UKCore-Patient-RichardSmith-Example/_history/2\"},"
            + "\"period\":{\"start\":\"2019-12-10T13:00:00+00:00\",\"end\":\"2019-12-11T13:00:00+00:00\"},\"hospitalization\":{\"extension\":[{\"url\":"
            + "\"https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-AdmissionMethod\",\"valueCodeableConcept\":{\"coding\":[{\"system\":"
            + "\"https://fhir.hl7.org.uk/CodeSystem/UKCore-AdmissionMethodEngland\",\"code\":\"13\"}]}}]}}";

    private static String value(String path, String resource) throws Exception {
        JsonNode node = JSON.readTree(resource);
        return FhirPath.parse(path).first(node);
    }

    @Test
    void membersFlattenArraysAndWhereKeepsTheMatchingElements() throws Exception {
        assertThat(value("identifier.where(system = 'https://fhir.nhs.uk/Id/nhs-number').value", PATIENT)).isEqualTo("9990000018");
        assertThat(value("identifier.where(system='https://example.nhs.uk/Id/pas').value", PATIENT)).isEqualTo("P1");
        assertThat(value("identifier.value", PATIENT)).as("the first of several").isEqualTo("9990000018");
        assertThat(value("identifier.extension('https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSNumberVerificationStatus')"
                + ".valueCodeableConcept.coding.code", PATIENT)).isEqualTo("01");
        assertThat(value("class.code", ENCOUNTER)).isEqualTo("IMP");
        assertThat(value("hospitalization.extension('https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-AdmissionMethod')"
                + ".valueCodeableConcept.coding.first().code", ENCOUNTER)).isEqualTo("13");
        assertThat(value("period.start", ENCOUNTER)).isEqualTo("2019-12-10T13:00:00+00:00");
        assertThat(value("period", ENCOUNTER)).as("an object as its JSON").startsWith("{\"start\":");
    }

    @Test
    void aPathThatSelectsNothingGivesNull() throws Exception {
        assertThat(value("identifier.where(system = 'https://fhir.nhs.uk/Id/nhs-number').period", PATIENT)).isNull();
        assertThat(value("onsetDateTime", ENCOUNTER)).isNull();
        assertThat(value("identifier.where(system = 'none').value", PATIENT)).isNull();
        assertThat(value("gender.code", PATIENT)).as("a member of a text").isNull();
    }

    @Test
    void replaceMatchesTakesTheIdOutOfARelativeOrAbsoluteReference() throws Exception {
        String path = "subject.reference.replaceMatches('^(.*/)?Patient/([^/]+)(/_history/.*)?$', '$2')";
        assertThat(value(path, ENCOUNTER)).isEqualTo("UKCore-Patient-RichardSmith-Example");
        assertThat(value(path, "{\"subject\":{\"reference\":\"Patient/p-1\"}}")).isEqualTo("p-1");
    }

    @Test
    void aPathOutsideTheSubsetIsRefusedWithWhereItGoesWrong() {
        assertThatThrownBy(() -> FhirPath.parse("code.coding.exists()")).isInstanceOf(ProfileException.class)
                .hasMessage("FHIRPath 'code.coding.exists()' at character 20: function 'exists' is not one a profile may use "
                        + "(where, extension, first, replaceMatches)");
        assertThatThrownBy(() -> FhirPath.parse("code.coding.where(system = http)")).hasMessageContaining("a quoted text ('...') is expected");
        assertThatThrownBy(() -> FhirPath.parse("code..coding")).hasMessageContaining("a member or function name is expected");
        assertThatThrownBy(() -> FhirPath.parse("code.coding.where(system = 'x'")).hasMessageContaining("')' is expected");
        assertThatThrownBy(() -> FhirPath.parse("a.replaceMatches('(', '')")).hasMessageContaining("is not a regular expression");
        assertThatThrownBy(() -> FhirPath.parse("a b")).hasMessageContaining("unexpected 'b'");
    }
}
