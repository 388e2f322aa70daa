package uk.nhs.phb.jobs.ingest;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import uk.nhs.phb.jobs.InputException;
import uk.nhs.phb.jobs.JobSettings;
import uk.nhs.phb.models.pseudonym.SecretKey;
import uk.nhs.phb.schemas.profiles.Profiles;

/**
 * Random damage to the XML returns councils and schools send (the CIN census, the school census), then a real
 * {@link IngestJob}: every trial must end in an ingest that accounts for each record the file holds, or in an
 * {@link InputException} naming the damaged file. A record is accounted for when its row is in bronze or quarantine;
 * where a file stops being readable XML, the records before the break must still be there, beside one quarantined row
 * saying where it broke. The records a file holds are counted here independently, by the JDK's own StAX parser
 * (ingest reads with the Woodstox parser on Spark's classpath) and by the element names alone.
 */
final class XmlIngestFuzz {
    static final LocalDate EXTRACT = IngestFuzz.EXTRACT;
    /** The damage, each applied to one file. */
    static final List<String> OPERATORS = List.of("truncate", "cut_inside_record", "latin1_text", "declared_latin1", "utf16_file",
            "bom", "unknown_elements", "default_namespace", "prefixed_namespace", "unescaped_ampersand", "missing_end_tag",
            "garbage_bytes", "nul_bytes", "duplicate_record", "empty_file", "gzip", "truncated_gzip", "doctype_entity",
            "wrong_root", "crlf", "comments_and_instructions", "whitespace_in_values");

    /** A return: its landing folder, the feed it fills, the element each person is, the elements that are records. */
    record Return(String folder, String feed, String person, Set<String> records, String file, String text) {
    }

    record Outcome(long seed, String folder, List<String> operators, String result, long records, long accounted, String message) {
    }

    private final SparkSession spark;
    private final Path work;
    private final List<Return> returns;

    XmlIngestFuzz(SparkSession spark, Path work) {
        this.spark = spark;
        this.work = work;
        this.returns = List.of(schoolCensus(), cinCensus());
    }

    private static Return schoolCensus() {
        StringBuilder pupils = new StringBuilder();
        String[] provision = {"E", "K", "N", "N", "N"};
        for (int i = 0; i < 40; i++) {
            pupils.append(IngestProfilesTest.pupil(i % 13 == 12 ? null : String.format("A9970000%05d", i), "Pupil" + (char) ('A' + i % 26),
                    LocalDate.of(2008 + i % 10, 1 + i % 12, 1 + i % 28).toString(), i % 2 == 0 ? "<Sex>F</Sex>" : "<Sex>M</Sex>",
                    provision[i % provision.length], i % 7 == 0 ? null : "S" + (1 + i % 9) + " " + (i % 10) + "AB"));
        }
        return new Return("school_census_pupils", "school_census", "PupilOnRoll", Set.of("PupilOnRoll"), "SC_3732001_SPR2024.xml",
                IngestProfilesTest.schoolCensusReturn("2001", true, pupils.toString()));
    }

