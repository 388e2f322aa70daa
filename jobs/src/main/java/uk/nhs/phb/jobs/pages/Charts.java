package uk.nhs.phb.jobs.pages;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The one chart code of every page phb publishes (the quarterly report, the statement of resources, the model
 * report). Inline SVG charts drawn by phb itself (no scripts, no fonts or files from elsewhere), each an accessible
 * {@code <figure>}: {@code role="img"} with a title and a description naming every value, a caption, and the
 * data table rendered after it by the page. Colours are the Okabe-Ito palette, readable by people with colour
 * vision deficiencies; series are also told apart by line style and labels, never by colour alone.
 */
public final class Charts {
    public static final String BLUE = "#0072B2";
    public static final String ORANGE = "#D55E00";
    public static final String GREEN = "#009E73";
    public static final String GREY = "#595959";
    public static final String TEXT = "#1a1a1a";
    private static final int WIDTH = 720;

    private Charts() {
    }

    /** A labelled value; null value = hidden by the disclosure rule. */
    public record Bar(String label, Double value, String text) {
    }

    /** One estimate with its interval and, optionally, a reference value (the truth). */
    public record Interval(String label, double estimate, double low, double high, Double reference) {
    }

    /** The charts' one escape: a label or title from the data is text in the SVG, never markup. */
    private static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String open(String id, int height, String title, String desc) {
        return open(id, WIDTH, height, title, desc);
    }

    private static String open(String id, int width, int height, String title, String desc) {
        return "<svg class=\"chart\" id=\"" + esc(id) + "\" role=\"img\" aria-labelledby=\"" + esc(id) + "-title " + esc(id) + "-desc\" width=\""
                + width + "\" height=\"" + height + "\" viewBox=\"0 0 " + width + " " + height + "\">"
                + "<title id=\"" + esc(id) + "-title\">" + esc(title) + "</title><desc id=\"" + esc(id) + "-desc\">" + esc(desc) + "</desc>"
                + "<rect x=\"0\" y=\"0\" width=\"" + width + "\" height=\"" + height + "\" fill=\"#ffffff\"/>";
    }

    private static String describe(List<Bar> bars, String unit) {
        List<String> parts = new ArrayList<>();
        for (Bar b : bars) {
            parts.add(b.label() + ": " + (b.value() == null ? "hidden (small number)" : b.text() + unit));
        }
        return String.join("; ", parts) + ".";
    }

    /** Horizontal bars, one per label, scaled to the largest value. */
    public static String bars(String id, String title, List<Bar> bars, String unit, String colour) {
        int rowH = 28;
        int top = 10;
        int labelW = 270;
        int height = top * 2 + rowH * Math.max(1, bars.size());
        double max = bars.stream().filter(b -> b.value() != null).mapToDouble(Bar::value).max().orElse(0);
        StringBuilder s = new StringBuilder(open(id, height, title, describe(bars, unit)));
        double span = WIDTH - labelW - 110;
        for (int i = 0; i < bars.size(); i++) {
            Bar b = bars.get(i);
            double y = top + i * rowH;
            s.append(label(labelW - 8, y + rowH * 0.62, b.label()));
            if (b.value() == null) {
                s.append("<text x=\"").append(labelW).append("\" y=\"").append(f(y + rowH * 0.62)).append("\" font-size=\"13\" fill=\"").append(GREY)
                        .append("\">hidden (*)</text>");
                continue;
            }
            double w = max <= 0 ? 0 : Math.max(1, span * b.value() / max);
            s.append("<rect class=\"bar\" x=\"").append(labelW).append("\" y=\"").append(f(y + 4)).append("\" width=\"").append(f(w))
                    .append("\" height=\"").append(rowH - 8).append("\" fill=\"").append(colour).append("\"/>");
            s.append("<text x=\"").append(f(labelW + w + 6)).append("\" y=\"").append(f(y + rowH * 0.62)).append("\" font-size=\"13\" fill=\"")
                    .append(TEXT).append("\">").append(esc(b.text() + unit)).append("</text>");
        }
        return s.append("</svg>").toString();
    }

    /** A round step for about {@code raw}: 1, 2, 2.5 or 5 times a power of ten, never below it. */
    public static double niceStep(double raw) {
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        double r = raw / magnitude;
        double nice = r <= 1 ? 1 : r <= 2 ? 2 : r <= 2.5 ? 2.5 : r <= 5 ? 5 : 10;
        return nice * magnitude;
    }

