package com.rglimits.job;

import com.rglimits.deadletter.DeadLetterReason;
import com.rglimits.metrics.ExportedMetrics;
import java.util.Map;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/**
 * The accounting buckets: every record read lands in exactly one of applied, duplicate, skipped
 * or dead-lettered. Each bucket is a Flink metric (group {@code accounting}; dead letters as
 * {@code dead_lettered.REASON}) and an accumulator of the same name, so a bounded run can print the
 * totals when it ends. The same counters are also registered under {@link ExportedMetrics#GROUP},
 * which Managed Service for Apache Flink publishes to CloudWatch (dead letters as
 * {@code dead_lettered} with a {@code reason} dimension).
 */
public final class Accounting {
    public static final String RECORDS = "records";
    public static final String APPLIED = "applied";
    public static final String DUPLICATES = "duplicates";
    public static final String SKIPPED = "skipped";
    public static final String DEAD_LETTERED = "dead_lettered";
    public static final String PROGRESS_MISMATCHES = "progress_mismatches";
    /**
     * Not a bucket: records whose createdAt was beyond {@code ordering.max-ahead} of the processing
     * time (dead-lettered as INVALID_EVENT, or skipped without an event time). A producer's clock is wrong.
     */
    public static final String EVENT_TIME_AHEAD = "event_time_ahead";
    /**
     * Not a bucket: events far ahead of their input split's event time that the split's records never
     * confirmed (dead-lettered as INVALID_EVENT). A producer's clock is wrong; see {@code EventClock}.
     */
    public static final String EVENT_TIME_OUTLIERS = "event_time_outliers";

    private Accounting() {}

    /** A count kept both as a metric and as an accumulator. */
    public static final class Tally {
        private final Counter metric;
        private final LongCounter accumulator;

        private Tally(Counter metric, LongCounter accumulator) {
            this.metric = metric;
            this.accumulator = accumulator;
        }

        public void inc() {
            metric.inc();
            accumulator.add(1L);
        }
    }

    public static final String GROUP = "accounting";
    public static final String REASON_DIMENSION = "reason";

    public static Tally tally(RuntimeContext context, String name) {
        MetricGroup group = context.getMetricGroup().addGroup(GROUP);
        LongCounter accumulator = new LongCounter();
        context.addAccumulator(name, accumulator);
        Counter counter = group.counter(name);
        ExportedMetrics.group(context.getMetricGroup()).counter(name, counter);
        return new Tally(counter, accumulator);
    }

    /** The dead-letter count of one reason: {@code accounting.dead_lettered.REASON}. */
    public static Tally deadLettered(RuntimeContext context, DeadLetterReason reason) {
        String name = deadLetteredName(reason);
        LongCounter accumulator = new LongCounter();
        context.addAccumulator(name, accumulator);
        Counter counter = context.getMetricGroup().addGroup(GROUP).counter(name);
        ExportedMetrics.group(context.getMetricGroup())
                .addGroup(REASON_DIMENSION, reason.name())
                .counter(DEAD_LETTERED, counter);
        return new Tally(counter, accumulator);
    }

    public static String deadLetteredName(DeadLetterReason reason) {
        return DEAD_LETTERED + "." + reason.name();
    }

    /** Totals of a finished bounded run. */
    public static final class Summary {
        public final long records;
        public final long applied;
        public final long duplicates;
        public final long skipped;
        public final long deadLettered;
        public final Map<String, Object> all;

        Summary(Map<String, Object> all) {
            this.all = all;
            records = get(all, RECORDS);
            applied = get(all, APPLIED);
            duplicates = get(all, DUPLICATES);
            skipped = get(all, SKIPPED);
            long dl = 0;
            for (DeadLetterReason r : DeadLetterReason.values()) {
                dl += get(all, deadLetteredName(r));
            }
            deadLettered = dl;
        }

        public long deadLettered(DeadLetterReason reason) {
            return get(all, deadLetteredName(reason));
        }

        public long progressMismatches() {
            return get(all, PROGRESS_MISMATCHES);
        }

        public long eventTimeAhead() {
            return get(all, EVENT_TIME_AHEAD);
        }

        public long eventTimeOutliers() {
            return get(all, EVENT_TIME_OUTLIERS);
        }

        /** The accounting identity of EVENTS.md. */
        public boolean balances() {
            return records == applied + duplicates + skipped + deadLettered;
        }

        public String line() {
            return "records=" + records + " applied=" + applied + " duplicates=" + duplicates
                    + " skipped=" + skipped + " dead_lettered=" + deadLettered;
        }

        public String deadLetterLine() {
            StringBuilder b = new StringBuilder("dead_lettered by reason:");
            for (DeadLetterReason r : DeadLetterReason.values()) {
                b.append(' ').append(r.name()).append('=').append(deadLettered(r));
            }
            return b.append(" (progress mismatches applied: ").append(progressMismatches()).append(')').toString();
        }

        private static long get(Map<String, Object> all, String name) {
            Object v = all.get(name);
            return v == null ? 0L : ((Number) v).longValue();
        }
    }

    public static Summary summary(JobExecutionResult result) {
        return new Summary(result.getAllAccumulatorResults());
    }
}
