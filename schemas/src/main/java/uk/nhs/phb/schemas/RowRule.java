package uk.nhs.phb.schemas;

/**
 * A check across fields of one row, written as a Spark SQL boolean expression over the typed columns.
 * A row breaks the rule when the expression is {@code false}; {@code null} (a field absent) passes,
 * because absence is the field rules' business.
 *
 * @param name       the rule id recorded in quarantine, e.g. {@code end_before_start}
 * @param expression Spark SQL, e.g. {@code discharge_date >= admission_date}
 * @param meaning    what a breaking row means and what the sender should fix
 */
public record RowRule(String name, String expression, String meaning) {
}
