package uk.nhs.phb.jobs.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.dhatim.fastexcel.Workbook;
import org.dhatim.fastexcel.Worksheet;
import uk.nhs.phb.jobs.Files2;
import uk.nhs.phb.jobs.InputException;
import uk.nhs.phb.models.disclosure.SmallNumbers;
import uk.nhs.phb.pipelines.report.Published;
import uk.nhs.phb.pipelines.report.ReportTable;
import uk.nhs.phb.schemas.Csv;
import uk.nhs.phb.schemas.ReportReference;

/**
 * Writes a report's files into its staging folder: one CSV per table (UTF-8, header row, comma separated,
 * RFC 4180 quoting, {@code \n} line ends, rows in the tables' fixed order, so a re-run gives byte-identical
 * files), one XLSX workbook with a sheet per table, the HTML page, and {@code manifest.json} last.
 */
final class ReportFiles {
    static final String MANIFEST = "manifest.json";
    private static final ObjectMapper JSON = uk.nhs.phb.jobs.Json.mapper().copy().enable(SerializationFeature.INDENT_OUTPUT);

    private ReportFiles() {
    }

    record Written(List<String> files) {
    }

    /**
     * Writes every file of the report into {@code dir}, the manifest last. {@code runId} is the run the report is
     * of; {@code regeneratedBy} is the run that made it again from that run's inputs, or null.
     */
    static Written write(SparkSession spark, String dir, ReportJob.Request req, ReportJob.Tables tables, String runId, String regeneratedBy) {
        List<FileWritten> files = new ArrayList<>();
        for (ReportTable t : tables.tables()) {
            files.add(put(spark, dir, t.name() + ".csv", csv(t), t.rows().size()));
        }
        files.add(put(spark, dir, "phb_report_" + req.folderName() + ".xlsx", xlsx(tables.tables(), req, runId), -1));
        files.add(put(spark, dir, "phb_report_" + req.folderName() + ".html",
                HtmlReport.render(req, tables, runId).getBytes(StandardCharsets.UTF_8), -1));
        SmallNumbers r = Published.RULE;
        Rule rule = new Rule("NHS Digital small-number suppression (secondary-care publications, since September 2018)",
                "sub-national: every figure in this report is for an ICB, a Sub-ICB Location or a smaller group",
                "1 to " + r.threshold() + " shown as *", r.base(), Published.ruleText());
        Manifest m = new Manifest("phb quarterly report", req.quarter().toString(), req.quarter().start() + " to " + req.quarter().end(), req.org(),
                runId, regeneratedBy, Instant.now().toString(), rule, req.trajectorySource(), tables.design(), tables.headline(), files);
        List<String> names = new ArrayList<>();
        for (FileWritten f : files) {
            names.add(f.name());
        }
        try {
            put(spark, dir, MANIFEST, JSON.writeValueAsBytes(m), -1);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the manifest", e);
        }
        names.add(MANIFEST);
        return new Written(names);
    }

    /** A file of the report: its name, its rows (a table's; absent otherwise), bytes and SHA-256. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record FileWritten(String name, Integer rows, long bytes, String sha256) {
    }

    /** The disclosure rule every figure went through, as the manifest states it. */
    record Rule(String name, String level, String suppressedCounts, int roundingBase, String text) {
    }

    /**
     * {@code manifest.json}, written last: the report, its quarter and organisation, its runs, the rule, the trajectory's
     * source, the before/after's design and the headline figures as published, and every file with its checksum.
     */
    record Manifest(String report, String quarter, String period, String org, String runId,
                    @JsonInclude(JsonInclude.Include.NON_NULL) String regeneratedByRun, String writtenAt, Rule disclosureRule,
                    String trajectory, Map<String, Object> beforeAfterDesign, Map<String, Object> headline, List<FileWritten> files) {
    }

