package uk.nhs.phb.pipelines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;

/**
 * HTML pages as people use them: each page opened in Debian's headless Chromium at 1280 and 400 px wide (a desktop
 * and a phone), a full-page screenshot of each, a check that nothing is wider than the window or cut off (a box's
 * content, or a chart's text past the chart's edge), and the
 * axe-core accessibility audit on WCAG 2.0, 2.1 and 2.2 A and AA rules and axe's best practice. A page passes with no
 * serious or critical violation. The tooling is {@code tools/a11y} (playwright-core drives the browser; installed by
 * {@code npm ci --prefix tools/a11y}, as {@code .ci/run} does). Skips only outside CI when the browser or the tooling
 * is missing; in CI (env {@code CI} set) either missing fails.
 */
public final class BrowserAudit {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    /** One page at one width: its screenshot and what the audit found. */
    public record Page(String file, int width, Path screenshot, boolean overflowing, List<String> clipped, List<Violation> violations) {
        /** Violations a person using assistive technology would be blocked or seriously hindered by. */
        public List<Violation> serious() {
            return violations.stream().filter(v -> "serious".equals(v.impact()) || "critical".equals(v.impact())).toList();
        }
    }

    /** One axe rule broken on a page. */
    public record Violation(String id, String impact, String help, int nodes, List<String> targets) {
    }

    private BrowserAudit() {
    }

    /** The audit of each page at both widths; screenshots go to {@code shots}. */
    public static List<Page> audit(Path shots, List<Path> pages) throws IOException, InterruptedException {
        Path tools = tools();
        boolean ci = System.getenv("CI") != null;
        if (!Files.isExecutable(CHROMIUM) || !Files.isDirectory(tools.resolve("node_modules/axe-core"))) {
            String what = !Files.isExecutable(CHROMIUM) ? CHROMIUM + " (apt-get install -y chromium)"
                    : tools.resolve("node_modules") + " (npm ci --prefix tools/a11y)";
            if (ci) {
                fail(what + " is missing in CI: .ci/run installs it");
            }
            Assumptions.abort(what + " is not installed; the browser audit runs in CI");
        }
        Files.createDirectories(shots);
        List<String> command = new ArrayList<>(List.of("node", tools.resolve("audit.mjs").toString(), "--shots", shots.toString()));
        pages.forEach(p -> command.add(p.toString()));
        Path log = Files.createTempFile(shots, "audit", ".log");
        Process p = new ProcessBuilder(command).redirectError(log.toFile()).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("the browser audit did not finish in 180 s: " + Files.readString(log));
        }
        if (p.exitValue() != 0) {
            fail("the browser audit failed (exit " + p.exitValue() + "): " + Files.readString(log));
        }
        JsonNode json = new ObjectMapper().readTree(new String(out, StandardCharsets.UTF_8));
        List<Page> result = new ArrayList<>();
        for (JsonNode page : json.get("pages")) {
            List<Violation> violations = new ArrayList<>();
            for (JsonNode v : page.get("violations")) {
                List<String> targets = new ArrayList<>();
                v.get("targets").forEach(t -> targets.add(t.asText()));
                violations.add(new Violation(v.get("id").asText(), v.get("impact").asText(), v.get("help").asText(), v.get("nodes").asInt(),
                        targets));
            }
            List<String> clipped = new ArrayList<>();
            page.get("clipped").forEach(c -> clipped.add(c.asText()));
            result.add(new Page(page.get("file").asText(), page.get("width").asInt(), Path.of(page.get("screenshot").asText()),
                    page.get("overflowing").asBoolean(), clipped, violations));
        }
        assertThat(result).as("two widths a page").hasSize(2 * pages.size());
        return result;
    }

    /** Audits the pages and asserts each passes: no serious or critical violation, nothing wider than the window, real pixels. */
    public static List<Page> assertAccessible(Path shots, List<Path> pages) throws IOException, InterruptedException {
        List<Page> result = audit(shots, pages);
        for (Page p : result) {
            String where = p.file() + " at " + p.width() + " px";
            assertThat(p.serious()).as(where + ": serious or critical accessibility violations").isEmpty();
            assertThat(p.overflowing()).as(where + ": wider than the window (a reader must scroll sideways)").isFalse();
            assertThat(p.clipped()).as(where + ": content cut off by its box").isEmpty();
            assertNotBlank(p.screenshot(), where);
        }
        return result;
    }

    /** The screenshot has ink: at least 1% of its pixels are dark (text), so the page really drew. */
    static void assertNotBlank(Path png, String where) throws IOException {
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img).as(where + " screenshot").isNotNull();
        long dark = 0;
        for (int y = 0; y < img.getHeight(); y += 2) {
            for (int x = 0; x < img.getWidth(); x += 2) {
                int rgb = img.getRGB(x, y);
                if (((rgb >> 16) & 0xff) + ((rgb >> 8) & 0xff) + (rgb & 0xff) < 200) {
                    dark++;
                }
            }
        }
        long sampled = (long) ((img.getHeight() + 1) / 2) * ((img.getWidth() + 1) / 2);
        assertThat(dark * 100.0 / sampled).as(where + ": share of dark pixels in the screenshot (text drawn)").isGreaterThan(1.0);
    }

    /** tools/a11y from the module folder a test runs in (or the checkout's root). */
    static Path tools() {
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("tools/a11y"))) {
                return p.resolve("tools/a11y");
            }
        }
        return here.resolve("tools/a11y");
    }
}
