package uk.nhs.phb.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportReferenceTest {

    @Test
    void everyRegisterCodeHasExactlyOneReturnCategory() {
        Map<String, String> groups = ReportReference.bySourceCode(ReportReference.eligibilityGroups());
        assertThat(groups.keySet()).containsExactlyInAnyOrderElementsOf(CodeLists.get("phb_group").keySet());
        assertThat(groups.get("END_OF_LIFE")).isEqualTo("OTHER");
        Map<String, String> options = ReportReference.bySourceCode(ReportReference.managementOptions());
        assertThat(options.keySet()).containsExactlyInAnyOrderElementsOf(CodeLists.get("management_option").keySet());
    }

    @Test
    void ageGroupsCoverEveryAgeOnce() {
        for (int age = 0; age <= 120; age++) {
            int a = age;
            assertThat(ReportReference.ageGroups().stream().filter(g -> a >= g.minAge() && a <= g.maxAge()).count()).as("age " + age).isEqualTo(1);
        }
    }

    @Test
    void trajectoryIsReadAndCheckedWithMessagesNamingTheFileAndRow() {
        assertThat(ReportReference.trajectory().get(Quarter.parse("2023-24Q4"))).isEqualTo(320.0);
        Map<Quarter, Double> own = ReportReference.trajectory("own.csv", new StringReader("# mine\nquarter,received_ytd_per_100k\n2025-26Q4,410.5\n"));
        assertThat(own).containsExactly(Map.entry(Quarter.parse("2025-26Q4"), 410.5));
        assertThatThrownBy(() -> ReportReference.trajectory("own.csv", new StringReader("quarter,target\n2025-26Q4,1\n")))
                .hasMessageContaining("own.csv").hasMessageContaining("quarter,received_ytd_per_100k");
        assertThatThrownBy(() -> ReportReference.trajectory("own.csv", new StringReader("quarter,received_ytd_per_100k\n2025Q4,1\n")))
                .hasMessageContaining("own.csv").hasMessageContaining("2025Q4");
        assertThatThrownBy(() -> ReportReference.trajectory("own.csv",
                new StringReader("quarter,received_ytd_per_100k\n2025-26Q4,1\n2025-26Q4,2\n"))).hasMessageContaining("appears twice");
        assertThat(ReportReference.parameter("review_on_time_days")).isEqualTo(28.0);
    }
}
