package uk.nhs.phb.pipelines.synth;

import java.io.Serializable;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import uk.nhs.phb.schemas.profiles.CodeMaps;

/**
 * The generator's GP conditions, prescriptions, community and mental health contacts and continuing care rows written
 * as the national extracts their profiles read, where one row of phb's layout is several rows, in one or several tables:
 * <ul>
 *   <li>{@code gp_conditions} as GP coded events (GDPPR journal): each condition as an event whose SNOMED CT concept is in
 *       its cluster, sometimes with a second concept of the cluster the same day, and the health checks recorded at
 *       registration (concepts in no cluster, set aside on ingest, as most of a GP record is);</li>
 *   <li>{@code prescriptions} as NHSBSA items: a person's month as one row per medicine (BNF chemical substance), the
 *       items and the cost split across them to the penny;</li>
 *   <li>{@code community} as CSDS: the person (CYP001), the referral to a team (CYP102) and the care contact (CYP201);</li>
 *   <li>{@code mental_health} as MHSDS: the person (MHS001), referrals (MHS102) and care contacts (MHS201), hospital
 *       spells (MHS501) and Mental Health Act legal status periods (MHS401);</li>
 *   <li>{@code chc} as the CHC Patient Level Data Set: the person (MPI), the referral and its outcome, the care package.</li>
 * </ul>
 * Contacts and spells carry no cost, as the national sets do: ingest prices them from the national price list, at the
 * prices the generator costs them at. The person is carried as phb's token in place of the DSCRO pseudonym; each data
 * set's own person id is made from it, so it never repeats the token.
 *
 * <p>Injected faults survive where the national layout can carry them (a damaged value in the column made from it, a
 * line cut short or with an unbalanced quote). Three cannot be: a bad cost on a contact, spell or detention (the
 * national sets carry no cost to damage), an unknown mental health event type (the table is the type) and an unknown route of a child's
 * continuing care (the profile reads a child's referral by age). Those rows are left out of the national files, so
 * the lake holds the same rows either way; their faults stay in {@code _truth/faults}.
 */
final class NationalFolds implements Serializable {
    private static final long serialVersionUID = 1L;

    /** One national table: the landing folder its profile reads, its file name stem (null: the folder's only table), columns. */
    record Table(String folder, String stem, List<String> columns) implements Serializable {
        String name() {
            return stem == null ? folder : folder + "/" + stem;
        }
    }

    private static final Map<String, List<Table>> BY_FEED = new LinkedHashMap<>();
    private static final Map<String, Table> BY_NAME = new HashMap<>();
    static final Table GP_EVENTS = new Table("gp_events", null, List.of("nhs_token", "PRACTICE", "DATE", "RECORD_DATE", "CODE"));
    static final Table ITEMS = new Table("nhsbsa_items", null,
            List.of("nhs_token", "ProcessingPeriodDate", "PaidBNFCode", "ItemCount", "ItemNIC"));
    static final Table CSDS_MPI = new Table("csds", "CYP001MPI", List.of("Person_ID", "nhs_token"));
    static final Table CSDS_REFERRAL = new Table("csds", "CYP102ServiceTypeReferredTo", List.of("ServiceRequestID", "Person_ID", "TeamType"));
    static final Table CSDS_CONTACT = new Table("csds", "CYP201CareContact",
            List.of("CareContactID", "Person_ID", "ServiceRequestID", "Contact_Date", "AttendanceStatus"));
    static final Table MHSDS_MPI = new Table("mhsds", "MHS001MPI", List.of("Person_ID", "nhs_token"));
    static final Table MHSDS_REFERRAL = new Table("mhsds", "MHS102ServiceTypeReferredTo",
            List.of("UniqServReqID", "Person_ID", "ServTeamTypeRefToMH", "ServTeamIntAgeGroup"));
    static final Table MHSDS_CONTACT = new Table("mhsds", "MHS201CareContact",
            List.of("UniqCareContID", "Person_ID", "UniqServReqID", "CareContDate", "AttendStatus"));
    static final Table MHSDS_MHA = new Table("mhsds", "MHS401MHActPeriod", List.of("UniqMHActEpisodeID", "Person_ID", "LegalStatusCode",
            "StartDateMHActLegalStatusClass", "EndDateMHActLegalStatusClass", "UniqMonthID"));
    static final Table MHSDS_SPELL = new Table("mhsds", "MHS501HospProvSpell",
            List.of("UniqHospProvSpellID", "Person_ID", "StartDateHospProvSpell", "DischDateHospProvSpell", "UniqMonthID"));
    static final Table CHC_MPI = new Table("chc_plds", "CHC001MPI", List.of("LocalPatientId", "nhs_token", "AgeRepPeriodEndYears"));
    static final Table CHC_REFERRAL = new Table("chc_plds", "CHC101ReferralAssessmentOutcome", List.of("ServiceRequestId", "LocalPatientId",
            "ActivityTypeCHC", "ReferralRequestReceivedDateCHC", "CommEligibilityDecisionDateStandardCHC",
            "CommEligibilityDecisionOutcomeStandardCHC", "RefAcceptedDateFastTrack", "PatientLocationCHCChecklist"));
    static final Table CHC_PACKAGE = new Table("chc_plds", "CHC102CarePackage", List.of("StartDateCarePackage", "ServiceRequestId",
            "EndDateCarePackage", "ContractUnitCost", "ContractUnitFrequency", "CommissionedWeeklyHoursOfCare"));

