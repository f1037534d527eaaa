package com.rglimits.bench;

import java.util.List;
import java.util.Locale;

/**
 * The scale rows as a picture (SVG): one panel per row, events/s in each second from the row's first
 * sample, over the whole warm-up and measurement, with the measured window shaded, the measured mean
 * dashed, each completed checkpoint drawn where it was triggered, as wide as the keyed operator's
 * synchronous pause (its write-back and RocksDB's flush), and a tick under each second in which the
 * operator wrote back and evicted users because its cache was full. The table gives 10 s windows; this
 * shows what happens inside them: the steady state, the dips at checkpoints and evictions, a stall. A
 * panel's scale is its measured window's fastest second: a faster second of the warm-up is drawn at the top.
 */
final class ScalePlot {
    static final int WIDTH = 960;
    static final int LEFT = 80;
    static final int RIGHT = 20;
    static final int TOP = 46;
    static final int PANEL = 118;
    /** The plot area of a panel, below its title. */
    static final int TITLE = 22;
    static final int AREA = 76;
    static final int AXIS = 28;

    private ScalePlot() {}

    /** The x of a time {@code seconds} after the first sample, on a scale of {@code spanSeconds}. */
    static double x(double seconds, double spanSeconds) {
        return LEFT + seconds / spanSeconds * (WIDTH - LEFT - RIGHT);
    }

    static String svg(List<ScaleScenario.Row> rows) {
        double span = 1;
        for (ScaleScenario.Row r : rows) {
            if (r.samples.size() > 1) {
                span = Math.max(span, seconds(r, r.samples.get(r.samples.size() - 1).wallMs));
            }
        }
        int height = TOP + rows.size() * PANEL + AXIS;
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"11\">%n", WIDTH, height, WIDTH, height));
        b.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, height));
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"16\" font-size=\"12\">Events/s in each second since the "
                + "first limit reached the sink (line); the measured window (grey) and its mean (dashed).</text>%n", LEFT));
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"32\" font-size=\"12\">Checkpoints (orange): the keyed "
                + "operator's synchronous pause. A tick under a second: the operator's cache was full, it wrote back and "
                + "evicted users.</text>%n", LEFT));
        for (int i = 0; i < rows.size(); i++) {
            panel(b, rows.get(i), TOP + i * PANEL, span);
        }
        int axisY = TOP + rows.size() * PANEL;
        for (int s = 0; s <= span; s += 10) {
            b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d s</text>%n",
                    x(s, span), axisY + 14, s));
        }
        b.append("</svg>\n");
        return b.toString();
    }

    private static void panel(StringBuilder b, ScaleScenario.Row r, int top, double span) {
        int areaTop = top + TITLE;
        int bottom = areaTop + AREA;
        b.append("<g class=\"row\">\n");
        b.append(String.format(Locale.ROOT, "<text class=\"name\" x=\"%d\" y=\"%d\" font-weight=\"bold\">%s</text>%n",
                LEFT, top + 14, escape(r.name)));
        if (r.samples.size() < 2) {
            b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">no samples</text>%n</g>%n", LEFT, areaTop + AREA / 2));
            return;
        }
        ScaleScenario.Span[] seconds = new ScaleScenario.Span[r.samples.size() - 1];
        double max = 1;
        double maxOfAll = 1;
        for (int i = 0; i < seconds.length; i++) {
            seconds[i] = new ScaleScenario.Span(r.samples.get(i), r.samples.get(i + 1));
            maxOfAll = Math.max(maxOfAll, seconds[i].eventsPerSecond());
            if (r.total == null || (seconds[i].fromMs >= r.total.fromMs && seconds[i].toMs <= r.total.toMs)) {
                max = Math.max(max, seconds[i].eventsPerSecond());
            }
        }
        if (max <= 1) {
            max = maxOfAll;
        }
        if (r.total != null) {
            b.append(String.format(Locale.ROOT, "<rect class=\"measured\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"#ececec\"/>%n",
                    x(seconds(r, r.total.fromMs), span), areaTop,
                    x(seconds(r, r.total.toMs), span) - x(seconds(r, r.total.fromMs), span), AREA));
        }
        for (int s = 10; s <= span; s += 10) {
            b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#d8d8d8\"/>%n",
                    x(s, span), areaTop, x(s, span), bottom));
        }
        long firstMs = r.samples.get(0).wallMs;
        long lastMs = r.samples.get(r.samples.size() - 1).wallMs;
        for (ScaleScenario.Checkpoint c : r.allCheckpoints) {
            if (c.triggeredAtMs < firstMs || c.triggeredAtMs > lastMs) {
                continue; // during the restore, before the first limit: not on the time axis
            }
            double from = x(seconds(r, c.triggeredAtMs), span);
            double width = Math.max(1.5, x(seconds(r, c.triggeredAtMs + c.syncMs), span) - from);
            b.append(String.format(Locale.ROOT, "<rect class=\"checkpoint\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" "
                    + "fill=\"#ff7f0e\" fill-opacity=\"0.45\"><title>checkpoint %d: synchronous pause %,d ms, %,d ms in all</title></rect>%n",
                    from, areaTop, width, AREA, c.id, c.syncMs, c.durationMs));
        }
        StringBuilder points = new StringBuilder();
        for (ScaleScenario.Span second : seconds) {
            double at = x(seconds(r, second.toMs), span);
            if (second.evictions > 0) {
                b.append(String.format(Locale.ROOT, "<line class=\"eviction\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" "
                        + "stroke=\"#b2182b\" stroke-width=\"2\"/>%n", at, bottom + 1, at, bottom + 6));
            }
            points.append(points.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.1f,%.1f",
                    at, y(second.eventsPerSecond(), max, areaTop)));
        }
        b.append(String.format(Locale.ROOT, "<polyline class=\"rate\" points=\"%s\" fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"1.5\"/>%n",
                points));
        if (r.total != null) {
            double mean = r.total.eventsPerSecond();
            b.append(String.format(Locale.ROOT, "<line class=\"mean\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#444\" "
                    + "stroke-dasharray=\"4 3\"/>%n", LEFT, y(mean, max, areaTop), WIDTH - RIGHT, y(mean, max, areaTop)));
            b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" fill=\"#444\">measured mean %,.0f events/s</text>%n",
                    WIDTH - RIGHT, top + 14, mean));
        }
        b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>%n", LEFT, bottom, WIDTH - RIGHT, bottom));
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%,.0f</text>%n", LEFT - 6, areaTop + 9, max));
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">0</text>%n", LEFT - 6, bottom));
        b.append("</g>\n");
    }

    /** Seconds from the row's first sample to {@code wallMs}. */
    private static double seconds(ScaleScenario.Row r, long wallMs) {
        return (wallMs - r.samples.get(0).wallMs) / 1e3;
    }

    /** The y of a rate in a panel whose area starts at {@code areaTop} and whose top is {@code max}. */
    static double y(double rate, double max, int areaTop) {
        return areaTop + AREA - Math.max(0, Math.min(1, rate / max)) * AREA;
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
