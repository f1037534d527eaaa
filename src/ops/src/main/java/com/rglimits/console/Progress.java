package com.rglimits.console;

import java.io.PrintStream;
import java.time.temporal.ChronoUnit;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of a long piece of work on stderr (records done of the total when it is known, rate,
 * time left), for the local run and the command-line tools; stdout stays theirs. On a terminal a
 * bar redrawn in place; otherwise (a log, CI, a pipe) one line every few seconds at most.
 */
public final class Progress implements AutoCloseable {
    static final int TERMINAL_UPDATE_MS = 500;
    static final int LINE_UPDATE_MS = 5_000;
    /** A log line is not cut to a terminal's width. */
    static final int LINE_WIDTH = 160;

    private final ProgressBar bar;

    private Progress(ProgressBar bar) {
        this.bar = bar;
    }

    /** Progress of {@code task} over {@code total} {@code unit}s (a negative total: not known). */
    public static Progress start(String task, long total, String unit) {
        return start(task, total, unit, System.err, System.console() != null);
    }

    static Progress start(String task, long total, String unit, PrintStream err, boolean terminal) {
        ProgressBarBuilder builder = new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(total)
                .setUnit(" " + unit, 1)
                .showSpeed()
                .setSpeedUnit(ChronoUnit.SECONDS)
                .setStyle(ProgressBarStyle.ASCII);
        if (terminal) {
            builder.setConsumer(new ConsoleProgressBarConsumer(err)).setUpdateIntervalMillis(TERMINAL_UPDATE_MS);
        } else {
            builder.setConsumer(new DelegatingProgressBarConsumer(err::println, LINE_WIDTH)).setUpdateIntervalMillis(LINE_UPDATE_MS);
        }
        return new Progress(builder.build());
    }

    public void stepTo(long done) {
        bar.stepTo(done);
    }

    /** Draws the final state once more and stops redrawing. */
    @Override
    public void close() {
        bar.close();
    }
}
