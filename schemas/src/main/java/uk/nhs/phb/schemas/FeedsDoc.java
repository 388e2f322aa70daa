package uk.nhs.phb.schemas;

import java.util.Map;
import java.util.stream.Collectors;

/** Renders docs/FEEDS.md from the contracts, so the documentation cannot drift from what ingest checks. */
public final class FeedsDoc {
    private FeedsDoc() {
    }

    public static String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# Landing feeds\n\n")
                .append("Generated from `schemas/src/main/java/uk/nhs/phb/schemas/Feeds.java` by `FeedsDoc`; do not edit by hand ")
                .append("(run `mvn -pl schemas test -Dphb.updateDocs=true` after changing a contract).\n\n")
                .append("Each feed arrives as a folder `landing/<feed>/` of CSV files (UTF-8, comma-delimited, header line with the ")
                .append("field names below in any order, RFC 4180 quoting) or Parquet files. Dates are `yyyy-MM-dd`; booleans `Y`/`N`; ")
                .append("money in pounds with at most two decimals. Identifiers arrive only as keyed tokens (HMAC-SHA256, base64url, ")
                .append("43 characters) and Bloom-filter encodings made by `phb pseudonymise`.\n\n")
                .append("A row that breaks a rule goes to `quarantine/<feed>` with the rule's name: `malformed_row`, ")
                .append("`missing_required`, `bad_type`, `bad_format`, `unknown_code`, `out_of_range`, `future_date` (after the ")
                .append("extract date), `duplicate_record` (record key seen before), or a row rule named below. A coded field ")
                .append("marked \"another value is kept\" does not quarantine its row for an unknown code: the row keeps the named ")
                .append("code and the data-quality summary counts each value so replaced (`recoded`).\n\n");
        md.append("| feed | sender | level | record key |\n|---|---|---|---|\n");
        for (FeedContract f : Feeds.all()) {
            md.append("| [`").append(f.name()).append("`](#").append(f.name()).append(") | ").append(f.sender())
                    .append(" | ").append(f.level().name().toLowerCase()).append(" | ").append(String.join(", ", f.recordKey()))
                    .append(" |\n");
        }
        for (FeedContract f : Feeds.all()) {
            md.append("\n## ").append(f.name()).append("\n\n").append(f.description()).append(" Sent by: ").append(f.sender())
                    .append(".\n\n| field | type | required | rule | description |\n|---|---|---|---|---|\n");
            for (FieldSpec s : f.fields()) {
                md.append("| `").append(s.name()).append("` | ").append(s.type().name().toLowerCase()).append(" | ")
                        .append(s.required() ? "yes" : "no").append(" | ").append(rule(s)).append(" | ")
                        .append(s.description().replace("|", "\\|")).append(" |\n");
            }
            if (!f.rowRules().isEmpty()) {
                md.append("\nRow rules:\n\n");
                for (RowRule r : f.rowRules()) {
                    md.append("- `").append(r.name()).append("`: `").append(r.expression()).append("` (").append(r.meaning()).append(")\n");
                }
            }
        }
        md.append("\n## Code lists\n\nHeld as reference data in `schemas/src/main/resources/uk/nhs/phb/schemas/codes/`.\n");
        Feeds.all().stream().flatMap(f -> f.fields().stream()).map(FieldSpec::codeList).filter(c -> c != null)
                .distinct().sorted().forEach(list -> {
                    Map<String, String> codes = CodeLists.get(list);
                    md.append("\n- `").append(list).append("`: ").append(codes.entrySet().stream()
                            .map(e -> "`" + e.getKey() + "` " + e.getValue()).collect(Collectors.joining("; "))).append("\n");
                });
        return md.toString();
    }

    private static String rule(FieldSpec s) {
        StringBuilder r = new StringBuilder();
        if (s.codeList() != null) {
            r.append("code list `").append(s.codeList()).append("`");
        }
        if (s.pattern() != null) {
            r.append(r.length() > 0 ? "; " : "").append("pattern `").append(s.pattern().replace("|", "\\|")).append("`");
        }
        if (s.min() != null || s.max() != null) {
            r.append(r.length() > 0 ? "; " : "").append(num(s.min())).append(" to ").append(num(s.max()));
        }
        if (s.notFuture()) {
            r.append(r.length() > 0 ? "; " : "").append("not after extract date");
        }
        if (s.unknownAs() != null) {
            r.append("; another value is kept as `").append(s.unknownAs()).append("` and counted");
        }
        if (s.canonical() != null) {
            r.append(r.length() > 0 ? "; " : "").append("stored as `").append(s.canonical().replace("|", "\\|")).append("`");
        }
        if (s.whenAbsent() != null) {
            r.append(r.length() > 0 ? "; " : "").append("may be left out of the header (then `")
                    .append(s.whenAbsent().replace("|", "\\|")).append("`)");
        }
        return r.toString();
    }

    private static String num(Double d) {
        if (d == null) {
            return "any";
        }
        return d == Math.rint(d) ? String.format("%,d", d.longValue()) : d.toString();
    }
}
