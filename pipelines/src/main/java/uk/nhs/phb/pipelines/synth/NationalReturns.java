package uk.nhs.phb.pipelines.synth;

import java.io.Serializable;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The generator's education and children's social care rows written as the XML returns a council holds: {@code csc}'s
 * child-in-need episodes and child protection plans as the CIN census ({@link #writeChildren}), {@code school_census} as the school census
 * (one return per school and census day: the header names the council's DfE number, the school's establishment number
 * and the census day; a pupil on roll per row) and {@code ehcp} as SEN2 (one return per council and census year: each
 * plan as a Person with its request, named plan and, when in force on census day, its active plan's need and placement).
 * Looked-after episodes are written as the council's SSDA903 tables (CSV, a folder per council). The person is carried as
 * phb's token and encodings in place of the UPN, names, date of birth and postcode, as {@code phb pseudonymise} writes a
 * return at the council.
 *
 * <p>A record is a tagged row whose values are the return it belongs to (its document key) and then element paths and
 * their values, in document order; {@link #writeStart}, {@link #writeRecord} and {@link #writeEnd} turn them into XML.
 *
 * <p>SEN2 shows a plan only as it stood on a census day: a plan is written in the return of the last census day it was
 * in force on (its end, when it has ended since); a plan that began and ended between two census days has no active plan
 * (ingest sets it aside and counts it) and a plan issued after the last census day is in no return yet. A row the
 * generator damaged (a broken line, an unknown or missing code, a bad cost, a future date) is left out: the damage a
 * return's XML can carry is tried by the XML fuzz (bench/fuzz.sh). Those rows' faults stay in {@code _truth/faults}.
 */
final class NationalReturns implements Serializable {
    private static final long serialVersionUID = 1L;
    static final String SCHOOL_CENSUS = "school_census_pupils";
    static final String SEN2 = "sen2";
    static final String CIN_CENSUS = "cin_census";
    /** SSDA903's tables as {@code phb pseudonymise --profile ssda903} writes them, in a folder per council (its ONS code). */
    static final String SSDA903_EPISODES = "ssda903/episodes";
    static final String SSDA903_HEADER = "ssda903/header";
    /**
     * SSDA903's category of need (N1 abuse or neglect, N4 family dysfunction, N5 family in acute stress, N8 absent
     * parenting, N2 disability, N6 socially unacceptable behaviour), in plausible shares: the profile does not read it.
     */
    private static final String[] NEED_CODES = {"N1", "N4", "N5", "N8", "N2", "N6"};
    private static final double[] NEED_SHARES = {0.62, 0.15, 0.08, 0.07, 0.05, 0.03};
    private static final Map<String, List<String>> CSV_COLUMNS = Map.of(
            SSDA903_EPISODES, List.of("child_token", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
                    "REASON_PLACE_CHANGE", "URN"),
            SSDA903_HEADER, List.of("child_token", "SEX", "dob_token", "dob_ym_token", "dob_dm_token", "birth_year", "ETHNIC",
                    "pupil_token", "MOTHER"));
    private static final Map<String, String> TABLE_BY_FEED = Map.of("school_census", SCHOOL_CENSUS, "ehcp", SEN2, "csc", CIN_CENSUS);
    private static final Set<String> ROW_FAULTS = Set.of("malformed_row", "unknown_code", "recoded_code", "bad_cost", "future_date",
            "missing_required");
    /** phb pseudonymise's encodings but sex, which a return writes as its own Sex element. */
    private static final List<String> ENCODINGS = NationalLayouts.ENCODINGS.stream().filter(e -> !e.equals("sex")).toList();
    /** Synthetic GIAS establishments (URN, type of establishment) of each placement a school names, as code map sen2_schools lists them. */
    static final List<String[]> SCHOOLS = List.of(
            new String[] {"900001", "Community school", "MAINSTREAM"},
            new String[] {"900002", "Academy converter", "MAINSTREAM"},
            new String[] {"900003", "Voluntary aided school", "MAINSTREAM"},
            new String[] {"900011", "Community special school", "SPECIAL_STATE"},
            new String[] {"900012", "Academy special converter", "SPECIAL_STATE"},
            new String[] {"900021", "Other independent special school", "SPECIAL_INDEPENDENT"},
            new String[] {"900022", "Non-maintained special school", "SPECIAL_INDEPENDENT"});
    private static final String[] OTHER_SETTINGS = {"OTH", "EHE", "OLA", "EYP"};

    private final Map<String, Integer> dfeNumberByLa = new java.util.HashMap<>();
    private final LocalDate windowEnd;

    NationalReturns(Geography geo, LocalDate windowEnd) {
        for (int i = 0; i < geo.laCodes.length; i++) {
            dfeNumberByLa.put(geo.laCodes[i], geo.laDfeNumbers[i]);
        }
        this.windowEnd = windowEnd;
    }

    /**
     * The files a national landing's profile override needs, by path under the landing folder: the synthetic councils'
     * DfE numbers (local rows of dfe_la_codes) and the synthetic schools SEN2 names by URN (local rows of sen2_schools),
     * as an ICB adds its own councils' and schools'.
     */
    static Map<String, String> overrideFiles(Geography geo, Reference ref) {
        StringBuilder councils = new StringBuilder("dfe_la_number,ons_code,la_name\n");
        for (int i = 0; i < geo.laCodes.length; i++) {
            councils.append(geo.laDfeNumbers[i]).append(',').append(geo.laCodes[i]).append(",Synthetic council ").append(i + 1).append('\n');
        }
        StringBuilder schools = new StringBuilder("urn,establishment_type\n");
        for (String[] school : SCHOOLS) {
            schools.append(school[0]).append(',').append(school[1]).append('\n');
        }
        StringBuilder prices = new StringBuilder("CASE");
        ref.claPlacements.forEach((group, codes) -> prices.append(" WHEN PLACE IN (")
                .append(String.join(", ", codes.stream().map(r -> "'" + r.get("code") + "'").toList()))
                .append(") THEN '").append(Emitter.money(ref.cost(group))).append("'"));
        prices.append(" END");
        String overrides = """
                # Written by phb synth --layout national: the synthetic councils' DfE numbers and the schools their SEN2
                # returns name, as an ICB adds its own councils and schools, and the councils' weekly price of a
                # looked-after child's placement by its kind, which SSDA903 does not carry (docs/PROFILES.md). Ingest
                # reads it from the landing when no --profile-overrides is given.
                code_maps:
                  dfe_la_codes: dfe_la_codes.csv
                  sen2_schools: sen2_schools.csv
                profiles:
                  ssda903:
                    fields:
                      placement_weekly_cost: "%s"
                """.formatted(prices);
        Map<String, String> files = new java.util.LinkedHashMap<>();
        files.put(uk.nhs.phb.schemas.profiles.Profiles.LANDING_OVERRIDES, overrides);
        files.put("_reference/dfe_la_codes.csv", councils.toString());
        files.put("_reference/sen2_schools.csv", schools.toString());
        return files;
    }

    /** The XML return a feed is written as, or null. */
    static String tableOf(String feed) {
        return TABLE_BY_FEED.get(feed);
    }

    static boolean isReturn(String table) {
        return TABLE_BY_FEED.containsValue(table) || CSV_COLUMNS.containsKey(table);
    }

    /** The header of a return of CSV tables (SSDA903's), or null for an XML return or any other table. */
    static List<String> csvColumns(String table) {
        return CSV_COLUMNS.get(table);
    }

    /** The file of one return's records from one partition, under the landing folder. */
    static String file(String table, String documentKey, String part) {
        if (CSV_COLUMNS.containsKey(table)) {
            // each council's tables in a folder named by its ONS code, named as Social Finance's tools name them
            return "ssda903/" + documentKey + "/SSDA903_" + part + "_" + table.substring(table.indexOf('/') + 1) + ".csv";
        }
        String prefix = switch (table) {
            case SEN2 -> "SEN2_";
            case CIN_CENSUS -> "CIN_Census_";
            default -> "SC_";
        };
        return table + "/" + prefix + documentKey.replace('|', '_') + "-" + part + ".xml";
    }

    /**
     * A child's children's social care rows: child-in-need episodes and child protection plans as the CIN census returns
     * of their council (one a census year, 1 April to 31 March: an episode in the return of the last year it was open in
     * the window, each plan inside the episode it belongs to), looked-after episodes as their council's SSDA903 tables
     * ({@link #lookedAfter}), and rows sent with damage neither return can carry as they are in phb's layout. A plan whose
     * episode was sent damaged sits in an episode without its referral date, which ingest quarantines as the damaged row is.
     */
    void writeChildren(NationalFolds.Person person, List<Row> rows, List<Row> out) {
        List<NationalFolds.Sent> cins = new ArrayList<>();
        List<NationalFolds.Sent> damagedCins = new ArrayList<>();
        List<NationalFolds.Sent> plans = new ArrayList<>();
        List<NationalFolds.Sent> looked = new ArrayList<>();
        NationalFolds.Sent identity = null;
        for (Row r : rows) {
            NationalFolds.Sent s = NationalFolds.Sent.of(r);
            String fault = person.fault(s.feed(), s.key());
            String type = s.get("episode_type");
            boolean carried = !s.raw() && (fault == null || !ROW_FAULTS.contains(fault)) && dfeNumberByLa.get(s.get("la_code")) != null
                    && ("CIN".equals(type) || "CPP".equals(type) || "CLA".equals(type));
            if (!carried) {
                out.add(r);
                if ("CIN".equals(type)) {
                    damagedCins.add(s);
                }
                continue;
            }
            if (type.equals("CLA")) {
                looked.add(s);
                continue;
            }
            identity = identity == null ? s : identity;
            (type.equals("CIN") ? cins : plans).add(s);
        }
        lookedAfter(looked, out);
        if (identity == null) {
            return;
        }
        int lea = dfeNumberByLa.get(identity.get("la_code"));
        // episodes by return year, each with its plans
        Map<Integer, List<List<String>>> byYear = new java.util.TreeMap<>();
        Map<NationalFolds.Sent, List<String>> episodeOf = new java.util.LinkedHashMap<>();
        for (NationalFolds.Sent cin : cins) {
            List<String> episode = new ArrayList<>();
            add(episode, "CINdetails/ReferralSource", "1A");
            add(episode, "CINdetails/CINreferralDate", cin.get("start_date"));
            add(episode, "CINdetails/CINclosureDate", cin.get("end_date"));
            add(episode, "CINdetails/ReferralNFA", "0");
            episodeOf.put(cin, episode);
            byYear.computeIfAbsent(censusYear(cin.get("start_date"), cin.get("end_date")), k -> new ArrayList<>()).add(episode);
        }
        for (NationalFolds.Sent plan : plans) {
            NationalFolds.Sent cin = enclosing(plan, cins);
            List<String> episode = cin == null ? null : episodeOf.get(cin);
            if (episode == null) {
                // its episode was sent damaged (or not at all): an episode without a referral date holds it
                NationalFolds.Sent damaged = enclosing(plan, damagedCins);
                episode = new ArrayList<>();
                add(episode, "CINdetails/ReferralSource", "1A");
                add(episode, "CINdetails/ReferralNFA", "0");
                episodeOf.put(plan, episode);
                byYear.computeIfAbsent(damaged != null ? censusYear(damaged.get("start_date"), damaged.get("end_date"))
                        : censusYear(plan.get("start_date"), plan.get("end_date")), k -> new ArrayList<>()).add(episode);
            }
            // each plan opens its own ChildProtectionPlans (its start date is the first leaf written in it)
            add(episode, "CINdetails/ChildProtectionPlans/CPPstartDate", plan.get("start_date"));
            add(episode, "CINdetails/ChildProtectionPlans/CPPendDate", plan.get("end_date"));
            add(episode, "CINdetails/ChildProtectionPlans/NumberOfPreviousCPP", "0");
        }
        for (Map.Entry<Integer, List<List<String>>> year : byYear.entrySet()) {
            List<String> v = new ArrayList<>();
            v.add(lea + "|" + year.getKey());
            add(v, "ChildIdentifiers/child_token", identity.get("child_token"));
            add(v, "ChildIdentifiers/pupil_token", identity.get("pupil_token"));
            for (String e : List.of("dob_token", "dob_ym_token", "dob_dm_token", "birth_year")) {
                add(v, "ChildIdentifiers/" + e, identity.get(e));
            }
            add(v, "ChildIdentifiers/Sex", sex(identity.get("sex")));
            year.getValue().forEach(v::addAll);
            out.add(RowFactory.create(CIN_CENSUS, v.toArray(String[]::new), false));
        }
    }

    /**
     * A child's looked-after episodes as their council's SSDA903 tables, pseudonymised at the council: an episodes row
     * each (its placement's PLACE code as the generator chose it; legal status, category of need, provider, reason for
     * ending and the home's Ofsted URN as a council records them, chosen by the episode's hash) and one header row with
     * the child's token, sex, date-of-birth tokens and UPN token. SSDA903 carries no cost: ingest prices a placement by
     * its PLACE from the council's price list (the landing's override), as the generator's phb layout costs it.
     */
    private static void lookedAfter(List<NationalFolds.Sent> episodes, List<Row> out) {
        if (episodes.isEmpty()) {
            return;
        }
        NationalFolds.Sent child = episodes.get(0);
        String la = child.get("la_code");
        for (NationalFolds.Sent e : episodes) {
            long hash = Rng.mix(e.key() == null ? 0 : e.key().hashCode() * 0x9E3779B97F4A7C15L);
            String place = e.get("placement_type");
            boolean adoption = place != null && place.startsWith("A");
            String end = e.get("end_date");
            out.add(RowFactory.create(SSDA903_EPISODES, new String[] {la, e.get("child_token"), dmy(e.get("start_date")), "S",
                    adoption ? "E1" : share(hash, 41) < 0.65 ? "C2" : "V2", pickCode(hash, 42, NEED_CODES, NEED_SHARES),
                    place, "P1".equals(place) ? "PR0" : share(hash, 43) < 0.5 ? "PR1" : "PR4", dmy(end),
                    end == null ? null : adoption ? "E11" : share(hash, 44) < 0.5 ? "E4A" : "E8", null,
                    place != null && place.startsWith("K") ? "SC" + String.format("%06d", (long) (share(hash, 45) * 1_000_000)) : "XXXXXXX"},
                    false));
        }
        out.add(RowFactory.create(SSDA903_HEADER, new String[] {la, child.get("child_token"), sex(child.get("sex")), child.get("dob_token"),
                child.get("dob_ym_token"), child.get("dob_dm_token"), child.get("birth_year"), "NOBT", child.get("pupil_token"), null}, false));
    }

    /** One of the codes, chosen by the hash along their shares (which add up to 1). */
    private static String pickCode(long hash, int salt, String[] codes, double[] shares) {
        double u = share(hash, salt);
        for (int i = 0; i < codes.length; i++) {
            u -= shares[i];
            if (u < 0) {
                return codes[i];
            }
        }
        return codes[codes.length - 1];
    }

    /** An ISO date as SSDA903 writes it ({@code dd/MM/yyyy}); other text as it is. */
    private static String dmy(String iso) {
        if (iso == null || !iso.matches("[0-9]{4}-[0-9]{2}-[0-9]{2}")) {
            return iso;
        }
        return iso.substring(8, 10) + "/" + iso.substring(5, 7) + "/" + iso.substring(0, 4);
    }

    /** The episode among {@code cins} a plan lies within (it starts no later and ends no earlier), or null. */
    private static NationalFolds.Sent enclosing(NationalFolds.Sent plan, List<NationalFolds.Sent> cins) {
        String start = plan.get("start_date");
        for (NationalFolds.Sent cin : cins) {
            String from = cin.get("start_date");
            String to = cin.get("end_date");
            if (start != null && from != null && from.compareTo(start) <= 0 && (to == null || to.compareTo(start) >= 0)) {
                return cin;
            }
        }
        return null;
    }

    /** The CIN census year (named by the year it ends in March) of an episode's last day open in the window. */
    private int censusYear(String start, String end) {
        LocalDate last = windowEnd;
        if (end != null && end.matches("[0-9]{4}-[0-9]{2}-[0-9]{2}") && LocalDate.parse(end).isBefore(windowEnd)) {
            last = LocalDate.parse(end);
        } else if (end == null && start != null && start.matches("[0-9]{4}-[0-9]{2}-[0-9]{2}") && LocalDate.parse(start).isAfter(windowEnd)) {
            last = LocalDate.parse(start);
        }
        return last.getMonthValue() >= 4 ? last.getYear() + 1 : last.getYear();
    }

    /** Writes one row of phb's layout of {@code ehcp} or {@code school_census} as its return's record into {@code out} (children's social care: {@link #writeChildren}). */
    void write(NationalFolds.Person person, Row tagged, List<Row> out) {
        NationalFolds.Sent s = NationalFolds.Sent.of(tagged);
        String fault = person.fault(s.feed(), s.key());
        Integer lea = dfeNumberByLa.get(s.get("la_code"));
        if (s.raw() || fault != null && ROW_FAULTS.contains(fault) || lea == null) {
            return;
        }
        if (s.feed().equals("school_census")) {
            pupil(s, lea, out);
        } else {
            plan(s, lea, out);
        }
    }

    private static void pupil(NationalFolds.Sent s, int lea, List<Row> out) {
        String school = s.get("school_number");
        String estab = school == null || school.length() != 7 ? "" : school.substring(3);
        List<String> v = new ArrayList<>();
        v.add(lea + "|" + estab + "|" + s.get("census_date"));
        add(v, "pupil_token", s.get("pupil_token"));
        identity(s, v);
        add(v, "PupilIdentifiers/Sex", sex(s.get("sex")));
        add(v, "SpecialEducationalNeeds/SENprovision", s.get("sen_provision"));
        out.add(RowFactory.create(SCHOOL_CENSUS, v.toArray(String[]::new), false));
    }

    private void plan(NationalFolds.Sent s, int lea, List<Row> out) {
        LocalDate start = LocalDate.parse(s.get("start_date"));
        LocalDate end = s.get("end_date") == null ? null : LocalDate.parse(s.get("end_date"));
        LocalDate last = end == null || end.isAfter(windowEnd) ? windowEnd : end;
        LocalDate census = censusDay(last);
        boolean active = !census.isBefore(start);
        if (!active) {
            // not in force on any census day yet: in the return after it began, if that census day has come
            census = censusDay(LocalDate.of(start.getYear() + 1, 12, 31));
            if (census.isAfter(windowEnd)) {
                return;
            }
        }
        long hash = Rng.mix(s.key().hashCode() * 0x9E3779B97F4A7C15L);
        List<String> v = new ArrayList<>();
        v.add(lea + "|" + census.getYear());
        add(v, "pupil_token", s.get("pupil_token"));
        identity(s, v);
        add(v, "Sex", sex(s.get("sex")));
        add(v, "Requests/ReceivedDate", start.minusWeeks(20).toString());
        // the named plan is in the return of the year it was issued, and whenever it has ceased
        if (start.getYear() == census.getYear() - 1 || end != null) {
            add(v, "Requests/Assessment/NamedPlan/StartDate", start.toString());
            add(v, "Requests/Assessment/NamedPlan/CeaseDate", end == null ? null : end.toString());
        }
        if (active) {
            add(v, "Requests/ActivePlans/SENneed/SENtype", s.get("primary_need"));
            add(v, "Requests/ActivePlans/SENneed/SENtypeRank", "1");
            if (share(hash, 1) < 0.3) {
                add(v, "Requests/ActivePlans/SENneed/SENtype", "SLCN");
                add(v, "Requests/ActivePlans/SENneed/SENtypeRank", "2");
            }
            placement(s.get("placement_type"), start, hash, v);
        }
        out.add(RowFactory.create(SEN2, v.toArray(String[]::new), false));
    }

    /** The first-ranked placement (a school by URN, a college by UKPRN, or a setting), as the sen2 profile reads it back. */
    private static void placement(String type, LocalDate start, long hash, List<String> v) {
        String p = "Requests/ActivePlans/PlacementDetail/";
        String base = type == null ? null : switch (type) {
            case "MAINSTREAM", "RESOURCED_PROVISION" -> pick("MAINSTREAM", hash);
            case "SPECIAL_STATE", "SPECIAL_INDEPENDENT" -> pick(type, hash);
            default -> null;
        };
        add(v, p + "URN", base);
        add(v, p + "UKPRN", "FE_COLLEGE".equals(type) ? "1000" + String.format("%04d", (int) (share(hash, 3) * 10_000)) : null);
        add(v, p + "SENsetting", "OTHER".equals(type) ? OTHER_SETTINGS[(int) (share(hash, 4) * OTHER_SETTINGS.length)] : null);
        if ("RESOURCED_PROVISION".equals(type)) {
            add(v, p + (share(hash, 5) < 0.5 ? "ResourcedProvisionIndicator" : "SENunitIndicator"), "1");
        }
        add(v, p + "PlacementRank", "1");
        add(v, p + "EntryDate", start.toString());
    }

    private static String pick(String placement, long hash) {
        List<String[]> of = SCHOOLS.stream().filter(x -> x[2].equals(placement)).toList();
        return of.get((int) (share(hash, 2) * of.size()))[0];
    }

    /** What {@code phb pseudonymise} writes in place of the names, date of birth and postcode. */
    private static void identity(NationalFolds.Sent s, List<String> v) {
        for (String e : ENCODINGS) {
            add(v, e, s.get(e));
        }
    }

    private static String sex(String code) {
        if (code == null) {
            return null;
        }
        return switch (code) {
            case "1" -> "M";
            case "2" -> "F";
            case "0" -> "U";
            default -> code;
        };
    }

    private static void add(List<String> v, String path, String value) {
        if (value != null) {
            v.add(path);
            v.add(value);
        }
    }

    /** SEN2's census day, the third Thursday of January, last on or before {@code d}. */
    static LocalDate censusDay(LocalDate d) {
        for (int year = d.getYear(); ; year--) {
            LocalDate c = LocalDate.of(year, 1, 1).with(java.time.temporal.TemporalAdjusters.dayOfWeekInMonth(3, java.time.DayOfWeek.THURSDAY));
            if (!c.isAfter(d)) {
                return c;
            }
        }
    }

    private static double share(long hash, int salt) {
        return (Rng.mix(hash + salt * 0x632BE59BD9B4E5D9L) >>> 11) * 0x1.0p-53;
    }

    /** Opens a return: its header, then the wrappers its records sit in. */
    static void writeStart(XMLStreamWriter w, String table, String documentKey) throws XMLStreamException {
        String[] k = documentKey.split("\\|", -1);
        w.writeStartDocument("UTF-8", "1.0");
        w.writeStartElement("Message");
        w.writeStartElement("Header");
        switch (table) {
            case SCHOOL_CENSUS -> {
                collection(w, "CollectionDetails", "Collection", "SC", null, k[2]);
                source(w, "S", k[0], k[1]);
                w.writeStartElement("Pupils");
                // some management systems wrap the pupils on roll, some do not; the profile reads both
                if (Math.floorMod(documentKey.hashCode(), 2) == 0) {
                    w.writeStartElement("PupilsOnRoll");
                }
            }
            case CIN_CENSUS -> {
                collection(w, "CollectionDetails", "Collection", "CIN", k[1], k[1] + "-03-31");
                source(w, "L", k[0], null);
                w.writeStartElement("Children");
            }
            default -> {
                collection(w, "Collection", "CollectionName", "SEN2", k[1], null);
                source(w, "L", k[0], null);
                w.writeStartElement("Persons");
            }
        }
    }

    /** The header's collection: its name, year and reference date (each left out when null). */
    private static void collection(XMLStreamWriter w, String element, String nameElement, String name, String year, String referenceDate)
            throws XMLStreamException {
        w.writeStartElement(element);
        element(w, nameElement, name);
        if (year != null) {
            element(w, "Year", year);
        }
        if (referenceDate != null) {
            element(w, "ReferenceDate", referenceDate);
        }
        w.writeEndElement();
    }

    /** The header's source (a school's or a council's return), which closes the header. */
    private static void source(XMLStreamWriter w, String level, String lea, String estab) throws XMLStreamException {
        w.writeStartElement("Source");
        element(w, "SourceLevel", level);
        element(w, "LEA", lea);
        if (estab != null) {
            element(w, "Estab", estab);
        }
        w.writeEndElement();
        w.writeEndElement();
    }

    /**
     * One record: its element paths (after the document key) nested as they share their leading steps; a leaf already
     * written in the open element it belongs in (a second SENneed's SENtype, a second CINdetails' ReferralSource) opens
     * that element again.
     */
    static void writeRecord(XMLStreamWriter w, String table, List<String> values) throws XMLStreamException {
        w.writeStartElement(switch (table) {
            case SCHOOL_CENSUS -> "PupilOnRoll";
            case CIN_CENSUS -> "Child";
            default -> "Person";
        });
        List<String> open = new ArrayList<>();
        List<Set<String>> leaves = new ArrayList<>();
        leaves.add(new java.util.HashSet<>());
        for (int i = 1; i + 1 < values.size(); i += 2) {
            String[] steps = values.get(i).split("/");
            String leaf = steps[steps.length - 1];
            int common = 0;
            while (common < open.size() && common < steps.length - 1 && open.get(common).equals(steps[common])) {
                common++;
            }
            if (common == steps.length - 1 && common > 0 && leaves.get(common).contains(leaf)) {
                common--;
            }
            while (open.size() > common) {
                w.writeEndElement();
                open.remove(open.size() - 1);
                leaves.remove(leaves.size() - 1);
            }
            for (int k = common; k < steps.length - 1; k++) {
                w.writeStartElement(steps[k]);
                open.add(steps[k]);
                leaves.add(new java.util.HashSet<>());
            }
            element(w, leaf, values.get(i + 1));
            leaves.get(open.size()).add(leaf);
        }
        for (int k = 0; k < open.size(); k++) {
            w.writeEndElement();
        }
        w.writeEndElement();
    }

    /** Closes a return. */
    static void writeEnd(XMLStreamWriter w) throws XMLStreamException {
        w.writeEndDocument();
        w.flush();
    }

    private static void element(XMLStreamWriter w, String name, String text) throws XMLStreamException {
        w.writeStartElement(name);
        w.writeCharacters(text);
        w.writeEndElement();
    }
}
