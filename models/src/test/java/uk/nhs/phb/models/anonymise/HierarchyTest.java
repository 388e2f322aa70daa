package uk.nhs.phb.models.anonymise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HierarchyTest {
    @Test
    void csvWithSemicolonsOrCommas(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("area.csv");
        Files.writeString(f, "\uFEFFE01;E02001;Leeds;*\n\n# comment\nE02;E02001;Leeds;*\nE03;E02002;Bradford;*\n");
        Hierarchy semi = Hierarchy.fromCsv("area", f);
        assertThat(semi.maxLevel()).isEqualTo(3);
        assertThat(semi.levels("E03")).containsExactly("E03", "E02002", "Bradford", "*");
        Hierarchy comma = Hierarchy.fromCsv("sex", new StringReader("F,\"Female\",*\nM,Male,*\n"), "sex.csv");
        assertThat(comma.levels("F")).containsExactly("F", "Female", "*");
        assertThat(comma.generalise(null, 1)).isNull();
        assertThat(comma.generalise(null, 2)).isEqualTo("*");
    }

    @Test
    void csvErrorsNameTheFileLineColumnAndValue() {
        assertThatThrownBy(() -> Hierarchy.fromCsv("area", new StringReader("E01;E02001;*\nE02;*\n"), "area.csv"))
                .hasMessage("hierarchy area.csv for column 'area': line 2 has 2 columns but line 1 has 3; every row needs one column per level (delimiter ';')");
        assertThatThrownBy(() -> Hierarchy.fromCsv("area", new StringReader("E01;*\nE01;*\n"), "area.csv"))
                .hasMessageContaining("value 'E01' is listed twice (again on line 2)");
        assertThatThrownBy(() -> Hierarchy.fromCsv("area", new StringReader("\n"), "area.csv")).hasMessageContaining("has no rows");
        Hierarchy h = Hierarchy.fromCsv("area", new StringReader("E01;*\n"), "area.csv");
        assertThatThrownBy(() -> h.generalise("E09", 0))
                .hasMessage("column 'area': value 'E09' is not in the hierarchy area.csv; add a row for it");
    }

    @Test
    void engineRejectsUnknownValuesAndHierarchiesThatDoNotNest() {
        FrequencySet fs = FrequencySet.builder(List.of("area", "age"), List.of())
                .add(new String[] {"E01", "37"}, 3).add(new String[] {"E09", "x"}, 1).add(new String[] {"E08", "40"}, 1).build();
        Hierarchy area = Hierarchy.fromCsv("area", new StringReader("E01;*\n"), "area.csv");
        assertThatThrownBy(() -> Anonymise.frequencySet(fs).hierarchy(area).hierarchy(Hierarchy.age("age"))
                .model(new PrivacyModel.KAnonymity(2)).execute())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("column 'area': value 'E09' is not in the hierarchy area.csv; add a row for it (and 1 more invalid values in this column)")
                .hasMessageContaining("column 'age': value 'x' is not an age in whole years");
        FrequencySet two = FrequencySet.builder(List.of("area"), List.of()).add(new String[] {"E01"}, 3)
                .add(new String[] {"E02"}, 3).build();
        Hierarchy crossed = Hierarchy.fromCsv("area", new StringReader("E01;L;A;*\nE02;L;B;*\n"), "area.csv");
        assertThatThrownBy(() -> Anonymise.frequencySet(two).hierarchy(crossed).model(new PrivacyModel.KAnonymity(2)).execute())
                .hasMessageContaining("column 'area': 'L' at level 1 generalises to both 'A' (value 'E01') and 'B' (value 'E02') at level 2");
    }

    @Test
    void fiveYearAgeBandsAsFeaturesWriteThemAndSexCodes() {
        Hierarchy band = Hierarchy.ageBand("age_band");
        assertThat(band.levels("35-39")).containsExactly("35-39", "30-39", "20-39", "*");
        assertThat(band.levels("0-4")).containsExactly("0-4", "0-9", "0-19", "*");
        assertThat(band.levels("85-89")).containsExactly("85-89", "80-89", "80+", "*");
        assertThat(band.levels("90+")).containsExactly("90+", "90+", "80+", "*");
        assertThat(band.levels("unknown")).containsExactly("unknown", "unknown", "unknown", "*");
        assertThatThrownBy(() -> band.generalise("35-40", 1)).hasMessageContaining("'35-40' is not a five-year age band");
        assertThatThrownBy(() -> band.generalise("37", 0)).hasMessageContaining("'37' is not a five-year age band");
        Hierarchy sex = Hierarchy.sex("sex");
        assertThat(sex.levels("2")).containsExactly("2", "*");
        assertThatThrownBy(() -> sex.generalise("F", 0)).hasMessageContaining("'F' is not in the code list 'sex' [0, 1, 2, 9]");
        // both nest, so the engine accepts them
        FrequencySet fs = FrequencySet.builder(List.of("age_band", "sex"), List.of()).add(new String[] {"85-89", "1"}, 3)
                .add(new String[] {"90+", "2"}, 3).add(new String[] {"80-84", "1"}, 3).build();
        AnonymiseResult r = Anonymise.frequencySet(fs).hierarchy(band).hierarchy(sex).model(new PrivacyModel.KAnonymity(3)).execute();
        assertThat(r.suppressedRecords()).isZero();
    }

    @Test
    void ageBands() {
        Hierarchy age = Hierarchy.age("age");
        assertThat(age.levels("37")).containsExactly("37", "35-39", "30-39", "20-39", "*");
        assertThat(age.levels("0")).containsExactly("0", "0-4", "0-9", "0-19", "*");
        assertThat(age.levels("103")).containsExactly("103", "100-104", "100-109", "100-119", "*");
        assertThatThrownBy(() -> age.generalise("-1", 1)).hasMessage("column 'age': value '-1' is not an age in whole years (negative)");
        assertThatThrownBy(() -> age.generalise("37.5", 0)).hasMessage("column 'age': value '37.5' is not an age in whole years");
    }

    @Test
    void datesByMonthFinancialQuarterAndYear() {
        Hierarchy d = Hierarchy.date("admitted");
        assertThat(d.levels("2025-05-14")).containsExactly("2025-05-14", "2025-05", "2025-26Q1", "2025", "*");
        assertThat(d.levels("2026-02-01")).containsExactly("2026-02-01", "2026-02", "2025-26Q4", "2026", "*");
        assertThat(d.levels("2025-12-31")).containsExactly("2025-12-31", "2025-12", "2025-26Q3", "2025", "*");
        assertThatThrownBy(() -> d.generalise("14/05/2025", 1)).hasMessage("column 'admitted': value '14/05/2025' is not a date of the form yyyy-MM-dd");
    }

    @Test
    void imdEthnicityAndPractice() {
        Hierarchy imd = Hierarchy.imdDecile("imd");
        assertThat(imd.levels("3")).containsExactly("3", "quintile 2", "*");
        assertThat(imd.levels("10")).containsExactly("10", "quintile 5", "*");
        assertThatThrownBy(() -> imd.generalise("11", 0)).hasMessage("column 'imd': value '11' is not an IMD decile (1-10)");
        Hierarchy eth = Hierarchy.ethnicity("ethnicity");
        assertThat(eth.levels("A")).containsExactly("A", "White", "*");
        assertThat(eth.levels("G")).containsExactly("G", "Mixed", "*");
        assertThat(eth.levels("L")).containsExactly("L", "Asian", "*");
        assertThat(eth.levels("N")).containsExactly("N", "Black", "*");
        assertThat(eth.levels("R")).containsExactly("R", "Other", "*");
        assertThat(eth.levels("Z")).containsExactly("Z", "Not stated", "*");
        assertThatThrownBy(() -> eth.generalise("Q", 1)).hasMessageStartingWith("column 'ethnicity': value 'Q' is not an NHS ethnic category code (A, B,");
        Hierarchy gp = Hierarchy.practice("practice", Map.of("B86001", "U1", "B86002", "U1", "B82001", "U2"),
                Map.of("U1", "15F", "U2", "42D"));
        assertThat(gp.levels("B86002")).containsExactly("B86002", "U1", "15F", "*");
        assertThat(gp.levels("B82001")).containsExactly("B82001", "U2", "42D", "*");
        assertThatThrownBy(() -> gp.generalise("Y00001", 2)).hasMessage(
                "column 'practice': value 'Y00001' is not in the practice-to-PCN mapping; add the practice to the mapping");
        assertThatThrownBy(() -> Hierarchy.practice("practice", Map.of("B86001", "U1"), Map.of()))
                .hasMessage("column 'practice': PCN(s) [U1] have practices but no Sub-ICB in the PCN-to-Sub-ICB mapping");
    }
}
