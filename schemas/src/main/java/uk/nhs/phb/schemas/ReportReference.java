package uk.nhs.phb.schemas;

import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The reference data of the quarterly report, held as CSV resources under {@code reference/report/}: the
 * categories of the PHB return (eligibility groups, management options, age groups) with the register codes each
 * counts, the uptake trajectory, and the local rules of the markers of progress. A changed national template
 * or a new trajectory is a data change.
 */
public final class ReportReference {
    private static final String DIR = "reference/report/";

    private ReportReference() {
    }

    /** One category of a breakdown: its code, its label, and the source codes it counts. */
    public record Category(String code, String label, List<String> sourceCodes) {
    }

    /** An age group: whole years at the quarter end, both ends included. */
    public record AgeGroup(String code, String label, int minAge, int maxAge) {
    }

    /** How a column's figures are shown on a page ({@code report_words.csv}). */
    public enum Kind { COUNT, MONEY, NUMBER, TEXT, CODE, VALUE }

    /** One entry of the report's data dictionary: a column name or a code, its words, and its kind. */
    public record Word(String name, String words, Kind kind) {
    }

    /** The report's data dictionary, by column name or code. */
    public static Map<String, Word> words() {
        String file = DIR + "report_words.csv";
        Map<String, Word> out = new LinkedHashMap<>();
        for (Csv.Row r : Csv.rows(file, open(file), List.of("name", "words", "kind"))) {
            Kind kind;
            try {
                kind = Kind.valueOf(r.get("kind").trim().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(file + " line " + r.line() + ": kind '" + r.get("kind") + "' is none of "
                        + java.util.Arrays.toString(Kind.values()));
            }
            if (out.put(r.get("name"), new Word(r.get("name"), r.get("words"), kind)) != null) {
                throw new IllegalStateException(file + " line " + r.line() + ": '" + r.get("name") + "' appears twice");
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /** Categories of the return by eligibility group, in publication order. */
    public static List<Category> eligibilityGroups() {
        return categories("return_eligibility_groups.csv");
    }

    /** Categories of the return by management option, in publication order. */
    public static List<Category> managementOptions() {
        return categories("return_management_options.csv");
    }

    /** Age groups of the return, in publication order. */
    public static List<AgeGroup> ageGroups() {
        List<AgeGroup> out = new ArrayList<>();
        for (Map<String, String> r : rows(DIR + "return_age_groups.csv", open(DIR + "return_age_groups.csv"))) {
            out.add(new AgeGroup(r.get("category"), r.get("label"), Integer.parseInt(r.get("min_age")), Integer.parseInt(r.get("max_age"))));
        }
        return Collections.unmodifiableList(out);
    }

    /** The built-in uptake trajectory: quarter -> people receiving a PHB in the year to date per 100,000 registered. */
    public static Map<Quarter, Double> trajectory() {
        return trajectory(DIR + "phb_trajectory.csv", open(DIR + "phb_trajectory.csv"));
    }

    /**
     * Parses a trajectory in the built-in format ({@code quarter,received_ytd_per_100k}, {@code #} comments).
     *
     * @param name named in error messages (a file path)
     */
    public static Map<Quarter, Double> trajectory(String name, Reader reader) {
        Map<Quarter, Double> out = new TreeMap<>();
        for (Map<String, String> r : rows(name, reader)) {
            String q = r.get("quarter");
            String v = r.get("received_ytd_per_100k");
            if (q == null || v == null) {
                throw new IllegalArgumentException(name + ": the header must be 'quarter,received_ytd_per_100k'");
            }
            Quarter quarter;
            double value;
            try {
                quarter = Quarter.parse(q);
                value = Double.parseDouble(v);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(name + ": row '" + q + "," + v + "' is not a quarter (YYYY-YYQn) and a number: " + e.getMessage());
            }
            if (!(value >= 0)) {
                throw new IllegalArgumentException(name + ": the target for " + q + " must be a number >= 0, got " + v);
            }
            if (out.put(quarter, value) != null) {
                throw new IllegalArgumentException(name + ": quarter " + q + " appears twice");
            }
        }
        return out;
    }

    /** A named rule of {@code report_parameters.csv}. */
    public static double parameter(String name) {
        for (Map<String, String> r : rows(DIR + "report_parameters.csv", open(DIR + "report_parameters.csv"))) {
            if (r.get("name").equals(name)) {
                return Double.parseDouble(r.get("value"));
            }
        }
        throw new IllegalArgumentException("no report parameter '" + name + "' in " + DIR + "report_parameters.csv");
    }

    /**
     * The category a source code is counted in.
     *
     * @return source code -> category code
     */
    public static Map<String, String> bySourceCode(List<Category> categories) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Category c : categories) {
            for (String s : c.sourceCodes()) {
                if (out.put(s, c.code()) != null) {
                    throw new IllegalStateException("source code " + s + " is in two categories");
                }
            }
        }
        return out;
    }

    private static List<Category> categories(String file) {
        List<Category> out = new ArrayList<>();
        for (Map<String, String> r : rows(DIR + file, open(DIR + file))) {
            out.add(new Category(r.get("category"), r.get("label"), List.of(r.get("register_codes").split("\\|"))));
        }
        return Collections.unmodifiableList(out);
    }

    private static Reader open(String path) {
        InputStream in = ReportReference.class.getResourceAsStream(path);
        if (in == null) {
            throw new IllegalStateException("missing resource " + path);
        }
        return new InputStreamReader(in, StandardCharsets.UTF_8);
    }

    /** Rows of a small CSV with a header ({@link Csv}), as maps from column name to value. */
    static List<Map<String, String>> rows(String name, Reader reader) {
        return Csv.rows(name, reader, List.of()).stream().map(Csv.Row::values).toList();
    }
}
