package com.rglimits.job;

import com.rglimits.event.LimitEvent;
import com.rglimits.metrics.ExportedMetrics;
import java.util.List;
import java.util.function.LongSupplier;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;

/**
 * The ordering buffer's gauges of one subtask of {@link UserLimitProcessor}, in group
 * {@value #GROUP} (and under {@link ExportedMetrics#GROUP} for CloudWatch):
 *
 * <ul>
 *   <li>{@value #HELD_EVENTS}: events held in the ordering buffer that arrived since this subtask
 *       started. Events restored from a checkpoint or snapshot are not counted: the subtask does
 *       not scan its keyed state on start; all of them are released once the watermark passes them
 *       or has stood still for {@code ordering.max-hold.ms}, so the gauge is exact again by then.
 *   <li>{@value #WATERMARK_LAG}: wall-clock time minus the operator's event-time watermark as last
 *       received, in ms; 0 until the subtask has received a watermark.
 * </ul>
 */
final class OrderingGauges {
    static final String GROUP = "ordering";
    static final String HELD_EVENTS = "heldEvents";
    static final String WATERMARK_LAG = "watermarkLagMs";

    private final LongSupplier wallClock;
    /** Held events that arrived since {@link #startedAt}. */
    private volatile long heldSinceStart;
    private volatile long watermark = Long.MIN_VALUE;
    private long startedAt = Long.MIN_VALUE;

    OrderingGauges(MetricGroup operatorGroup, LongSupplier wallClock) {
        this.wallClock = wallClock;
        Gauge<Long> held = this::heldEvents;
        Gauge<Long> lag = this::watermarkLagMs;
        for (MetricGroup g : new MetricGroup[] {operatorGroup.addGroup(GROUP), ExportedMetrics.group(operatorGroup)}) {
            g.gauge(HELD_EVENTS, held);
            g.gauge(WATERMARK_LAG, lag);
        }
    }

    void started(long processingTime) {
        startedAt = processingTime;
    }

    void watermark(long watermark) {
        this.watermark = watermark;
    }

    void eventHeld() {
        heldSinceStart++;
    }

    /** A user's held events went from {@code before} to {@code after}. */
    void heldChanged(List<LimitEvent> before, List<LimitEvent> after) {
        heldSinceStart += counted(after) - counted(before);
    }

    /** Never negative, should a restored event look newer than the restart (clock skew between machines). */
    long heldEvents() {
        return Math.max(0L, heldSinceStart);
    }

    long watermarkLagMs() {
        long wm = watermark;
        return wm == Long.MIN_VALUE ? 0L : Math.max(0L, wallClock.getAsLong() - wm);
    }

    /** Those of the events that arrived in this subtask instance. */
    private long counted(List<LimitEvent> held) {
        long n = 0;
        for (LimitEvent e : held) {
            if (e.arrivedAt >= startedAt) {
                n++;
            }
        }
        return n;
    }
}
