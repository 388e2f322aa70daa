package uk.nhs.phb.jobs.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;

/**
 * Renders a report page in Debian's headless chromium and checks the charts really drew: the DOM after
 * layout (dumped with an instrumentation script added to a copy of the page, never to the report itself)
 * holds each chart's SVG with a non-zero size and drawn shapes, and a screenshot of the page is not blank and
 * shows the charts' blue. Skips only outside CI when chromium is not installed; in CI (env {@code CI} set) a
 * missing chromium fails.
 */
final class ChromiumCheck {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final int BLUE_R = 0x00;
    private static final int BLUE_G = 0x72;
    private static final int BLUE_B = 0xB2;

    private ChromiumCheck() {
    }

    /**
     * @param drawn   charts that must be in the rendered DOM with a non-zero size and drawn shapes
     * @param present charts that must be there with a non-zero size (their figures may all be hidden)
     */
    static void assertChartsRender(Path html, Path work, List<String> drawn, List<String> present) throws IOException, InterruptedException {
        if (!Files.isExecutable(CHROMIUM)) {
            if (System.getenv("CI") != null) {
                fail(CHROMIUM + " is missing in CI: .ci/run installs it (apt-get install -y chromium)");
            }
            Assumptions.abort(CHROMIUM + " is not installed (apt-get install -y chromium); the browser check runs in CI");
        }
        Files.createDirectories(work);
        // 1. the DOM after layout, with each chart's rendered size written into it by a script in a copy of the page
        String probe = "<script>for (const s of document.querySelectorAll('svg.chart')) {const r = s.getBoundingClientRect();"
                + "s.setAttribute('data-w', Math.round(r.width)); s.setAttribute('data-h', Math.round(r.height));"
                + "s.setAttribute('data-shapes', s.querySelectorAll('rect.bar, circle.point, path.line, line.interval').length);}"
                + "document.body.setAttribute('data-probed', 'yes');</script></body>";
        Path probed = work.resolve("probed.html");
        Files.writeString(probed, Files.readString(html).replace("</body>", probe), StandardCharsets.UTF_8);
        String dom = chromium(work, "--dump-dom", probed.toUri().toString());
        assertThat(dom).as("the browser ran the page").contains("data-probed=\"yes\"");
        Map<String, int[]> charts = new LinkedHashMap<>();
        Matcher m = Pattern.compile("<svg[^>]*\\bid=\"([^\"]+)\"[^>]*>").matcher(dom);
        while (m.find()) {
            String tag = m.group(0);
            charts.put(m.group(1), new int[] {attr(tag, "data-w"), attr(tag, "data-h"), attr(tag, "data-shapes")});
        }
        List<String> all = new ArrayList<>(drawn);
        all.addAll(present);
        for (String id : all) {
            assertThat(charts).as("chart " + id + " in the rendered DOM").containsKey(id);
            int[] c = charts.get(id);
            assertThat(c[0]).as(id + " width").isPositive();
            assertThat(c[1]).as(id + " height").isPositive();
            if (drawn.contains(id)) {
                assertThat(c[2]).as(id + " drawn shapes").isPositive();
            }
        }
        // every chart on the page rendered with a size
        for (Map.Entry<String, int[]> c : charts.entrySet()) {
            assertThat(c.getValue()[0]).as(c.getKey() + " width").isPositive();
            assertThat(c.getValue()[1]).as(c.getKey() + " height").isPositive();
        }
        // 2. a screenshot of the page itself is not blank and shows the charts
        Path png = work.resolve("page.png");
        chromium(work, "--screenshot=" + png, "--window-size=1200,4000", html.toUri().toString());
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img).as("screenshot").isNotNull();
        long nonWhite = 0;
        long blue = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y);
                int r = (rgb >> 16) & 0xff;
                int g = (rgb >> 8) & 0xff;
                int b = rgb & 0xff;
                nonWhite += r < 240 || g < 240 || b < 240 ? 1 : 0;
                blue += Math.abs(r - BLUE_R) < 24 && Math.abs(g - BLUE_G) < 24 && Math.abs(b - BLUE_B) < 24 ? 1 : 0;
            }
        }
        long pixels = (long) img.getWidth() * img.getHeight();
        assertThat(nonWhite).as("non-white pixels of " + pixels).isGreaterThan(pixels / 50);
        assertThat(blue).as("pixels in the charts' blue").isGreaterThan(2000);
    }

    private static int attr(String tag, String name) {
        Matcher m = Pattern.compile(name + "=\"([0-9]+)\"").matcher(tag);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    /** Runs chromium headless (no network use, a throwaway profile) and returns its standard output. */
    private static String chromium(Path work, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + work.resolve("profile"), "--virtual-time-budget=5000"));
        cmd.addAll(List.of(args));
        Path out = work.resolve("chromium.out");
        Path err = work.resolve("chromium.err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("chromium did not finish in 120 s: " + String.join(" ", cmd));
        }
        assertThat(p.exitValue()).as("chromium exit; stderr: " + Files.readString(err)).isZero();
        return Files.readString(out);
    }
}
