package uk.nhs.phb.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class QuarterTest {

    @Test
    void financialYearQuartersMapToCalendarMonths() {
        Quarter q4 = Quarter.parse("2025-26Q4");
        assertThat(q4.start()).isEqualTo(LocalDate.of(2026, 1, 1));
        assertThat(q4.end()).isEqualTo(LocalDate.of(2026, 3, 31));
        assertThat(Quarter.parse("2025-26Q1").start()).isEqualTo(LocalDate.of(2025, 4, 1));
        assertThat(Quarter.parse("2025-26Q1").end()).isEqualTo(LocalDate.of(2025, 6, 30));
        assertThat(Quarter.parse("2025-26Q3").end()).isEqualTo(LocalDate.of(2025, 12, 31));
        assertThat(q4.financialYearStart()).isEqualTo(LocalDate.of(2025, 4, 1));
    }

    @Test
    void roundTripsAndSteps() {
        assertThat(Quarter.parse("1999-00Q2").toString()).isEqualTo("1999-00Q2");
        assertThat(Quarter.parse("2025-26Q4").next()).hasToString("2026-27Q1");
        assertThat(Quarter.parse("2025-26Q1").previous()).hasToString("2024-25Q4");
        assertThat(Quarter.containing(LocalDate.of(2026, 2, 14))).hasToString("2025-26Q4");
        assertThat(Quarter.containing(LocalDate.of(2025, 4, 1))).hasToString("2025-26Q1");
        assertThat(Quarter.parse("2024-25Q4")).isLessThan(Quarter.parse("2025-26Q1"));
    }

    @Test
    void rejectsMalformedQuartersWithTheExpectedForm() {
        assertThatThrownBy(() -> Quarter.parse("2025Q4")).hasMessageContaining("YYYY-YYQn");
        assertThatThrownBy(() -> Quarter.parse("2025-27Q1")).hasMessageContaining("write 2025-26");
        assertThatThrownBy(() -> Quarter.parse("2025-26Q5")).hasMessageContaining("YYYY-YYQn");
    }
}