    private static FileWritten put(SparkSession spark, String dir, String name, byte[] bytes, int rows) {
        String path = dir + "/" + name;
        FileSystem fs = Files2.plain(spark, path);
        try (OutputStream out = fs.create(new Path(path), true)) {
            out.write(bytes);
        } catch (IOException e) {
            throw new InputException("cannot write " + path + ": " + e.getMessage() + "; check --out is writable", e);
        }
        return new FileWritten(name, rows >= 0 ? rows : null, bytes.length, sha256(bytes));
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The table as CSV text ({@link Csv}). */
    static byte[] csv(ReportTable t) {
        return Csv.write(t.columns(), t.rows()).getBytes(StandardCharsets.UTF_8);
    }

    /** A workbook: an About sheet, then one sheet per table; numbers as numbers, hidden figures as the text *. */
    static byte[] xlsx(List<ReportTable> tables, ReportJob.Request req, String runId) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (Workbook wb = new Workbook(bytes, "phb", "1.0")) {
            Worksheet about = wb.newWorksheet("About");
            String[][] lines = {
                {"Personal health budgets: quarterly report"},
                {"Quarter", req.quarter().toString()},
                {"Period", req.quarter().start() + " to " + req.quarter().end()},
                {"Organisation", req.org() == null ? "whole lake" : req.org()},
                {"Run", runId},
                {"Disclosure rule", Published.ruleText()},
                {"Sheets", "one per table; the same figures as the CSV files of the same names"}};
            for (int r = 0; r < lines.length; r++) {
                for (int c = 0; c < lines[r].length; c++) {
                    about.value(r, c, lines[r][c]);
                }
            }
            about.style(0, 0).bold().set();
            about.width(0, 18);
            about.width(1, 120);
            for (ReportTable t : tables) {
                Worksheet ws = wb.newWorksheet(sheetName(t.name()));
                ws.value(0, 0, t.title());
                ws.style(0, 0).bold().set();
                ws.value(1, 0, t.description());
                int columns = t.columns().size();
                for (int c = 0; c < columns; c++) {
                    String name = t.columns().get(c);
                    ReportReference.Word w = WORDS.get(name);
                    String heading = w == null ? name : w.words();
                    ws.value(3, c, heading);
                    ws.style(3, c).bold().fillColor("E8F1F8").wrapText(true).set();
                    int widest = heading.length();
                    for (List<String> row : t.rows()) {
                        widest = Math.max(widest, c < row.size() && row.get(c) != null ? row.get(c).length() + 2 : 0);
                    }
                    ws.width(c, Math.min(60, Math.max(8, widest + 2)));
                }
                for (int r = 0; r < t.rows().size(); r++) {
                    List<String> row = t.rows().get(r);
                    for (int c = 0; c < row.size(); c++) {
                        String v = row.get(c);
                        BigDecimal n = number(v);
                        if (n != null) {
                            ws.value(4 + r, c, n);
                            String format = format(WORDS.get(t.columns().get(c)), n);
                            if (format != null) {
                                ws.style(4 + r, c).format(format).set();
                            }
                        } else {
                            ws.value(4 + r, c, v);
                            if (Published.HIDDEN.equals(v)) {
                                ws.style(4 + r, c).horizontalAlignment("right").set();
                            }
                        }
                    }
                }
                ws.freezePane(0, 4);
                if (!t.rows().isEmpty()) {
                    ws.setAutoFilter(3, 0, columns - 1);
                }
            }
            wb.finish();
        } catch (IOException e) {
            throw new IllegalStateException("cannot build the workbook", e);
        }
        return bytes.toByteArray();
    }

    private static final Map<String, ReportReference.Word> WORDS = ReportReference.words();

    /** A cell's number format by its column's kind (the data dictionary): counts and pounds with thousands separators. */
    private static String format(ReportReference.Word w, BigDecimal n) {
        if (w == null) {
            return null;
        }
        boolean whole = n.scale() <= 0 || n.stripTrailingZeros().scale() <= 0;
        return switch (w.kind()) {
            case COUNT -> "#,##0";
            case MONEY -> whole ? "£#,##0" : "£#,##0.00";
            case NUMBER -> whole ? "#,##0" : "#,##0.0###";
            default -> null;
        };
    }

    private static BigDecimal number(String v) {
        // codes with leading zeros (department type 01) stay text
        if (v == null || v.isEmpty() || !v.matches("-?[0-9]+(\\.[0-9]+)?") || v.matches("0[0-9]+")) {
            return null;
        }
        return new BigDecimal(v);
    }

    /** Sheet names are at most 31 characters. */
    static String sheetName(String name) {
        return name.length() <= 31 ? name : name.substring(0, 31);
    }
}