    /**
     * The national data opt-out list as the DSCRO passes it on: the NHS numbers the national check did not clear, through
     * phb pseudonymise (a header naming the token, then one token a line).
     */
    static final Table NDOP_OPTED_OUT = new Table("ndop_opted_out", null, List.of("nhs_token"));
    /** The type 1 objection's SNOMED CT concept, as GP records code it (profile gp_type1_opt_outs). */
    static final String TYPE1_CONCEPT = "827241000000103";

    static {
        BY_FEED.put("gp_conditions", List.of(GP_EVENTS));
        BY_FEED.put("prescriptions", List.of(ITEMS));
        BY_FEED.put("community", List.of(CSDS_MPI, CSDS_REFERRAL, CSDS_CONTACT));
        BY_FEED.put("mental_health", List.of(MHSDS_MPI, MHSDS_REFERRAL, MHSDS_CONTACT, MHSDS_MHA, MHSDS_SPELL));
        BY_FEED.put("chc", List.of(CHC_MPI, CHC_REFERRAL, CHC_PACKAGE));
        BY_FEED.put("opt_outs", List.of(NDOP_OPTED_OUT, GP_EVENTS));
        BY_FEED.values().forEach(ts -> ts.forEach(t -> BY_NAME.put(t.name(), t)));
    }

    /**
     * CSDS team types (Service or Team Type Referred To (Community Care)) of phb's community services, as the csds_contacts
     * profile reads them back; a service the profile keeps as OTHER has no code here and is sent as its own name.
     */
    private static final Map<String, String[]> CSDS_TEAMS = Map.of("DISTRICT_NURSING", new String[] {"12"},
            "COMMUNITY_MATRON", new String[] {"19"}, "OCCUPATIONAL_THERAPY", new String[] {"23"}, "PHYSIOTHERAPY", new String[] {"26"},
            "PODIATRY", new String[] {"27"}, "SALT", new String[] {"33"}, "CHILDRENS_COMMUNITY", new String[] {"38"},
            "PALLIATIVE", new String[] {"14", "47"}, "WHEELCHAIR_SERVICE", new String[] {"50"},
            "INTERMEDIATE_CARE", new String[] {"51", "52", "53", "54"});
    /** MHSDS team types (Service or Team Type Referred To (Mental Health)), as the mhsds_contacts profile reads them back. */
    private static final Map<String, String[]> MHSDS_TEAMS = Map.of("CMHT", new String[] {"A06", "A07"},
            "CRISIS", new String[] {"A02", "A19"}, "EIP", new String[] {"A14"}, "TALKING_THERAPIES", new String[] {"A12", "A13"},
            "MEMORY", new String[] {"A17", "A15"}, "LD_TEAM", new String[] {"E01", "E04"}, "CAMHS", new String[] {"A06", "C01", "C10"});
    /** Mental Health Act legal status classification codes of phb's sections, as the mhsds_mha profile reads them back. */
    private static final Map<String, String> LEGAL_STATUS = Map.ofEntries(Map.entry("2", "02"), Map.entry("3", "03"),
            Map.entry("4", "04"), Map.entry("5", "05"), Map.entry("35", "07"), Map.entry("36", "08"), Map.entry("37", "10"),
            Map.entry("38", "12"), Map.entry("44", "13"), Map.entry("46", "14"), Map.entry("47", "15"), Map.entry("48", "17"),
            Map.entry("135", "19"), Map.entry("136", "20"), Map.entry("OTHER", "31"), Map.entry("45A", "37"));
    private static final Map<String, String> CHC_ROUTE = Map.of("STANDARD", "01", "FAST_TRACK", "02", "CHILDREN", "01");
    private static final Map<String, String> CHC_LOCATION = Map.of("HOME", "01", "NURSING_HOME", "05", "CARE_HOME", "06", "HOSPICE", "07");

