package uk.nhs.phb.pipelines.synth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import uk.nhs.phb.schemas.profiles.DatasetProfile;
import uk.nhs.phb.schemas.profiles.Profiles;

/** The generator's national layouts against the shipped dataset profiles that read them, and damage carried through. */
class NationalLayoutsTest {
    final NationalLayouts layouts = new NationalLayouts(Reference.load(), new Geography(1, 1000, Reference.load()), java.time.LocalDate.of(2026, 3, 31));

    static String[] spell(String id, String provider, String admitted, String discharged, String diagnosis, String cost) {
        Emitter.Layout l = Emitter.layout("apc_spells");
        String[] v = new String[l.fields.length];
        v[l.at("spell_id")] = id;
        v[l.at("nhs_token")] = "C9cWZZ8AGiKOxKnZztLBTcx37lnYs6sws94D1KWl0bo";
        v[l.at("provider_code")] = provider;
        v[l.at("admission_date")] = admitted;
        v[l.at("discharge_date")] = discharged;
        v[l.at("admission_method")] = "21";
        v[l.at("primary_diagnosis")] = diagnosis;
        v[l.at("hrg_code")] = "DZ11V";
        v[l.at("cost")] = cost;
        return v;
    }

    @Test
    void everyNationalTableIsReadByItsProfileAndCarriesEveryColumnItRequires() {
        Profiles profiles = Profiles.builtIn();
        int checked = 0;
        for (String feed : NationalLayouts.feeds()) {
            for (String table : NationalLayouts.tablesOf(feed)) {
                if (NationalReturns.isReturn(table) || table.equals(feed)) {
                    // an XML return's records name their own elements (NationalReturnsTest); a feed's own table is phb's
                    continue;
                }
                String file = NationalLayouts.file(table, "part-00000.csv");
                String folder = file.split("/")[0];
                String name = file.substring(file.lastIndexOf('/') + 1);
                List<String> columns = NationalLayouts.columns(table);
                List<DatasetProfile> readers = profiles.inFolder(folder).stream().filter(p -> p.contract().name().equals(feed)).toList();
                assertThat(readers).as(folder).isNotEmpty();
                for (DatasetProfile p : readers) {
                    if (p.files() == null || glob(p.files(), name)) {
                        requires(p, table, columns, p.columns(), "");
                        checked++;
                    }
                    for (DatasetProfile.Join j : p.joins()) {
                        if (glob(j.files(), name)) {
                            requires(p, table, columns, j.columns(), j.name() + ".");
                            checked++;
                        }
                    }
                }
            }
        }
        assertThat(checked).as("tables read: 3 hospital, GP, NHSBSA, 3 CSDS, 7 MHSDS (three profiles), 3 CHC, ASC-CLD, the opt-out list and GP type 1 events").isEqualTo(21);
        assertThat(NationalLayouts.tablesOf("gp_appointments")).isEmpty();
    }

    /** A table carries every column the profile requires of it, with phb's token in place of the person's pseudonym. */
    private static void requires(DatasetProfile p, String table, List<String> columns, List<DatasetProfile.SourceColumn> required, String prefix) {
        for (DatasetProfile.SourceColumn c : required) {
            DatasetProfile.Person person = p.persons().stream().filter(x -> x.column().equals(prefix + c.name())).findFirst().orElse(null);
            if (person != null) {
                assertThat(columns).as(table + " carries the token in place of " + c.name()).contains(person.field()).doesNotContain(c.name());
            } else if (c.required()) {
                assertThat(columns).as(p.id() + ": " + table + " writes the required column " + c.name()).contains(c.name());
            }
        }
        List<String> unread = new ArrayList<>(columns);
        unread.removeAll(required.stream().map(DatasetProfile.SourceColumn::name).toList());
        p.persons().forEach(x -> unread.remove(x.field()));
        unread.remove("nhs_token");
        assertThat(unread).as(p.id() + ": " + table + ": columns no profile reads").isSubsetOf("Der_Financial_Year", "Person_ID", "PRACTICE");
    }

