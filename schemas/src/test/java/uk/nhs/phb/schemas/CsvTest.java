package uk.nhs.phb.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvTest {

    @Test
    void readsQuotedFieldsSkipsCommentsAndBlankLinesAndKnowsEachRecordsLine() {
        String text = "# a comment\n\nname, value ,note\nA, 1 ,\"with, comma and \"\"quotes\"\"\"\n# another\nB,2\n";
        List<Csv.Row> rows = Csv.rows("ref.csv", text, List.of("name", "value"));
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).line()).isEqualTo(4);
        assertThat(rows.get(0).get("value")).isEqualTo("1");
        assertThat(rows.get(0).get("note")).isEqualTo("with, comma and \"quotes\"");
        assertThat(rows.get(1).line()).isEqualTo(6);
        assertThat(rows.get(1).get("note")).as("a short row leaves the last columns empty").isEmpty();
        assertThat(Csv.records("ref.csv", text).get(0).fields()).containsExactly("name", "value", "note");
        assertThat(Csv.records("ref.csv", text).get(0).line()).isEqualTo(3);
    }

    @Test
    void refusesAMissingColumnOrAnOverlongRowNamingTheFileAndLine() {
        assertThatThrownBy(() -> Csv.rows("costs.csv", "item,cost\nx,1\n", List.of("item", "fy")))
                .hasMessage("costs.csv line 1: the header lacks [fy]; it must name [item, fy]");
        assertThatThrownBy(() -> Csv.rows("costs.csv", "item,cost\nx,1\ny,2,3\n", List.of("item")))
                .hasMessage("costs.csv line 3: 3 fields, the header has 2");
        assertThatThrownBy(() -> Csv.rows("costs.csv", "item,cost\n\"x,1\n", List.of("item"))).hasMessageStartingWith("costs.csv: not readable");
    }

    @Test
    void writesRfc4180WithLineFeedsAndReadsBackWhatItWrote() {
        List<List<?>> rows = List.of(Arrays.asList("a,b", 3, null), List.of("say \"hi\"", 4.5, "x\ny"));
        String text = Csv.write(List.of("text", "n", "note"), rows);
        assertThat(text).startsWith("text,n,note\n\"a,b\",3,\n\"say \"\"hi\"\"\",4.5,\"x\ny\"\n").doesNotContain("\r");
        List<Csv.Row> back = Csv.rows("t", text, List.of());
        assertThat(back).extracting(r -> r.get("text")).containsExactly("a,b", "say \"hi\"");
        assertThat(back.get(1).get("note")).isEqualTo("x\ny");
        assertThat(Csv.line(List.of("a", "b,c"))).isEqualTo("a,\"b,c\"\n");
    }
}