    private final Map<String, String[]> conceptsByCondition;
    private final String[] otherConcepts;
    private final String[] childConcepts;
    private final String[] medicines;
    private final java.time.LocalDate windowEnd;

    NationalFolds(Reference ref, java.time.LocalDate windowEnd) {
        this.windowEnd = windowEnd;
        Map<String, Set<String>> conditionsOf = new HashMap<>();
        for (List<String> r : CodeMaps.shipped("gp_clusters").rows()) {
            conditionsOf.computeIfAbsent(r.get(0), k -> new HashSet<>()).add(r.get(1));
        }
        // concepts in exactly one cluster, so an event means one condition; sorted, so every run picks the same
        Map<String, List<String>> byCondition = new TreeMap<>();
        conditionsOf.forEach((concept, conds) -> {
            if (conds.size() == 1) {
                byCondition.computeIfAbsent(conds.iterator().next(), k -> new ArrayList<>()).add(concept);
            }
        });
        conceptsByCondition = new HashMap<>();
        byCondition.forEach((c, list) -> conceptsByCondition.put(c, list.stream().sorted().toArray(String[]::new)));
        otherConcepts = ref.gpRoutineConcepts.stream().map(r -> r.get("concept_id")).filter(c -> !conditionsOf.containsKey(c))
                .toArray(String[]::new);
        childConcepts = ref.gpRoutineConcepts.stream().filter(r -> r.get("adult").equals("0")).map(r -> r.get("concept_id"))
                .filter(c -> !conditionsOf.containsKey(c)).toArray(String[]::new);
        if (otherConcepts.length == 0 || childConcepts.length == 0) {
            throw new IllegalStateException("gp_routine_concepts.csv: every concept is in a cluster of gp_clusters");
        }
        medicines = ref.bnfMedicines.stream().map(r -> r.get("bnf_code")).toArray(String[]::new);
    }

    static List<Table> tablesOf(String feed) {
        return BY_FEED.getOrDefault(feed, List.of());
    }

    static Table table(String name) {
        return BY_NAME.get(name);
    }

    /** One person's state while their rows are rewritten: their data sets' own ids, made once each. */
    static final class Person {
        final long hash;
        private final Integer birthYear;
        final String practice;
        final Map<String, String> faults;
        final Set<String> written = new HashSet<>();

        Person(long hash, Integer birthYear, String practice, Map<String, String> faults) {
            this.hash = hash;
            this.birthYear = birthYear;
            this.practice = practice;
            this.faults = faults;
        }

        Integer birthYear() {
            return birthYear;
        }

        String fault(String feed, String key) {
            return key == null ? null : faults.get(feed + "|" + key);
        }

        /** A data set's own id for this person (and the token they are sent with), never the token itself. */
        String localId(String dataset, String token) {
            long h = Rng.mix(hash ^ Rng.mix((dataset + "|" + token).hashCode() * 0x9E3779B97F4A7C15L));
            return dataset.toUpperCase(java.util.Locale.ROOT) + Emitter.base32(h);
        }

        /** True the first time {@code id} is asked for: a person's or a referral's row is written once. */
        boolean first(String id) {
            return written.add(id);
        }
    }

    /** A row of phb's layout as sent: its values by field, whether it is a raw line and where its damage is. */
    record Sent(String feed, String[] values, boolean raw, int quoted, boolean cut, Emitter.Layout layout) {
        static Sent of(Row tagged) {
            String feed = tagged.getString(0);
            Emitter.Layout layout = Emitter.layout(feed);
            // the simulator's rows hold a String[]; rows read back from a Dataset, a Seq
            List<String> sent = tagged.get(1) instanceof String[] a ? Arrays.asList(a) : tagged.getList(1);
            boolean raw = tagged.getBoolean(2);
            String[] values = new String[layout.fields.length];
            int quoted = -1;
            for (int i = 0; i < sent.size(); i++) {
                String v = sent.get(i);
                if (raw && v != null && v.startsWith("\"")) {
                    quoted = i;
                    v = v.substring(1);
                }
                values[i] = v;
            }
            return new Sent(feed, values, raw, quoted, raw && sent.size() < layout.fields.length, layout);
        }