    /** A tick's value with thousands separators, and as many decimals as the step has (0.02: two), none at a whole number. */
    public static String tickText(double v, double step) {
        if (Math.abs(v) < step / 1e6) {
            return "0";
        }
        if (step >= 1 && step == Math.rint(step)) {
            return String.format(Locale.UK, "%,d", Math.round(v));
        }
        int decimals = Math.max(1, java.math.BigDecimal.valueOf(step).stripTrailingZeros().scale());
        return String.format(Locale.UK, "%,." + decimals + "f", v).replaceAll("\\.?0+$", "");
    }

    /** Characters of 13 px text that fit the bars' label column; a longer label takes two lines. */
    public static final int LABEL_CHARS = 36;

    /** A bar's label, right-aligned at x: on one line, or on two split at a space when it would not fit the column. */
    private static String label(double x, double y, String text) {
        String open = "<text x=\"" + f(x) + "\" y=\"" + f(y) + "\" text-anchor=\"end\" font-size=\"13\" fill=\"" + TEXT + "\">";
        if (text.length() <= LABEL_CHARS) {
            return open + esc(text) + "</text>";
        }
        int cut = text.lastIndexOf(' ', Math.min(text.length() - 1, (text.length() + 1) / 2 + 6));
        if (cut <= 0) {
            cut = text.indexOf(' ');
        }
        if (cut <= 0) {
            return open + esc(text) + "</text>";
        }
        return open + "<tspan x=\"" + f(x) + "\" dy=\"-7\">" + esc(text.substring(0, cut)) + "</tspan><tspan x=\"" + f(x)
                + "\" dy=\"14\">" + esc(text.substring(cut + 1)) + "</tspan></text>";
    }

    /** A pyramid: one centred bar per tier, widest at the bottom, width by value, highest tier on top; labels to its right. */
    public static String pyramid(String id, String title, List<Bar> tiersTopDown, String unit) {
        int rowH = 44;
        int height = 20 + rowH * Math.max(1, tiersTopDown.size());
        double max = tiersTopDown.stream().filter(b -> b.value() != null).mapToDouble(Bar::value).max().orElse(0);
        StringBuilder s = new StringBuilder(open(id, height, title, describe(tiersTopDown, unit)));
        // the pyramid keeps to the left so the labels beside its widest bar stay inside the chart
        double span = WIDTH - 320;
        double centre = 8 + span / 2;
        for (int i = 0; i < tiersTopDown.size(); i++) {
            Bar b = tiersTopDown.get(i);
            double y = 10 + i * rowH;
            // a minimum width keeps the smallest tiers visible; the label gives the value
            double w = b.value() == null || max <= 0 ? 0 : Math.max(24, span * Math.sqrt(b.value() / max));
            if (w > 0) {
                s.append("<rect class=\"bar\" x=\"").append(f(centre - w / 2)).append("\" y=\"").append(f(y + 3)).append("\" width=\"").append(f(w))
                        .append("\" height=\"").append(rowH - 6).append("\" fill=\"").append(i == 0 ? ORANGE : BLUE).append("\" opacity=\"")
                        .append(f(1.0 - 0.15 * i)).append("\"/>");
            }
            s.append("<text x=\"").append(f(centre + Math.max(w, 24) / 2 + 8)).append("\" y=\"").append(f(y + rowH * 0.6)).append("\" font-size=\"13\" fill=\"")
                    .append(TEXT).append("\">").append(esc(b.label() + ": " + (b.value() == null ? "hidden (*)" : b.text() + unit))).append("</text>");
        }
        return s.append("</svg>").toString();
    }