    private static boolean glob(String glob, String name) {
        return java.nio.file.FileSystems.getDefault().getPathMatcher("glob:" + glob).matches(java.nio.file.Path.of(name));
    }

    @Test
    void aCleanSpellIsWrittenInTheNationalForms() {
        Row r = layouts.rewrite(RowFactory.create("apc_spells", spell("apc-1", "R6W", "2024-01-05", "2024-01-09", "J18.9", "2350.42"), false));
        assertThat(r.getString(0)).isEqualTo("sus_apcs");
        List<String> cols = NationalLayouts.columns("sus_apcs");
        String[] v = (String[]) r.get(1);
        assertThat(v[cols.indexOf("APCS_Ident")]).isEqualTo("apc-1");
        assertThat(v[cols.indexOf("Der_Provider_Code")]).matches("R6W([0-9]{2})?");
        assertThat(v[cols.indexOf("Admission_Date")]).matches("2024-01-05( 00:00:00(\\.000)?)?");
        assertThat(v[cols.indexOf("Der_Diagnosis_All")]).matches("\\|\\|J189(,[A-Z][0-9]{2}[0-9X][0-9]?){0,3}(\\|\\|[A-Z][0-9]{2}[0-9X][0-9]?)?");
        assertThat(v[cols.indexOf("Der_Financial_Year")]).isEqualTo("2023/24");
        assertThat(v[cols.indexOf("Grand_Total_Payment_MFF")]).isEqualTo("2350.42");
        assertThat(r.getBoolean(2)).isFalse();
        // the same record always gets the same forms
        assertThat((String[]) layouts.rewrite(RowFactory.create("apc_spells", spell("apc-1", "R6W", "2024-01-05", "2024-01-09", "J18.9",
                "2350.42"), false)).get(1)).containsExactly(v);
    }

    @Test
    void damageIsCarriedIntoTheColumnMadeFromTheDamagedValue() {
        // an unbalanced quote on the provider stays on the provider's column, and is the only one on the line
        String[] quoted = spell("apc-2", "\"R6W", "2024-01-05", "2024-01-09", "J18.9", "100.00");
        Row r = layouts.rewrite(RowFactory.create("apc_spells", quoted, true));
        String[] v = (String[]) r.get(1);
        assertThat(v[NationalLayouts.columns("sus_apcs").indexOf("Der_Provider_Code")]).startsWith("\"R6W");
        String line = String.join(",", Arrays.stream(v).map(x -> x == null ? "" : x).toList());
        assertThat(line.chars().filter(c -> c == '"').count() % 2).as(line).isEqualTo(1);
        assertThat(r.getBoolean(2)).isTrue();

        // a line cut short by a column stays one column short
        String[] cut = Arrays.copyOf(spell("apc-3", "R6W", "2024-01-05", "2024-01-09", "J18.9", null), 8);
        String[] w = (String[]) layouts.rewrite(RowFactory.create("apc_spells", cut, true)).get(1);
        assertThat(w).hasSize(NationalLayouts.columns("sus_apcs").size() - 1);

        // a future date and a blank diagnosis arrive as they were damaged
        String[] future = (String[]) layouts.rewrite(RowFactory.create("apc_spells", spell("apc-4", "R6W", "2032-07-01", null, null, "1.00"),
                false)).get(1);
        List<String> cols = NationalLayouts.columns("sus_apcs");
        assertThat(future[cols.indexOf("Admission_Date")]).startsWith("2032-07-01");
        assertThat(future[cols.indexOf("Der_Diagnosis_All")]).isNull();
        assertThat(future[cols.indexOf("Discharge_Date")]).isNull();
    }

    @Test
    void diagnosesLoseTheirDotAndThreeCharacterCodesAreFilledWithX() {
        assertThat(NationalLayouts.dotless("J18.9")).isEqualTo("J189");
        assertThat(NationalLayouts.dotless("R55X")).isEqualTo("R55X");
        assertThat(NationalLayouts.dotless("I10")).isEqualTo("I10X");
    }
}