        String get(String field) {
            return values[layout.at(field)];
        }

        /** A field the generator may leave out of phb's layout (then null). */
        String optional(String field) {
            Integer at = layout.position.get(field);
            return at == null ? null : values[at];
        }

        String key() {
            return values[layout.keyIndex];
        }

        boolean quotedIs(String field) {
            return quoted >= 0 && quoted == layout.at(field);
        }
    }

    /** Writes one row of phb's layout of {@code feed} as its national rows into {@code out}. */
    void write(Person person, Row tagged, List<Row> out) {
        Sent s = Sent.of(tagged);
        switch (s.feed()) {
            case "gp_conditions" -> gpEvents(person, s, out);
            case "prescriptions" -> items(person, s, out);
            case "community" -> csds(person, s, out);
            case "mental_health" -> mhsds(person, s, out);
            case "chc" -> chc(person, s, out);
            case "opt_outs" -> optOuts(person, s, out);
            default -> throw new IllegalArgumentException("no national layout folds " + s.feed());
        }
    }

    /** The checks a GP records when a person registers: concepts in no cluster, set aside on ingest. */
    void registrationEvents(Person person, String token, String date, boolean adult, List<Row> out) {
        String[] pool = adult ? otherConcepts : childConcepts;
        int n = adult ? 3 : 1;
        long h = Rng.mix(person.hash ^ date.hashCode());
        for (int i = 0; i < n; i++) {
            out.add(row(GP_EVENTS, token, person.practice, date, date, pool[(int) (share(h, 40 + i) * pool.length)]));
        }
    }

    private void gpEvents(Person person, Sent s, List<Row> out) {
        String condition = s.get("condition_code");
        long h = hash(s.key());
        String[] pool = condition == null ? null : conceptsByCondition.get(condition);
        // an unknown condition arrives as a concept in no cluster, which ingest sets aside
        String concept = condition == null ? null : pool != null ? pool[(int) (share(h, 1) * pool.length)]
                : otherConcepts[(int) (share(h, 2) * otherConcepts.length)];
        String date = s.get("recorded_date");
        String[] cells = {s.get("nhs_token"), person.practice, date, date, concept};
        out.add(damaged(GP_EVENTS, cells, s, s.quotedIs("condition_code") ? 4 : 0));
        if (person.fault(s.feed(), s.key()) == null && pool != null && pool.length > 1 && share(h, 3) < 0.25) {
            // a second concept of the same cluster on the same day (a diagnosis and its review, say): one condition still
            out.add(row(GP_EVENTS, s.get("nhs_token"), person.practice, date, date, pool[(int) (share(h, 4) * pool.length)]));
        }
    }

    /**
     * A national data opt-out as a line of the DSCRO's list; a type 1 opt-out as the objection's coded event in the GP
     * record, on the day it was recorded. A list line carries nothing but the number, so a national opt-out sent damaged
     * (a broken line, an unknown type, no number) has no national form and is left out; so is an opt-out of unknown type.
     */
    private void optOuts(Person person, Sent s, List<Row> out) {
        String fault = person.fault(s.feed(), s.key());
        String token = s.get("nhs_token");
        String type = s.get("opt_out_type");
        if ("NDOO".equals(type)) {
            if (!s.raw() && token != null && (fault == null || fault.equals("duplicate_record"))) {
                out.add(row(NDOP_OPTED_OUT, token));
            }
        } else if ("TYPE1".equals(type)) {
            String date = s.get("recorded_date");
            out.add(damaged(GP_EVENTS, new String[] {token, person.practice, date, date, TYPE1_CONCEPT}, s, 0));
        }
    }