    private static Return cinCensus() {
        StringBuilder children = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            children.append("<Child>\n  <ChildIdentifiers><LAchildID>CH").append(String.format("%04d", i))
                    .append("</LAchildID><PersonBirthDate>").append(LocalDate.of(2008 + i % 12, 1 + i % 12, 1 + i % 27))
                    .append("</PersonBirthDate><Sex>").append(i % 2 == 0 ? "F" : "M").append("</Sex></ChildIdentifiers>\n")
                    .append("  <ChildCharacteristics><Ethnicity>WBRI</Ethnicity></ChildCharacteristics>\n")
                    .append("  <CINdetails><CINreferralDate>2023-0").append(1 + i % 9).append("-1").append(i % 10)
                    .append("</CINreferralDate><ReferralSource>1A</ReferralSource><ReferralNFA>0</ReferralNFA>\n");
            if (i % 3 == 0) {
                children.append("    <ChildProtectionPlans><CPPstartDate>2023-10-0").append(1 + i % 9)
                        .append("</CPPstartDate><InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse></ChildProtectionPlans>\n");
            }
            children.append("  </CINdetails>\n</Child>\n");
        }
        return new Return("cin_census", "csc", "Child", Set.of("CINdetails", "ChildProtectionPlans"), "CIN_Census_330_2024.xml",
                IngestProfilesTest.cinReturn(children.toString()));
    }

    /** One trial: a return, damaged by 1-3 operators, with an undamaged copy of another school or council beside it. */
    Outcome trial(long seed) throws IOException {
        // consecutive seeds of java.util.Random start alike: mixed first
        Random r = new Random(new java.util.SplittableRandom(seed).nextLong());
        Return ret = returns.get(r.nextInt(returns.size()));
        Path landing = work.resolve("xml-landing-" + seed);
        Path folder = Files.createDirectories(landing.resolve(ret.folder()));
        Path clean = folder.resolve("clean-" + ret.file());
        Files.writeString(clean, ret.text().replace("<LEA>330</LEA>", "<LEA>373</LEA>").replace("<Estab>2001</Estab>", "<Estab>4002</Estab>"),
                StandardCharsets.UTF_8);
        byte[] bytes = ret.text().getBytes(StandardCharsets.UTF_8);
        String name = ret.file();
        List<String> applied = new ArrayList<>();
        int ops = 1 + r.nextInt(3);
        for (int k = 0; k < ops; k++) {
            String op = OPERATORS.get(r.nextInt(OPERATORS.size()));
            if (name.endsWith(".gz") && !op.equals("truncate")) {
                continue; // a gzip file is only ever cut further
            }
            bytes = apply(op, bytes, ret, r);
            if (op.contains("gzip")) {
                name = name + ".gz";
            }
            applied.add(op);
        }
        Path damaged = folder.resolve(name);
        Files.write(damaged, bytes);
        Map<String, Count> expected = new HashMap<>();
        expected.put(clean.getFileName().toString(), count(Files.readAllBytes(clean), false, ret));
        expected.put(name, count(bytes, name.endsWith(".gz"), ret));
        JobSettings settings = new JobSettings(work.resolve("xml-lake").toString(), landing.toString(), work.resolve("xml-out").toString(),
                "local[2]", false);
        try {
            IngestJob.Result res = IngestJob.of(settings).feeds(List.of(ret.feed())).extractDate(EXTRACT).profiles(Profiles.builtIn())
                    .lakeKey(SecretKey.fromBase64("eG1sLWZ1enotdGVzdC1rZXktMDAwMDAwMDAwMDAwMDA=")).execute();
            long accounted = check(settings, ret, expected, res.feeds().get(0), seed, applied);
            long records = expected.values().stream().mapToLong(Count::records).sum();
            return new Outcome(seed, ret.folder(), applied, "ingested", records, accounted, null);
        } catch (InputException e) {
            if (!e.getMessage().contains(name) && !e.getMessage().contains(folder.toString())) {
                throw new AssertionError("seed " + seed + " " + applied + ": the input error names no damaged file: " + e.getMessage(), e);
            }
            return new Outcome(seed, ret.folder(), applied, "input_error", 0, 0, e.getMessage());
        } catch (AssertionError e) {
            throw e;
        } catch (RuntimeException e) {
            throw new AssertionError("seed " + seed + " " + ret.folder() + " " + applied + ": ingest failed with " + e, e);
        } finally {
            IngestFuzz.deleteTree(landing);
        }
    }

    /** Records the JDK parser completes before any error; whether it met one; record elements the text opens at all. */
    record Count(long records, boolean broken, long opened) {
    }

    static Count count(byte[] bytes, boolean gzip, Return ret) {
        if (gzip) {
            try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
                bytes = in.readAllBytes();
            } catch (IOException e) {
                return new Count(0, true, 0); // a cut gzip: an input error, or a break, whichever ingest says
            }
        }
        long opened = 0;
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        for (String rec : ret.records()) {
            opened += text.split("<" + rec + ">", -1).length - 1 + text.split(":" + rec + ">", -1).length - 1;
        }
        XMLInputFactory f = XMLInputFactory.newDefaultFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        long records = 0;
        try {
            XMLStreamReader x = f.createXMLStreamReader(new ByteArrayInputStream(bytes));
            boolean root = true;
            while (x.hasNext()) {
                int ev = x.next();
                if (ev == XMLStreamConstants.START_ELEMENT && root) {
                    root = false;
                    if (!x.getLocalName().equals("Message")) {
                        return new Count(0, true, opened);
                    }
                } else if (ev == XMLStreamConstants.END_ELEMENT && ret.records().contains(x.getLocalName())) {
                    records++;
                }
            }
            return new Count(records, root, opened);
        } catch (XMLStreamException | RuntimeException e) {
            return new Count(records, true, opened);
        }
    }

    /**
     * Each file's rows in bronze and quarantine: all its records when it is whole XML; when it breaks, at least the
     * records the JDK parser read before the break (the two parsers may notice a bad byte a buffer apart) and at most
     * those it opens, plus one quarantined row naming the break. No row twice.
     */
    private long check(JobSettings settings, Return ret, Map<String, Count> expected, IngestJob.FeedResult fr, long seed,
                       List<String> applied) {
        String ctx = "seed " + seed + " " + ret.folder() + " " + applied;
        if (fr.rowsIn() != fr.rowsValid() + fr.rowsQuarantined()) {
            throw new AssertionError(ctx + ": rows_in != valid + quarantined: " + fr);
        }
        Map<String, Long> rows = new HashMap<>();
        Map<String, Long> breaks = new HashMap<>();
        Set<String> seen = new java.util.HashSet<>();
        String lake = settings.lakeLayout().bronze(ret.feed());
        List<Row> bronze = Files.exists(Path.of(lake)) ? spark.read().format("delta").load(lake)
                .select("_source_file", "_source_line").collectAsList() : List.of();
        String q = settings.lakeLayout().quarantine(ret.feed());
        List<Row> quarantine = Files.exists(Path.of(q)) ? spark.read().format("delta").load(q)
                .select("_source_file", "_source_line", "_rule", "_detail").collectAsList() : List.of();
        List<Row> all = new ArrayList<>(bronze);
        all.addAll(quarantine);
        for (Row row : all) {
            String file = Path.of(row.getString(0)).getFileName().toString();
            rows.merge(file, 1L, Long::sum);
            if (row.size() > 2 && row.getString(3) != null && (row.getString(3).contains("not well-formed") || row.getString(3).contains("root element")
                    || row.getString(3).contains("not XML"))) {
                breaks.merge(file, 1L, Long::sum);
            }
        }
        long accounted = 0;
        for (Map.Entry<String, Count> e : expected.entrySet()) {
            Count c = e.getValue();
            long got = rows.getOrDefault(e.getKey(), 0L);
            long broke = breaks.getOrDefault(e.getKey(), 0L);
            accounted += got - broke;
            if (!c.broken()) {
                if (broke != 0 || got != c.records()) {
                    throw new AssertionError(ctx + ": " + e.getKey() + " is whole XML with " + c.records() + " records, but the lake holds "
                            + got + " rows of it (" + broke + " breaks): " + quarantine);
                }
            } else if (broke > 1 || got - broke < c.records() || got - broke > c.opened()) {
                throw new AssertionError(ctx + ": " + e.getKey() + " breaks after " + c.records() + " of " + c.opened()
                        + " records, but the lake holds " + (got - broke) + " of its records and " + broke + " breaks: " + quarantine);
            } else if (broke == 0 && got != c.opened()) {
                throw new AssertionError(ctx + ": " + e.getKey() + " is damaged XML and no break was recorded, but the lake holds "
                        + got + " of its " + c.opened() + " records");
            }
        }
        return accounted;
    }

    // ------------------------------------------------------------------ damage

    static byte[] apply(String op, byte[] b, Return ret, Random r) throws IOException {
        String t = new String(b, StandardCharsets.UTF_8);
        String open = "<" + ret.person() + ">";
        String close = "</" + ret.person() + ">";
        return switch (op) {
            case "truncate" -> java.util.Arrays.copyOf(b, b.length == 0 ? 0 : r.nextInt(b.length));
            case "cut_inside_record" -> {
                int at = nth(t, open, r);
                yield at < 0 ? b : t.substring(0, at + open.length() + r.nextInt(40)).getBytes(StandardCharsets.UTF_8);
            }
            case "latin1_text" -> t.replaceFirst("<Ethnicity>WBRI", "<Ethnicity>Caf\u00e9 \u00a3").getBytes(StandardCharsets.ISO_8859_1);
            case "declared_latin1" -> t.replace("encoding=\"UTF-8\"", "encoding=\"ISO-8859-1\"")
                    .replaceFirst("<Ethnicity>WBRI", "<Ethnicity>Caf\u00e9").getBytes(StandardCharsets.ISO_8859_1);
            case "utf16_file" -> t.getBytes(StandardCharsets.UTF_16);
            case "bom" -> concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, b);
            case "unknown_elements" -> t.replace(open, open + "<PhbUnknownElement a=\"1\">x<Nested/></PhbUnknownElement>")
                    .replace("<Header>", "<Header><Extra>y</Extra>").getBytes(StandardCharsets.UTF_8);
            case "default_namespace" -> t.replaceFirst("<Message>", "<Message xmlns=\"urn:example:not-the-dfe\">").getBytes(StandardCharsets.UTF_8);
            case "prefixed_namespace" -> t.replaceAll("<(/?)([A-Za-z])", "<$1d:$2")
                    .replaceFirst("<d:Message>", "<d:Message xmlns:d=\"urn:example:dfe\">").getBytes(StandardCharsets.UTF_8);
            case "unescaped_ampersand" -> replaceNth(t, "<Ethnicity>", "<Ethnicity>A & B", r).getBytes(StandardCharsets.UTF_8);
            case "missing_end_tag" -> replaceNth(t, close, "", r).getBytes(StandardCharsets.UTF_8);
            case "garbage_bytes" -> {
                byte[] g = new byte[8 + r.nextInt(32)];
                r.nextBytes(g);
                int at = b.length == 0 ? 0 : r.nextInt(b.length);
                yield concat(concat(java.util.Arrays.copyOf(b, at), g), java.util.Arrays.copyOfRange(b, at, b.length));
            }
            case "nul_bytes" -> {
                int at = b.length == 0 ? 0 : r.nextInt(b.length);
                yield concat(concat(java.util.Arrays.copyOf(b, at), new byte[] {0, 0}), java.util.Arrays.copyOfRange(b, at, b.length));
            }
            case "duplicate_record" -> {
                int from = nth(t, open, r);
                int to = from < 0 ? -1 : t.indexOf(close, from);
                yield from < 0 || to < 0 ? b : (t.substring(0, to + close.length()) + "\n" + t.substring(from, to + close.length())
                        + t.substring(to + close.length())).getBytes(StandardCharsets.UTF_8);
            }
            case "empty_file" -> new byte[0];
            case "gzip", "truncated_gzip" -> {
                ByteArrayOutputStream z = new ByteArrayOutputStream();
                try (GZIPOutputStream g = new GZIPOutputStream(z)) {
                    g.write(b);
                }
                byte[] gz = z.toByteArray();
                yield op.equals("gzip") || gz.length < 20 ? gz : java.util.Arrays.copyOf(gz, 10 + r.nextInt(gz.length - 10));
            }
            case "doctype_entity" -> t.replaceFirst("<Message>", "<!DOCTYPE Message [<!ENTITY x SYSTEM \"file:///etc/hostname\">]>\n<Message>")
                    .replaceFirst("<Ethnicity>WBRI", "<Ethnicity>&x;").getBytes(StandardCharsets.UTF_8);
            case "wrong_root" -> t.replace("<Message>", "<SEN2>").replace("</Message>", "</SEN2>").getBytes(StandardCharsets.UTF_8);
            case "crlf" -> t.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
            case "comments_and_instructions" -> t.replace(open, "<!-- checked by the data team -->" + open + "<?mis export?>")
                    .getBytes(StandardCharsets.UTF_8);
            case "whitespace_in_values" -> t.replace("<Sex>", "<Sex>\n   ").replace("</Sex>", "  \n</Sex>").getBytes(StandardCharsets.UTF_8);
            default -> throw new IllegalArgumentException(op);
        };
    }

    private static int nth(String t, String s, Random r) {
        List<Integer> at = new ArrayList<>();
        for (int i = t.indexOf(s); i >= 0; i = t.indexOf(s, i + 1)) {
            at.add(i);
        }
        return at.isEmpty() ? -1 : at.get(r.nextInt(at.size()));
    }

    private static String replaceNth(String t, String s, String with, Random r) {
        int at = nth(t, s, r);
        return at < 0 ? t : t.substring(0, at) + with + t.substring(at + s.length());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static Map<String, Object> totals(List<Outcome> outcomes) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("trials", outcomes.size());
        m.put("ingested", outcomes.stream().filter(o -> o.result().equals("ingested")).count());
        m.put("input_errors", outcomes.stream().filter(o -> o.result().equals("input_error")).count());
        m.put("records", outcomes.stream().mapToLong(Outcome::records).sum());
        m.put("records_accounted", outcomes.stream().mapToLong(Outcome::accounted).sum());
        m.put("rows_lost", 0);
        Map<String, Long> byOp = new java.util.TreeMap<>();
        outcomes.forEach(o -> o.operators().forEach(op -> byOp.merge(op, 1L, Long::sum)));
        m.put("by_operator", byOp);
        return m;
    }
}
