package com.rglimits.job;

import com.rglimits.metrics.ExportedMetrics;
import java.util.function.LongSupplier;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;

/**
 * The ordering buffer's metrics of one subtask of {@link UserLimitOperator}, in group
 * {@value #GROUP} (and under {@link ExportedMetrics#GROUP} for CloudWatch):
 *
 * <ul>
 *   <li>{@value #HELD_EVENTS}: events held in the ordering buffer now, restored ones included.
 *   <li>{@value #WATERMARK_LAG}: wall-clock time minus the operator's event-time watermark as last
 *       received, in ms; 0 until the subtask has received a watermark.
 * </ul>
 */
final class OrderingGauges {
    static final String GROUP = "ordering";
    static final String HELD_EVENTS = "heldEvents";
    static final String WATERMARK_LAG = "watermarkLagMs";
    static final String APPLIED_NEXT_IN_LINE = "appliedNextInLine";

    private final LongSupplier held;
    private final LongSupplier wallClock;
    private volatile long watermark = Long.MIN_VALUE;
    /** Read by the metric reporters' thread; the buffer itself is the task thread's only. */
    private volatile long heldEvents;
    /** Events applied at once because they were next in line for their user (ordering.complete-stream). */
    final Counter appliedNextInLine = new SimpleCounter();

    OrderingGauges(MetricGroup operatorGroup, LongSupplier held, LongSupplier wallClock) {
        this.held = held;
        this.wallClock = wallClock;
        Gauge<Long> heldGauge = this::heldEvents;
        Gauge<Long> lag = this::watermarkLagMs;
        for (MetricGroup g : new MetricGroup[] {operatorGroup.addGroup(GROUP), ExportedMetrics.group(operatorGroup)}) {
            g.gauge(HELD_EVENTS, heldGauge);
            g.gauge(WATERMARK_LAG, lag);
            g.counter(APPLIED_NEXT_IN_LINE, appliedNextInLine);
        }
    }

    void watermark(long watermark) {
        this.watermark = watermark;
    }

    /** Takes the buffer's size; called by the task thread whenever it may have changed. */
    void update() {
        heldEvents = held.getAsLong();
    }

    long heldEvents() {
        return heldEvents;
    }

    long watermarkLagMs() {
        long wm = watermark;
        return wm == Long.MIN_VALUE ? 0L : Math.max(0L, wallClock.getAsLong() - wm);
    }
}