    private void items(Person person, Sent s, List<Row> out) {
        String fault = person.fault(s.feed(), s.key());
        if ("duplicate_record".equals(fault) && !person.first("rx|" + s.key())) {
            // an item sent twice is two items: the national files hold the month once
            return;
        }
        person.first("rx|" + s.key());
        long h = hash(s.key());
        String month = s.get("period_month");
        String shown = month != null && month.matches("[0-9]{4}-[0-9]{2}-01") && share(h, 1) < 0.4
                ? month.substring(0, 4) + month.substring(5, 7) : month;
        int distinct = parse(s.get("distinct_medicines"));
        int items = parse(s.get("items"));
        String cost = s.get("cost");
        boolean damaged = fault != null && !fault.equals("duplicate_record");
        if (damaged || distinct < 1 || items < distinct || cost == null || !cost.matches("[0-9]+\\.[0-9]{2}")) {
            // a damaged month arrives as one item carrying the damage (the month is quarantined either way)
            String[] cells = {s.get("nhs_token"), shown, medicines[(int) (share(h, 2) * medicines.length)], s.get("items"), cost};
            out.add(damaged(ITEMS, cells, s, s.quotedIs("period_month") ? 1 : 0));
            return;
        }
        int[] counts = new int[distinct];
        Arrays.fill(counts, 1);
        for (int i = distinct; i < items; i++) {
            counts[(int) (share(h, 100 + i) * distinct)]++;
        }
        long pence = new BigDecimal(cost).movePointRight(2).longValueExact();
        double[] weight = new double[distinct];
        double total = 0;
        for (int i = 0; i < distinct; i++) {
            weight[i] = counts[i] * (0.5 + share(h, 1000 + i));
            total += weight[i];
        }
        long[] split = new long[distinct];
        long given = 0;
        for (int i = 0; i < distinct; i++) {
            split[i] = (long) Math.floor(pence * weight[i] / total);
            given += split[i];
        }
        split[0] += pence - given;
        int first = (int) (share(h, 5) * medicines.length);
        for (int i = 0; i < distinct; i++) {
            String bnf = medicines[(first + i) % medicines.length];
            out.add(row(ITEMS, s.get("nhs_token"), shown, bnf, Integer.toString(counts[i]), BigDecimal.valueOf(split[i], 2).toPlainString()));
        }
    }

    private void csds(Person person, Sent s, List<Row> out) {
        if ("bad_cost".equals(person.fault(s.feed(), s.key()))) {
            return;
        }
        String token = s.get("nhs_token");
        String personId = personOf(person, "csds", CSDS_MPI, token, out);
        String service = s.get("service_type");
        String[] teams = service == null ? null : CSDS_TEAMS.get(service);
        String team = teams == null ? service : teams[(int) (share(hash(s.key()), 1) * teams.length)];
        String referral = person.localId("csdsref", token + "|" + team);
        if (person.first("csdsref|" + referral)) {
            out.add(row(CSDS_REFERRAL, referral, personId, team));
        }
        String[] cells = {s.get("contact_id"), personId, referral, s.get("contact_date"), s.optional("attendance_status")};
        out.add(damaged(CSDS_CONTACT, cells, s, 1));
    }

    private void mhsds(Person person, Sent s, List<Row> out) {
        String fault = person.fault(s.feed(), s.key());
        String type = s.get("event_type");
        if ("bad_cost".equals(fault) || !Set.of("CONTACT", "INPATIENT", "DETENTION").contains(type)) {
            return;
        }
        String token = s.get("nhs_token");
        String personId = personOf(person, "mhsds", MHSDS_MPI, token, out);
        String start = s.get("start_date");
        String end = s.get("end_date");
        long h = hash(s.key());
        switch (type) {
            case "CONTACT" -> {
                String service = s.get("service");
                String[] teams = service == null ? null : MHSDS_TEAMS.get(service);
                String team = teams == null ? service : teams[(int) (share(h, 1) * teams.length)];
                // a children and young people's team is told apart by its intended age group (MHSDS v6), not its type
                String ageGroup = "CAMHS".equals(service) ? "02" : null;
                String referral = person.localId("mhsdsref", token + "|" + team + "|" + ageGroup);
                if (person.first("mhsdsref|" + referral)) {
                    out.add(row(MHSDS_REFERRAL, referral, personId, team, ageGroup));
                }
                out.add(damaged(MHSDS_CONTACT, new String[] {s.key(), personId, referral, start, s.optional("attendance_status")}, s, 1));
            }
            case "INPATIENT" -> out.add(damaged(MHSDS_SPELL, new String[] {s.key(), personId, start, end, monthId(end)}, s, 1));
            default -> {
                String section = s.get("mha_section");
                String code = section == null ? null : LEGAL_STATUS.getOrDefault(section, section);
                out.add(damaged(MHSDS_MHA, new String[] {s.key(), personId, code, start, end, monthId(end)}, s, 1));
            }
        }
    }

