package uk.nhs.phb.cli;

import java.io.PrintWriter;
import uk.nhs.phb.jobs.Progress;

/** Stage and rows/s on one self-rewriting line of stderr, at most four times a second. */
final class TerminalProgress implements Progress {
    private static final long REFRESH_NANOS = 250_000_000L;

    private final PrintWriter err;
    private String stage = "starting";
    private long stageStart = System.nanoTime();
    private long lastDraw;
    private int width;

    private TerminalProgress(PrintWriter err) {
        this.err = err;
    }

    /** A live display when stderr is a terminal and the user did not ask for JSON; silent otherwise. */
    static Progress forConsole(PrintWriter err, boolean json) {
        return !json && System.console() != null ? new TerminalProgress(err) : Progress.NONE;
    }

    @Override
    public synchronized void stage(String name) {
        stage = name;
        stageStart = System.nanoTime();
        draw(String.format("%s ...", name));
    }

    @Override
    public synchronized void rows(long rowsSoFar) {
        long now = System.nanoTime();
        if (now - lastDraw < REFRESH_NANOS) {
            return;
        }
        lastDraw = now;
        double seconds = Math.max(1e-3, (now - stageStart) / 1e9);
        draw(String.format("%s: %,d rows, %,.0f rows/s", stage, rowsSoFar, rowsSoFar / seconds));
    }

    @Override
    public synchronized void finish() {
        draw("");
    }

    private void draw(String text) {
        String pad = width > text.length() ? " ".repeat(width - text.length()) : "";
        err.print("\r" + text + pad + (text.isEmpty() ? "\r" : ""));
        err.flush();
        width = text.length();
    }
}
