package uk.nhs.phb.pipelines.synth;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The generator's rows of phb's hospital feeds rewritten as the national extracts an ICB receives from its DSCRO (the
 * layouts its dataset profiles read): SUS+ APCS spells, SUS+ outpatient appointments and ECDS attendances, in the
 * national column names and value forms, with the variety real files have (site codes after the trust code, UDAL
 * date-times beside plain dates, ICD-10 without the dot and with the spell's secondary diagnoses, department types
 * without their leading zero). The person is carried as phb's token in place of the DSCRO pseudonym, as when the DSCRO
 * runs {@code phb pseudonymise}, so these files join the population's other feeds.
 *
 * <p>A row's injected fault survives the rewrite: a damaged value is carried into the column made from it, a line cut
 * short stays short and an unbalanced quote stays unbalanced, so both layouts must quarantine the same rows.
 */
final class NationalLayouts implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final String ISO_DATE = "[0-9]{4}-[0-9]{2}-[0-9]{2}";

    /** One national column: its name, the phb field it is made from (null: none) and how. */
    private record Column(String name, String from, BiFunction<String, Long, String> value) implements Serializable {
    }

    /** One national table: its profile (and landing folder) and its columns in file order. */
    private record Table(String profile, List<Column> columns) implements Serializable {
    }

    /** What phb pseudonymise writes at the council in place of names, date of birth and postcode. */
    static final List<String> ENCODINGS = List.of("name_bloom", "dob_token", "dob_ym_token", "dob_dm_token", "postcode_token",
            "postcode_district_token", "birth_year", "sex");
    /**
     * ASC-CLD values as councils write them, by column then phb's code: the forms of reference/synth/asc_cld_values.csv,
     * one chosen by the row's hash.
     */
    private static final Map<String, Map<String, String[]>> ASC_TEXTS = new java.util.HashMap<>();

    static {
        Map<String, Map<String, List<String>>> forms = new LinkedHashMap<>();
        for (Map<String, String> r : Reference.table(Reference.ROOT + "asc_cld_values.csv")) {
            forms.computeIfAbsent(r.get("column"), k -> new LinkedHashMap<>()).computeIfAbsent(r.get("code"), k -> new ArrayList<>())
                    .add(r.get("text"));
        }
        forms.forEach((column, byCode) -> {
            Map<String, String[]> texts = new java.util.HashMap<>();
            byCode.forEach((code, list) -> texts.put(code, list.toArray(String[]::new)));
            ASC_TEXTS.put(column, texts);
        });
    }

    /** Weekly costs as councils also send them (per fortnight, four weeks, year): each exactly its weekly cost again. */
    private static final String[] WEEKLY_AS = {"Weekly", "Fortnightly", "4-weekly", "Annually"};
    private static final int[] WEEKS_IN = {1, 2, 4, 52};

    private static final Map<String, Table> BY_FEED = new LinkedHashMap<>();

    static {
        BY_FEED.put("apc_spells", new Table("sus_apcs", List.of(
                same("APCS_Ident", "spell_id"),
                same("nhs_token", "nhs_token"),
                new Column("Der_Provider_Code", "provider_code", NationalLayouts::providerSite),
                new Column("Admission_Date", "admission_date", NationalLayouts::udalDate),
                new Column("Discharge_Date", "discharge_date", NationalLayouts::udalDate),
                same("Admission_Method", "admission_method"),
                new Column("Der_Diagnosis_All", "primary_diagnosis", null),
                same("Spell_Core_HRG_SUS", "hrg_code"),
                new Column("Der_Financial_Year", "admission_date", (v, h) -> financialYear(v)),
                same("Grand_Total_Payment_MFF", "cost"))));
        BY_FEED.put("outpatients", new Table("sus_opa", List.of(
                same("OPA_Ident", "appointment_id"),
                same("nhs_token", "nhs_token"),
                new Column("Der_Provider_Code", "provider_code", NationalLayouts::providerSite),
                new Column("Appointment_Date", "appointment_date", NationalLayouts::udalDate),
                same("First_Attendance", "first_attendance"),
                same("Treatment_Function_Code", "treatment_function"),
                same("Attendance_Status", "attendance_status"),
                same("Tariff_Total_Payment", "cost"))));
        BY_FEED.put("ecds", new Table("sus_ecds", List.of(
                same("EC_Ident", "attendance_id"),
                same("nhs_token", "nhs_token"),
                new Column("Der_Provider_Code", "provider_code", NationalLayouts::providerSite),
                new Column("Arrival_Date", "arrival_date", NationalLayouts::udalDate),
                new Column("EC_Department_Type", "department_type",
                        (v, h) -> v != null && v.startsWith("0") && share(h, 3) < 0.3 ? v.substring(1) : v),
                same("SUS_Final_Price", "cost"))));
        List<Column> asc = new ArrayList<>(List.of(
                same("LA_Code", "la_code"),
                same("la_person_token", "la_person_token"),
                same("nhs_token", "nhs_token")));
        for (String encoding : ENCODINGS) {
            asc.add(same(encoding, encoding));
        }
        asc.addAll(List.of(
                new Column("Ethnicity", "ethnicity", (v, h) -> text(ASC_TEXTS.get("Ethnicity"), v, h, 20)),
                new Column("Client_Type", "client_type", (v, h) -> text(ASC_TEXTS.get("Client_Type"), v, h, 21)),
                new Column("Primary_Support_Reason", "primary_support_reason", (v, h) -> text(ASC_TEXTS.get("Primary_Support_Reason"), v, h, 22)),
                same("Event_Type", "event_type"),
                same("Event_Reference", "event_id"),
                new Column("Event_Start_Date", "event_start", NationalLayouts::councilDate),
                new Column("Event_End_Date", "event_end", NationalLayouts::councilDate),
                new Column("Event_Outcome", "event_outcome", (v, h) -> text(ASC_TEXTS.get("Event_Outcome"), v, h, 23)),
                new Column("Service_Type", "service_type", (v, h) -> text(ASC_TEXTS.get("Service_Type"), v, h, 24)),
                new Column("Service_Component", "service_component", (v, h) -> text(ASC_TEXTS.get("Service_Component"), v, h, 25)),
                new Column("Delivery_Mechanism", "delivery_mechanism", (v, h) -> text(ASC_TEXTS.get("Delivery_Mechanism"), v, h, 26)),
                same("Unit_Cost", "unit_cost"),
                same("Cost_Frequency_Unit_Type", "cost_frequency_unit_type"),
                same("Planned_units_per_week", "planned_units_per_week")));
        BY_FEED.put("asc_cld", new Table("asc_client_level_data", asc));
    }

    private final String[] secondaryDiagnoses;
    private final NationalFolds folds;

    private final NationalReturns returns;

    NationalLayouts(Reference reference, Geography geography, java.time.LocalDate windowEnd) {
        secondaryDiagnoses = reference.diagnoses.stream().map(d -> dotless(d.get("icd10"))).distinct().toArray(String[]::new);
        folds = new NationalFolds(reference, windowEnd);
        returns = new NationalReturns(geography, windowEnd);
    }

    /** The phb feeds written in a national layout. */
    static List<String> feeds() {
        List<String> all = new ArrayList<>(BY_FEED.keySet());
        for (var f : uk.nhs.phb.schemas.Feeds.all()) {
            if (!NationalFolds.tablesOf(f.name()).isEmpty() || NationalReturns.tableOf(f.name()) != null) {
                all.add(f.name());
            }
        }
        return all;
    }

    /**
     * The national tables a feed is written as, in file order (a table is named by its landing folder, then
     * {@code /} and its file name's stem when the folder holds several tables); empty when it keeps phb's layout.
     */
    static List<String> tablesOf(String feed) {
        Table t = BY_FEED.get(feed);
        if (t != null) {
            return List.of(t.profile());
        }
        if (feed.equals("csc")) {
            // rows sent with damage neither return can carry stay in phb's layout
            return List.of("csc", NationalReturns.CIN_CENSUS, NationalReturns.SSDA903_EPISODES, NationalReturns.SSDA903_HEADER);
        }
        if (NationalReturns.tableOf(feed) != null) {
            return List.of(NationalReturns.tableOf(feed));
        }
        return NationalFolds.tablesOf(feed).stream().map(NationalFolds.Table::name).toList();
    }

    /** Columns of a national table (none for an XML return, whose records name their own elements), or null when {@code table} is not one. */
    static List<String> columns(String table) {
        if (NationalReturns.isReturn(table)) {
            List<String> csv = NationalReturns.csvColumns(table);
            return csv == null ? List.of() : csv;
        }
        for (Table t : BY_FEED.values()) {
            if (t.profile().equals(table)) {
                return t.columns().stream().map(Column::name).toList();
            }
        }
        NationalFolds.Table folded = NationalFolds.table(table);
        return folded == null ? null : folded.columns();
    }

    /**
     * Where a file of {@code table} goes under the landing folder: {@code <table>/<part>}, or for a table that shares
     * its folder, {@code <folder>/<stem>-<part>} (profiles tell a folder's tables apart by their files' names).
     */
    static String file(String table, String part) {
        NationalFolds.Table folded = NationalFolds.table(table);
        return folded == null || folded.stem() == null ? table + "/" + part : folded.folder() + "/" + folded.stem() + "-" + part;
    }

    /** One person's tagged rows in the national layouts: rows of feeds without one as they are. */
    List<Row> rewrite(List<Row> person) {
        NationalFolds.Person context = context(person);
        List<Row> out = new ArrayList<>(person.size() + 16);
        List<Row> children = new ArrayList<>();
        for (Row r : person) {
            String table = r.getString(0);
            if (table.equals("csc")) {
                children.add(r);
            } else if (BY_FEED.containsKey(table)) {
                out.add(rewrite(r));
            } else if (!NationalFolds.tablesOf(table).isEmpty()) {
                folds.write(context, r, out);
            } else if (NationalReturns.tableOf(table) != null) {
                returns.write(context, r, out);
            } else {
                out.add(r);
                if (table.equals("patients") && !r.getBoolean(2)) {
                    registration(context, r, out);
                }
            }
        }
        if (!children.isEmpty()) {
            returns.writeChildren(context, children, out);
        }
        return out;
    }

    /** Who the rows are of: the person's hash, birth year and practice, and which of their rows carry a fault. */
    private static NationalFolds.Person context(List<Row> person) {
        Map<String, String> faults = new java.util.HashMap<>();
        String id = null;
        Integer birthYear = null;
        String practice = null;
        for (Row r : person) {
            String table = r.getString(0);
            List<String> v = r.get(1) instanceof String[] a ? Arrays.asList(a) : r.getList(1);
            if (table.equals(SyntheticPopulation.TRUTH_FAULTS)) {
                faults.putIfAbsent(v.get(0) + "|" + v.get(2), v.get(1));
            } else if (table.equals(SyntheticPopulation.TRUTH_PERSONS)) {
                id = v.get(0);
                birthYear = v.get(2) == null ? null : Integer.valueOf(v.get(2));
            } else if (table.equals("patients") && practice == null && !r.getBoolean(2)) {
                practice = v.get(Emitter.layout("patients").at("practice_code"));
            }
        }
        long hash = Rng.mix(id == null ? 0 : id.hashCode() * 0x9E3779B97F4A7C15L);
        return new NationalFolds.Person(hash, birthYear, practice, faults);
    }

    /** The checks a practice records when a person registers, for a registration sent undamaged. */
    private void registration(NationalFolds.Person person, Row patient, List<Row> out) {
        Emitter.Layout l = Emitter.layout("patients");
        String[] v = patient.get(1) instanceof String[] a ? a : patient.getList(1).toArray(String[]::new);
        String token = v[l.at("nhs_token")];
        String from = v[l.at("registered_from")];
        if (person.fault("patients", v[l.keyIndex]) != null || token == null || from == null || !from.matches(ISO_DATE)) {
            return;
        }
        boolean adult = person.birthYear() != null && Integer.parseInt(from.substring(0, 4)) - person.birthYear() >= 18;
        folds.registrationEvents(person, token, from, adult, out);
    }

    /** The tagged row in its national layout; a row of any other table as it is. */
    Row rewrite(Row tagged) {
        Table t = BY_FEED.get(tagged.getString(0));
        if (t == null) {
            return tagged;
        }
        NationalFolds.Sent sent = NationalFolds.Sent.of(tagged);
        Emitter.Layout layout = sent.layout();
        String[] values = sent.values();
        boolean raw = sent.raw();
        int quoted = sent.quoted();
        String key = sent.key();
        long hash = Rng.mix(key == null ? 0 : key.hashCode() * 0x9E3779B97F4A7C15L);
        String[] out = new String[t.columns().size()];
        for (int c = 0; c < out.length; c++) {
            Column col = t.columns().get(c);
            String v = col.from() == null ? null : values[layout.at(col.from())];
            out[c] = col.value() == null ? diagnoses(v, hash) : col.value().apply(v, hash);
            if (quoted >= 0 && col.from() != null && layout.at(col.from()) == quoted && out[c] != null) {
                out[c] = "\"" + out[c];
                quoted = -2;
            }
        }
        if (t.profile().equals("asc_client_level_data")) {
            costFrequency(t.columns(), out, hash);
        }
        if (raw) {
            // a raw line is written as it is: quote what needs it here, so only the injected damage breaks the line
            for (int c = 0; c < out.length; c++) {
                if (out[c] != null && out[c].indexOf(',') >= 0) {
                    out[c] = '"' + out[c].replace("\"", "\"\"") + '"';
                }
            }
            if (sent.cut()) {
                out = Arrays.copyOf(out, out.length - 1);
            }
        }
        return RowFactory.create(t.profile(), out, raw);
    }

    /** A code's text, one of its forms chosen by the row's hash; a value that is no code (a damaged one) as it is. */
    private static String text(Map<String, String[]> texts, String code, long hash, int salt) {
        String[] forms = code == null ? null : texts.get(code);
        return forms == null ? code : forms[(int) (share(hash, salt) * forms.length)];
    }

    /** A date as councils' systems write it: mostly {@code dd/MM/yyyy} (the Release 1 guidance), some ISO. */
    private static String councilDate(String date, long hash) {
        if (date == null || !date.matches(ISO_DATE) || share(hash, 27) < 0.25) {
            return date;
        }
        return date.substring(8, 10) + "/" + date.substring(5, 7) + "/" + date.substring(0, 4);
    }

    /**
     * A weekly cost sent per week, fortnight, four weeks or year, which the profile makes weekly again to the penny; a
     * cost per hour, a one-off or a damaged value as it is.
     */
    private static void costFrequency(List<Column> columns, String[] out, long hash) {
        int cost = indexOf(columns, "Unit_Cost");
        int unit = indexOf(columns, "Cost_Frequency_Unit_Type");
        if (unit >= out.length || !"Weekly".equals(out[unit]) || out[cost] == null || !out[cost].matches("-?[0-9]+\\.[0-9]{2}")) {
            return;
        }
        int form = (int) (share(hash, 28) * WEEKLY_AS.length);
        out[unit] = WEEKLY_AS[form];
        out[cost] = new java.math.BigDecimal(out[cost]).multiply(java.math.BigDecimal.valueOf(WEEKS_IN[form])).toPlainString();
    }

    private static int indexOf(List<Column> columns, String name) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equals(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException(name);
    }

    private static Column same(String name, String from) {
        return new Column(name, from, (v, h) -> v);
    }

    /** A number in [0, 1) from the row's hash and a salt, so each choice is independent and reproducible. */
    private static double share(long hash, int salt) {
        return (Rng.mix(hash + salt * 0x632BE59BD9B4E5D9L) >>> 11) * 0x1.0p-53;
    }

    /** The trust code, or a site of it (three characters and two digits), as SUS records the provider. */
    private static String providerSite(String provider, long hash) {
        if (provider == null || share(hash, 1) >= 0.35) {
            return provider;
        }
        return provider + String.format("%02d", 1 + (int) (share(hash, 2) * 12));
    }

    /** A date as a UDAL view may give it: plain, or as a date-time at midnight. Other text is left as it is. */
    private static String udalDate(String date, long hash) {
        if (date == null || !date.matches(ISO_DATE) || share(hash, 4) >= 0.4) {
            return date;
        }
        return date + (share(hash, 5) < 0.5 ? " 00:00:00" : " 00:00:00.000");
    }

    private static String financialYear(String date) {
        if (date == null || !date.matches(ISO_DATE)) {
            return null;
        }
        int y = Integer.parseInt(date.substring(0, 4));
        int fy = Integer.parseInt(date.substring(5, 7)) < 4 ? y - 1 : y;
        return fy + "/" + String.format("%02d", (fy + 1) % 100);
    }

    /**
     * {@code Der_Diagnosis_All}: the primary diagnosis without its dot, then up to three secondary codes; a spell of
     * more than one episode has {@code ||} before each episode's codes.
     */
    private String diagnoses(String primary, long hash) {
        if (primary == null) {
            return null;
        }
        List<String> codes = new ArrayList<>();
        codes.add(dotless(primary));
        int secondary = (int) (share(hash, 6) * 4);
        for (int i = 0; i < secondary; i++) {
            codes.add(secondaryDiagnoses[(int) (share(hash, 10 + i) * secondaryDiagnoses.length)]);
        }
        StringBuilder sb = new StringBuilder("||").append(String.join(",", codes));
        if (share(hash, 7) < 0.2) {
            sb.append("||").append(secondaryDiagnoses[(int) (share(hash, 8) * secondaryDiagnoses.length)]);
        }
        return sb.toString();
    }

    /** ICD-10 as commissioning data sets write it: no dot, a three-character code filled with X. */
    static String dotless(String icd10) {
        String s = icd10.replace(".", "");
        return s.matches("[A-Z][0-9]{2}") ? s + "X" : s;
    }
}