    private void chc(Person person, Sent s, List<Row> out) {
        String token = s.get("nhs_token");
        String pathway = s.get("pathway");
        String referred = s.get("referral_date");
        Integer age = person.birthYear == null || referred == null || !referred.matches("[0-9]{4}-.*") ? null
                : Integer.parseInt(referred.substring(0, 4)) - person.birthYear;
        boolean child = "CHILDREN".equals(pathway);
        if (!child && !CHC_ROUTE.containsKey(pathway) && age != null && age < 18) {
            // a child's referral is read by age, whatever its route: an unknown route cannot be sent
            return;
        }
        String patient = personOf(person, "chc", CHC_MPI, token, out, age == null ? null : Integer.toString(age));
        String route = pathway == null ? null : CHC_ROUTE.getOrDefault(pathway, pathway);
        String decision = s.get("decision");
        String decided = s.get("decision_date");
        boolean fastTrack = "FAST_TRACK".equals(pathway);
        String outcome = decision == null ? null : switch (decision) {
            case "ELIGIBLE" -> fastTrack ? null : "01";
            case "NOT_ELIGIBLE" -> "03";
            default -> decision;
        };
        String start = s.get("package_start");
        String setting = s.get("setting");
        String[] cells = {s.key(), patient, route, referred, fastTrack ? null : decided, outcome, fastTrack ? decided : null,
            start == null || setting == null ? null : CHC_LOCATION.getOrDefault(setting, setting)};
        int quoteAt = s.quotedIs("pathway") ? 2 : 1;
        out.add(damaged(CHC_REFERRAL, cells, s, quoteAt));
        if (start != null) {
            out.add(row(CHC_PACKAGE, start, s.key(), s.get("package_end"), s.get("weekly_cost"), "04", null));
        }
    }

    /**
     * The data set's own id of the person sent with {@code token}; their person table (MPI) row, with {@code more}
     * columns after the id and token, is written the first time.
     */
    private static String personOf(Person person, String dataset, Table mpi, String token, List<Row> out, String... more) {
        String id = person.localId(dataset, token);
        if (person.first(dataset + "|" + id)) {
            String[] cells = new String[2 + more.length];
            cells[0] = id;
            cells[1] = token;
            System.arraycopy(more, 0, cells, 2, more.length);
            out.add(row(mpi, cells));
        }
        return id;
    }

    /**
     * The month of the submission that last sent an event, as MHSDS numbers months ({@code UniqMonthID}; 1429 is April
     * 2019): the month it ended, or for one still open the last month of the window.
     */
    String monthId(String end) {
        java.time.LocalDate d = windowEnd;
        if (end != null && end.matches("[0-9]{4}-[0-9]{2}-[0-9]{2}")) {
            java.time.LocalDate e = java.time.LocalDate.parse(end);
            d = e.isBefore(windowEnd) ? e : windowEnd;
        }
        return Integer.toString((d.getYear() - 1900) * 12 + d.getMonthValue() - 3);
    }

    /** A row of a national table as sent, with the damage of {@code s}: a quote at {@code quoteAt}, or its last column cut. */
    private static Row damaged(Table t, String[] cells, Sent s, int quoteAt) {
        if (!s.raw()) {
            return RowFactory.create(t.name(), cells, false);
        }
        String[] out = cells.clone();
        if (s.quoted() >= 0) {
            out[quoteAt] = "\"" + (out[quoteAt] == null ? "" : out[quoteAt]);
        }
        for (int c = 0; c < out.length; c++) {
            // a raw line is written as it is: quote what needs it here, so only the injected damage breaks the line
            if (c != quoteAt && out[c] != null && out[c].indexOf(',') >= 0) {
                out[c] = '"' + out[c].replace("\"", "\"\"") + '"';
            }
        }
        if (s.cut()) {
            out = Arrays.copyOf(out, out.length - 1);
        }
        return RowFactory.create(t.name(), out, true);
    }

    private static Row row(Table t, String... cells) {
        return RowFactory.create(t.name(), cells, false);
    }

    private static long hash(String key) {
        return Rng.mix(key == null ? 0 : key.hashCode() * 0x9E3779B97F4A7C15L);
    }

    private static int parse(String v) {
        try {
            return v == null ? -1 : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** A number in [0, 1) from a hash and a salt. */
    private static double share(long hash, int salt) {
        return (Rng.mix(hash + salt * 0x632BE59BD9B4E5D9L) >>> 11) * 0x1.0p-53;
    }
}