    /** Lines over quarters: a solid measured series and a dashed target series, with point markers and labels. */
    public static String lines(String id, String title, String yTitle, List<String> xLabels, List<Double> measured, String measuredName,
                               List<Double> target, String targetName) {
        int height = 300;
        int left = 84;
        int right = 160;
        int top = 20;
        int bottom = 50;
        double max = 0;
        for (Double v : measured) {
            max = v == null ? max : Math.max(max, v);
        }
        for (Double v : target) {
            max = v == null ? max : Math.max(max, v);
        }
        double tick = niceStep(max <= 0 ? 1 : max / 4);
        int ticks = (int) Math.max(1, Math.ceil(max / tick - 1e-9));
        max = tick * ticks;
        int n = xLabels.size();
        double step = n <= 1 ? 0 : (WIDTH - left - right) / (double) (n - 1);
        double plotH = height - top - bottom;
        List<String> desc = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            desc.add(xLabels.get(i) + ": " + measuredName + " " + (measured.get(i) == null ? "hidden" : f(measured.get(i))) + ", " + targetName + " "
                    + (target.get(i) == null ? "none" : f(target.get(i))));
        }
        StringBuilder s = new StringBuilder(open(id, height, title, String.join("; ", desc) + "."));
        s.append("<line x1=\"").append(left).append("\" y1=\"").append(height - bottom).append("\" x2=\"").append(WIDTH - right).append("\" y2=\"")
                .append(height - bottom).append("\" stroke=\"").append(GREY).append("\"/>");
        for (int g = 0; g <= ticks; g++) {
            double v = tick * g;
            double y = height - bottom - plotH * g / ticks;
            s.append("<text x=\"").append(left - 6).append("\" y=\"").append(f(y + 4)).append("\" text-anchor=\"end\" font-size=\"11\" fill=\"")
                    .append(TEXT).append("\">").append(tickText(v, tick)).append("</text>");
            s.append("<line x1=\"").append(left).append("\" y1=\"").append(f(y)).append("\" x2=\"").append(WIDTH - right).append("\" y2=\"")
                    .append(f(y)).append("\" stroke=\"#e0e0e0\"/>");
        }
        for (int i = 0; i < n; i++) {
            double x = left + step * i;
            s.append("<text x=\"").append(f(x)).append("\" y=\"").append(height - bottom + 18).append("\" text-anchor=\"middle\" font-size=\"11\" fill=\"")
                    .append(TEXT).append("\">").append(esc(xLabels.get(i))).append("</text>");
        }
        // axis titles: what the y values are, and that the x axis is the quarter
        s.append("<text x=\"16\" y=\"").append(f(top + plotH / 2)).append("\" text-anchor=\"middle\" font-size=\"12\" fill=\"").append(TEXT)
                .append("\" transform=\"rotate(-90 16 ").append(f(top + plotH / 2)).append(")\">").append(esc(yTitle)).append("</text>");
        s.append("<text x=\"").append(f(left + (WIDTH - left - right) / 2.0)).append("\" y=\"").append(height - 8)
                .append("\" text-anchor=\"middle\" font-size=\"12\" fill=\"").append(TEXT).append("\">Quarter</text>");
        series(s, measured, left, step, height - bottom, plotH, max, BLUE, null, "circle");
        series(s, target, left, step, height - bottom, plotH, max, ORANGE, "6 4", "square");
        double ly = top + 10;
        s.append("<line x1=\"").append(WIDTH - right + 12).append("\" y1=\"").append(f(ly)).append("\" x2=\"").append(WIDTH - right + 40).append("\" y2=\"")
                .append(f(ly)).append("\" stroke=\"").append(BLUE).append("\" stroke-width=\"3\"/>");
        s.append("<text x=\"").append(WIDTH - right + 46).append("\" y=\"").append(f(ly + 4)).append("\" font-size=\"12\" fill=\"").append(TEXT).append("\">")
                .append(esc(measuredName)).append("</text>");
        s.append("<line x1=\"").append(WIDTH - right + 12).append("\" y1=\"").append(f(ly + 22)).append("\" x2=\"").append(WIDTH - right + 40)
                .append("\" y2=\"").append(f(ly + 22)).append("\" stroke=\"").append(ORANGE).append("\" stroke-width=\"3\" stroke-dasharray=\"6 4\"/>");
        s.append("<text x=\"").append(WIDTH - right + 46).append("\" y=\"").append(f(ly + 26)).append("\" font-size=\"12\" fill=\"").append(TEXT).append("\">")
                .append(esc(targetName)).append("</text>");
        return s.append("</svg>").toString();
    }

    private static void series(StringBuilder s, List<Double> v, int left, double step, double base, double plotH, double max, String colour,
                               String dash, String marker) {
        StringBuilder path = new StringBuilder();
        for (int i = 0; i < v.size(); i++) {
            if (v.get(i) == null) {
                continue;
            }
            double x = left + step * i;
            double y = base - plotH * v.get(i) / max;
            path.append(path.length() == 0 ? "M" : " L").append(f(x)).append(" ").append(f(y));
            if (marker.equals("circle")) {
                s.append("<circle class=\"point\" cx=\"").append(f(x)).append("\" cy=\"").append(f(y)).append("\" r=\"4\" fill=\"").append(colour).append("\"/>");
            } else {
                s.append("<rect class=\"point\" x=\"").append(f(x - 4)).append("\" y=\"").append(f(y - 4)).append("\" width=\"8\" height=\"8\" fill=\"")
                        .append(colour).append("\"/>");
            }
        }
        if (path.length() > 0) {
            s.append("<path class=\"line\" d=\"").append(path).append("\" fill=\"none\" stroke=\"").append(colour).append("\" stroke-width=\"3\"")
                    .append(dash == null ? "" : " stroke-dasharray=\"" + dash + "\"").append("/>");
        }
    }

    /**
     * Estimates with intervals on a shared axis (a forest plot): round ticks in pounds with a grid, a zero line, an axis
     * title saying which side is a saving, and a diamond at each reference value.
     */
    public static String forest(String id, String title, List<Interval> rows, String axisTitle) {
        int rowH = 34;
        int labelW = 300;
        int top = 30;
        int bottom = 50;
        int height = top + bottom + rowH * Math.max(1, rows.size());
        double lo = 0;
        double hi = 0;
        for (Interval r : rows) {
            lo = Math.min(lo, Math.min(r.low(), r.reference() == null ? r.low() : r.reference()));
            hi = Math.max(hi, Math.max(r.high(), r.reference() == null ? r.high() : r.reference()));
        }
        double tick = niceStep(Math.max(1, (hi - lo) / 5));
        lo = Math.floor(lo / tick) * tick;
        hi = Math.ceil(hi / tick) * tick;
        double x0 = labelW;
        double x1 = WIDTH - 30;
        List<String> desc = new ArrayList<>();
        for (Interval r : rows) {
            desc.add(r.label() + ": estimate " + pounds(r.estimate()) + ", 95% interval " + pounds(r.low()) + " to " + pounds(r.high())
                    + (r.reference() == null ? "" : ", true effect " + pounds(r.reference())));
        }
        StringBuilder s = new StringBuilder(open(id, height, title, String.join("; ", desc) + "."));
        double plotBottom = height - bottom;
        int ticks = (int) Math.round((hi - lo) / tick);
        for (int g = 0; g <= ticks; g++) {
            double v = lo + tick * g;
            double x = x0 + (x1 - x0) * (v - lo) / (hi - lo);
            boolean zero = Math.abs(v) < tick / 1e6;
            s.append("<line x1=\"").append(f(x)).append("\" y1=\"").append(top - 8).append("\" x2=\"").append(f(x)).append("\" y2=\"")
                    .append(f(plotBottom)).append("\" stroke=\"").append(zero ? GREY : "#e0e0e0").append("\"")
                    .append(zero ? " stroke-dasharray=\"3 3\"" : "").append("/>");
            s.append("<text x=\"").append(f(x)).append("\" y=\"").append(f(plotBottom + 14)).append("\" text-anchor=\"middle\" font-size=\"11\" fill=\"")
                    .append(TEXT).append("\">").append(esc(pounds(v))).append("</text>");
        }
        s.append("<text x=\"").append(f((x0 + x1) / 2)).append("\" y=\"").append(f(plotBottom + 36)).append("\" text-anchor=\"middle\" font-size=\"12\" fill=\"")
                .append(TEXT).append("\">").append(esc(axisTitle)).append("</text>");
        for (int i = 0; i < rows.size(); i++) {
            Interval r = rows.get(i);
            double y = top + i * rowH + rowH / 2.0;
            double a = x0 + (x1 - x0) * (r.low() - lo) / (hi - lo);
            double b = x0 + (x1 - x0) * (r.high() - lo) / (hi - lo);
            double e = x0 + (x1 - x0) * (r.estimate() - lo) / (hi - lo);
            s.append("<text x=\"").append(labelW - 10).append("\" y=\"").append(f(y + 4)).append("\" text-anchor=\"end\" font-size=\"13\" fill=\"")
                    .append(TEXT).append("\">").append(esc(r.label())).append("</text>");
            s.append("<line class=\"interval\" x1=\"").append(f(a)).append("\" y1=\"").append(f(y)).append("\" x2=\"").append(f(b)).append("\" y2=\"")
                    .append(f(y)).append("\" stroke=\"").append(BLUE).append("\" stroke-width=\"3\"/>");
            s.append("<circle class=\"point\" cx=\"").append(f(e)).append("\" cy=\"").append(f(y)).append("\" r=\"6\" fill=\"").append(BLUE).append("\"/>");
            if (r.reference() != null) {
                double t = x0 + (x1 - x0) * (r.reference() - lo) / (hi - lo);
                s.append("<path class=\"truth\" d=\"M").append(f(t)).append(" ").append(f(y - 8)).append(" L").append(f(t + 7)).append(" ").append(f(y))
                        .append(" L").append(f(t)).append(" ").append(f(y + 8)).append(" L").append(f(t - 7)).append(" ").append(f(y))
                        .append(" Z\" fill=\"none\" stroke=\"").append(ORANGE).append("\" stroke-width=\"2.5\"/>");
            }
        }
        boolean anyRef = rows.stream().anyMatch(r -> r.reference() != null);
        s.append("<circle cx=\"").append(labelW).append("\" cy=\"12\" r=\"5\" fill=\"").append(BLUE).append("\"/><text x=\"").append(labelW + 10)
                .append("\" y=\"16\" font-size=\"12\" fill=\"").append(TEXT).append("\">estimate with 95% interval</text>");
        if (anyRef) {
            s.append("<path d=\"M520 5 L527 12 L520 19 L513 12 Z\" fill=\"none\" stroke=\"").append(ORANGE)
                    .append("\" stroke-width=\"2.5\"/><text x=\"534\" y=\"16\" font-size=\"12\" fill=\"").append(TEXT).append("\">true effect</text>");
        }
        return s.append("</svg>").toString();
    }

    /**
     * One series of a chart on two numeric axes: a line through {@code line} and a marker at each of {@code points}
     * (either may be empty); {@code summary} is its figure in words for the chart's description (e.g. "AUROC 0.781").
     */
    public record Series(String name, String summary, List<double[]> line, List<double[]> points) {
        public Series {
            line = line == null ? List.of() : line;
            points = points == null ? List.of() : points;
        }
    }

    /** Colours for the series of {@link #curves}, each at least 3:1 against white; dashes and markers tell them apart as well. */
    private static final String[] SERIES_COLOURS = {BLUE, ORANGE, GREEN, "#B3589A", TEXT, GREY};
    private static final String[] SERIES_DASHES = {null, "8 4", "2 3", "10 3 2 3", "1 5", "14 5"};
    private static final int CURVES_WIDTH = 540;

    /**
     * Curves on two numeric axes from 0 (ROC, calibration, net benefit): round ticks with a grid and axis titles, a dashed
     * grey diagonal when {@code diagonalName} is given (chance, or perfect calibration) and a grey reference curve when
     * {@code reference} is (e.g. flagging everyone). Each series has its own colour, dash and marker shape, values beyond
     * the axes are drawn at their edge, and the legend sits below the plot, so it never covers a curve.
     */
    public static String curves(String id, String title, String xTitle, String yTitle, double xMax, double yMax, String diagonalName,
                                Series reference, List<Series> series) {
        int left = 70;
        int right = 24;
        int top = 16;
        int plotH = 300;
        int axisH = 52;
        int legendRow = 20;
        int entries = series.size() + (reference == null ? 0 : 1) + (diagonalName == null ? 0 : 1);
        int height = top + plotH + axisH + legendRow * entries + 8;
        double xStep = niceStep(xMax / 5);
        int xTicks = (int) Math.max(1, Math.ceil(xMax / xStep - 1e-9));
        double yStep = niceStep(yMax / 5);
        int yTicks = (int) Math.max(1, Math.ceil(yMax / yStep - 1e-9));
        double xHi = xStep * xTicks;
        double yHi = yStep * yTicks;
        double plotW = CURVES_WIDTH - left - right;
        double base = top + plotH;
        java.util.function.DoubleUnaryOperator px = v -> left + plotW * Math.max(0, Math.min(xHi, v)) / xHi;
        java.util.function.DoubleUnaryOperator py = v -> base - plotH * Math.max(0, Math.min(yHi, v)) / yHi;

        List<String> desc = new ArrayList<>();
        desc.add(xTitle + " across, 0 to " + tickText(xHi, xStep) + "; " + yTitle + " up, 0 to " + tickText(yHi, yStep));
        for (Series x : series) {
            desc.add(x.name() + ": " + x.summary());
        }
        if (reference != null) {
            desc.add(reference.name() + ": " + reference.summary());
        }
        StringBuilder s = new StringBuilder(open(id, CURVES_WIDTH, height, title, String.join("; ", desc) + "."));
        for (int g = 0; g <= yTicks; g++) {
            double y = base - plotH * g / (double) yTicks;
            s.append("<line x1=\"").append(left).append("\" y1=\"").append(f(y)).append("\" x2=\"").append(f(left + plotW)).append("\" y2=\"")
                    .append(f(y)).append("\" stroke=\"#e0e0e0\"/>");
            s.append("<text x=\"").append(left - 6).append("\" y=\"").append(f(y + 4)).append("\" text-anchor=\"end\" font-size=\"11\" fill=\"")
                    .append(TEXT).append("\">").append(tickText(yStep * g, yStep)).append("</text>");
        }
        for (int g = 0; g <= xTicks; g++) {
            double x = left + plotW * g / xTicks;
            s.append("<line x1=\"").append(f(x)).append("\" y1=\"").append(top).append("\" x2=\"").append(f(x)).append("\" y2=\"")
                    .append(f(base)).append("\" stroke=\"#e0e0e0\"/>");
            s.append("<text x=\"").append(f(x)).append("\" y=\"").append(f(base + 16)).append("\" text-anchor=\"middle\" font-size=\"11\" fill=\"")
                    .append(TEXT).append("\">").append(tickText(xStep * g, xStep)).append("</text>");
        }
        s.append("<path d=\"M").append(left).append(" ").append(top).append(" L").append(left).append(" ").append(f(base)).append(" L")
                .append(f(left + plotW)).append(" ").append(f(base)).append("\" fill=\"none\" stroke=\"").append(GREY).append("\"/>");
        s.append("<text x=\"").append(f(left + plotW / 2)).append("\" y=\"").append(f(base + 38)).append("\" text-anchor=\"middle\" font-size=\"12\" fill=\"")
                .append(TEXT).append("\">").append(esc(xTitle)).append("</text>");
        s.append("<text x=\"16\" y=\"").append(f(top + plotH / 2.0)).append("\" text-anchor=\"middle\" font-size=\"12\" fill=\"").append(TEXT)
                .append("\" transform=\"rotate(-90 16 ").append(f(top + plotH / 2.0)).append(")\">").append(esc(yTitle)).append("</text>");
        if (diagonalName != null) {
            double end = Math.min(xHi, yHi);
            s.append("<line class=\"diagonal\" x1=\"").append(f(px.applyAsDouble(0))).append("\" y1=\"").append(f(py.applyAsDouble(0)))
                    .append("\" x2=\"").append(f(px.applyAsDouble(end))).append("\" y2=\"").append(f(py.applyAsDouble(end)))
                    .append("\" stroke=\"#8c8c8c\" stroke-dasharray=\"4 3\"/>");
        }
        if (reference != null) {
            polyline(s, reference.line(), px, py, "#8c8c8c", "4 3", 1.5);
        }
        for (int i = 0; i < series.size(); i++) {
            Series x = series.get(i);
            String colour = SERIES_COLOURS[i % SERIES_COLOURS.length];
            polyline(s, x.line(), px, py, colour, SERIES_DASHES[i % SERIES_DASHES.length], 2);
            for (double[] p : x.points()) {
                marker(s, i, px.applyAsDouble(p[0]), py.applyAsDouble(p[1]), colour);
            }
        }
        double ly = base + axisH + 4;
        for (int i = 0; i < series.size(); i++, ly += legendRow) {
            Series x = series.get(i);
            String colour = SERIES_COLOURS[i % SERIES_COLOURS.length];
            if (!x.line().isEmpty()) {
                polyline(s, List.of(new double[] {left, ly}, new double[] {left + 36, ly}), v -> v, v -> v, colour,
                        SERIES_DASHES[i % SERIES_DASHES.length], 2);
            }
            if (!x.points().isEmpty()) {
                marker(s, i, left + 18, ly, colour);
            }
            s.append(legendText(left + 44, ly, x.name()));
        }
        if (reference != null) {
            polyline(s, List.of(new double[] {left, ly}, new double[] {left + 36, ly}), v -> v, v -> v, "#8c8c8c", "4 3", 1.5);
            s.append(legendText(left + 44, ly, reference.name()));
            ly += legendRow;
        }
        if (diagonalName != null) {
            s.append("<line x1=\"").append(left).append("\" y1=\"").append(f(ly)).append("\" x2=\"").append(left + 36).append("\" y2=\"")
                    .append(f(ly)).append("\" stroke=\"#8c8c8c\" stroke-dasharray=\"4 3\"/>");
            s.append(legendText(left + 44, ly, diagonalName));
        }
        return s.append("</svg>").toString();
    }

    private static String legendText(double x, double y, String text) {
        return "<text x=\"" + f(x) + "\" y=\"" + f(y + 4) + "\" font-size=\"12\" fill=\"" + TEXT + "\">" + esc(text) + "</text>";
    }

    private static void polyline(StringBuilder s, List<double[]> points, java.util.function.DoubleUnaryOperator px,
                                 java.util.function.DoubleUnaryOperator py, String colour, String dash, double width) {
        if (points.size() < 2) {
            return;
        }
        StringBuilder d = new StringBuilder();
        for (double[] p : points) {
            d.append(d.length() == 0 ? "" : " ").append(f(px.applyAsDouble(p[0]))).append(",").append(f(py.applyAsDouble(p[1])));
        }
        s.append("<polyline class=\"line\" fill=\"none\" stroke=\"").append(colour).append("\" stroke-width=\"").append(f(width)).append("\"")
                .append(dash == null ? "" : " stroke-dasharray=\"" + dash + "\"").append(" points=\"").append(d).append("\"/>");
    }

    /** The marker of series {@code i}: a circle, square, diamond, triangle, inverted triangle or cross, so shape tells them apart. */
    private static void marker(StringBuilder s, int i, double x, double y, String colour) {
        String path = switch (i % 6) {
            case 0 -> null;
            case 1 -> "M" + f(x - 3.5) + " " + f(y - 3.5) + " h7 v7 h-7 Z";
            case 2 -> "M" + f(x) + " " + f(y - 4.5) + " L" + f(x + 4.5) + " " + f(y) + " L" + f(x) + " " + f(y + 4.5) + " L" + f(x - 4.5) + " " + f(y) + " Z";
            case 3 -> "M" + f(x) + " " + f(y - 4.5) + " L" + f(x + 4.5) + " " + f(y + 3.5) + " L" + f(x - 4.5) + " " + f(y + 3.5) + " Z";
            case 4 -> "M" + f(x) + " " + f(y + 4.5) + " L" + f(x + 4.5) + " " + f(y - 3.5) + " L" + f(x - 4.5) + " " + f(y - 3.5) + " Z";
            default -> "M" + f(x - 4) + " " + f(y - 4) + " L" + f(x + 4) + " " + f(y + 4) + " M" + f(x + 4) + " " + f(y - 4) + " L" + f(x - 4) + " " + f(y + 4);
        };
        if (path == null) {
            s.append("<circle class=\"point\" cx=\"").append(f(x)).append("\" cy=\"").append(f(y)).append("\" r=\"3.5\" fill=\"").append(colour)
                    .append("\"/>");
        } else if (i % 6 == 5) {
            s.append("<path class=\"point\" d=\"").append(path).append("\" fill=\"none\" stroke=\"").append(colour).append("\" stroke-width=\"2\"/>");
        } else {
            s.append("<path class=\"point\" d=\"").append(path).append("\" fill=\"").append(colour).append("\"/>");
        }
    }

    /** Whole pounds with thousands separators and the sign before the pound sign: -£4,000, £0, £2,500. */
    public static String pounds(double v) {
        return uk.nhs.phb.models.budget.Money.formatWhole(java.math.BigDecimal.valueOf(v));
    }

    /** Two dots per row (before: hollow, after: filled) on a shared axis from 0 with round ticks and a title, and a line at {@code mark}. */
    public static String dots(String id, String title, List<String> labels, List<Double> before, List<Double> after, double mark, String axisTitle) {
        int rowH = 22;
        int labelW = 300;
        int top = 30;
        int bottom = 50;
        int height = top + bottom + rowH * Math.max(1, labels.size());
        double hi = mark * 1.5;
        for (int i = 0; i < labels.size(); i++) {
            hi = Math.max(hi, Math.max(before.get(i) == null ? 0 : before.get(i), after.get(i) == null ? 0 : after.get(i)));
        }
        double tick = niceStep(hi / 5);
        int ticks = (int) Math.max(1, Math.ceil(hi / tick - 1e-9));
        hi = tick * ticks;
        double x0 = labelW;
        double x1 = WIDTH - 30;
        List<String> desc = new ArrayList<>();
        for (int i = 0; i < labels.size(); i++) {
            desc.add(labels.get(i) + ": before " + (before.get(i) == null ? "hidden" : String.format(Locale.ROOT, "%.3f", before.get(i)))
                    + ", after " + (after.get(i) == null ? "hidden" : String.format(Locale.ROOT, "%.3f", after.get(i))));
        }
        StringBuilder s = new StringBuilder(open(id, height, title, String.join("; ", desc) + "."));
        double plotBottom = height - bottom;
        for (int g = 0; g <= ticks; g++) {
            double v = tick * g;
            double x = x0 + (x1 - x0) * v / hi;
            s.append("<line x1=\"").append(f(x)).append("\" y1=\"").append(top - 8).append("\" x2=\"").append(f(x)).append("\" y2=\"")
                    .append(f(plotBottom)).append("\" stroke=\"#e0e0e0\"/>");
            s.append("<text x=\"").append(f(x)).append("\" y=\"").append(f(plotBottom + 14)).append("\" text-anchor=\"middle\" font-size=\"11\" fill=\"")
                    .append(TEXT).append("\">").append(tickText(v, tick)).append("</text>");
        }
        double mx = x0 + (x1 - x0) * mark / hi;
        s.append("<line x1=\"").append(f(mx)).append("\" y1=\"").append(top - 8).append("\" x2=\"").append(f(mx)).append("\" y2=\"").append(f(plotBottom))
                .append("\" stroke=\"").append(ORANGE).append("\" stroke-dasharray=\"5 3\"/>");
        s.append("<text x=\"").append(f((x0 + x1) / 2)).append("\" y=\"").append(f(plotBottom + 36)).append("\" text-anchor=\"middle\" font-size=\"12\" fill=\"")
                .append(TEXT).append("\">").append(esc(axisTitle)).append("</text>");
        for (int i = 0; i < labels.size(); i++) {
            double y = top + i * rowH + rowH / 2.0;
            s.append("<text x=\"").append(labelW - 10).append("\" y=\"").append(f(y + 4)).append("\" text-anchor=\"end\" font-size=\"12\" fill=\"")
                    .append(TEXT).append("\">").append(esc(labels.get(i))).append("</text>");
            if (before.get(i) != null) {
                s.append("<circle class=\"point\" cx=\"").append(f(x0 + (x1 - x0) * before.get(i) / hi)).append("\" cy=\"").append(f(y))
                        .append("\" r=\"5\" fill=\"#ffffff\" stroke=\"").append(GREY).append("\" stroke-width=\"2\"/>");
            }
            if (after.get(i) != null) {
                s.append("<circle class=\"point\" cx=\"").append(f(x0 + (x1 - x0) * after.get(i) / hi)).append("\" cy=\"").append(f(y))
                        .append("\" r=\"5\" fill=\"").append(BLUE).append("\"/>");
            }
        }
        s.append("<circle cx=\"").append(labelW).append("\" cy=\"12\" r=\"5\" fill=\"#ffffff\" stroke=\"").append(GREY)
                .append("\" stroke-width=\"2\"/><text x=\"").append(labelW + 10).append("\" y=\"16\" font-size=\"12\" fill=\"").append(TEXT)
                .append("\">|SMD| before matching</text><circle cx=\"").append(labelW + 190).append("\" cy=\"12\" r=\"5\" fill=\"").append(BLUE)
                .append("\"/><text x=\"").append(labelW + 200).append("\" y=\"16\" font-size=\"12\" fill=\"").append(TEXT)
                .append("\">after matching</text>");
        return s.append("</svg>").toString();
    }
}
