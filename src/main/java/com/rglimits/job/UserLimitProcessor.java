package com.rglimits.job;

import com.rglimits.deadletter.DeadLetter;
import com.rglimits.deadletter.DeadLetterReason;
import com.rglimits.event.LimitEvent;
import com.rglimits.limit.LimitRules;
import com.rglimits.limit.RuleResult;
import com.rglimits.limit.UserLimit;
import com.rglimits.ordering.EventOrdering;
import com.rglimits.ordering.Release;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Per user: drops duplicates, holds events until the watermark (or the processing-time bound)
 * releases them, applies them in sequenceNumber order with {@link LimitRules}, and emits every
 * changed limit. Rejected and late events go to the dead-letter side output. Runs inside
 * {@link UserLimitOperator}, which tells it when the subtask started and when the watermark moves:
 * the processing-time bound counts from then (see {@link EventOrdering}).
 *
 * <p>Metrics: the {@link Accounting} counters and the {@link OrderingGauges}.
 */
public class UserLimitProcessor extends KeyedProcessFunction<String, LimitEvent, UserLimit> {
    /** Processing-time flush timers are rounded up to this, so a user's events share one timer. */
    static final long FLUSH_TIMER_RESOLUTION_MS = 1_000;

    private final long maxHoldMs;
    private final long dedupRetentionMs;

    private transient MapState<String, UserLimit> limits;
    private transient MapState<String, Long> seenEventIds;
    private transient ValueState<Long> lastSequence;
    private transient ListState<LimitEvent> heldEvents;

    private transient Accounting.Tally applied;
    private transient Accounting.Tally duplicates;
    private transient Accounting.Tally progressMismatches;
    private transient Map<DeadLetterReason, Accounting.Tally> deadLettered;

    private transient OrderingGauges gauges;

    private transient long lastWatermark;
    /** Processing time since which the watermark has not moved, or since this subtask instance started if later. */
    private transient long watermarkStillSince;
    private transient LongSupplier wallClock;

    public UserLimitProcessor(long maxHoldMs, long dedupRetentionMs) {
        this.maxHoldMs = maxHoldMs;
        this.dedupRetentionMs = dedupRetentionMs;
    }

    @Override
    public void open(Configuration parameters) {
        limits = getRuntimeContext().getMapState(Descriptors.LIMITS);
        seenEventIds = getRuntimeContext().getMapState(Descriptors.seenEventIds(Duration.ofMillis(dedupRetentionMs)));
        lastSequence = getRuntimeContext().getState(Descriptors.LAST_SEQUENCE);
        heldEvents = getRuntimeContext().getListState(Descriptors.HELD_EVENTS);

        applied = Accounting.tally(getRuntimeContext(), Accounting.APPLIED);
        duplicates = Accounting.tally(getRuntimeContext(), Accounting.DUPLICATES);
        progressMismatches = Accounting.tally(getRuntimeContext(), Accounting.PROGRESS_MISMATCHES);
        deadLettered = new EnumMap<>(DeadLetterReason.class);
        for (DeadLetterReason reason : new DeadLetterReason[] {
                DeadLetterReason.UNKNOWN_LIMIT, DeadLetterReason.LIMIT_ALREADY_EXISTS, DeadLetterReason.LATE_EVENT}) {
            deadLettered.put(reason, Accounting.deadLettered(getRuntimeContext(), reason));
        }

        watermarkStillSince = Long.MIN_VALUE;
        lastWatermark = Long.MIN_VALUE;
        gauges = new OrderingGauges(getRuntimeContext().getMetricGroup(),
                wallClock != null ? wallClock : System::currentTimeMillis);
    }

    /** For tests: the clock the watermark lag is measured against. */
    void setWallClock(LongSupplier clock) {
        this.wallClock = clock;
    }

    OrderingGauges gauges() {
        return gauges;
    }

    /** Called once, when the subtask instance starts (after a restore too), before any event or timer. */
    void started(long processingTime) {
        watermarkStillSince = processingTime;
        gauges.started(processingTime);
    }

    /** Called for every watermark the subtask receives, before the timers it fires. */
    void watermarkReceived(long watermark, long processingTime) {
        if (watermark != lastWatermark) {
            lastWatermark = watermark;
            watermarkStillSince = processingTime;
            gauges.watermark(watermark);
        }
    }

    @Override
    public void processElement(LimitEvent event, Context ctx, Collector<UserLimit> out) throws Exception {
        TimerService timers = ctx.timerService();
        if (seenEventIds.contains(event.eventId)) {
            duplicates.inc();
            return;
        }
        seenEventIds.put(event.eventId, event.sequenceNumber);
        Long last = lastSequence.value();
        if (last != null && event.sequenceNumber <= last) {
            deadLetter(ctx, event, DeadLetterReason.LATE_EVENT, lateError(event, last));
            return;
        }
        long now = timers.currentProcessingTime();
        event.arrivedAt = now;
        if (event.createdAt <= timers.currentWatermark()) {
            // The watermark has passed it already: release it now, with whatever it must not overtake.
            release(held(), event, ctx, out);
            return;
        }
        heldEvents.add(event);
        gauges.eventHeld();
        timers.registerEventTimeTimer(event.createdAt);
        timers.registerProcessingTimeTimer(roundUp(now + maxHoldMs, FLUSH_TIMER_RESOLUTION_MS));
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<UserLimit> out) throws Exception {
        List<LimitEvent> held = held();
        if (held.isEmpty()) {
            return;
        }
        List<LimitEvent> kept = release(held, null, ctx, out);
        if (!kept.isEmpty() && ctx.timeDomain() == TimeDomain.PROCESSING_TIME) {
            // Not due at their deadline: the watermark moved, or the subtask restarted, since they arrived.
            long deadline = Long.MAX_VALUE;
            for (LimitEvent e : kept) {
                deadline = Math.min(deadline, EventOrdering.holdDeadline(e, maxHoldMs, watermarkStillSince));
            }
            ctx.timerService().registerProcessingTimeTimer(roundUp(deadline, FLUSH_TIMER_RESOLUTION_MS));
        }
    }

    private List<LimitEvent> held() throws Exception {
        List<LimitEvent> held = new ArrayList<>();
        Iterable<LimitEvent> stored = heldEvents.get();
        if (stored != null) {
            stored.forEach(held::add);
        }
        return held;
    }

    /**
     * Releases what is due of the stored events and, if not null, of one event arriving behind the
     * watermark (never stored); keeps the rest stored and returns them.
     */
    private List<LimitEvent> release(List<LimitEvent> stored, LimitEvent arriving, Context ctx, Collector<UserLimit> out)
            throws Exception {
        TimerService timers = ctx.timerService();
        List<LimitEvent> held = stored;
        if (arriving != null) {
            held = new ArrayList<>(stored);
            held.add(arriving);
        }
        Release release = EventOrdering.release(
                held, timers.currentWatermark(), timers.currentProcessingTime(), maxHoldMs, watermarkStillSince);
        if (release.due().isEmpty()) {
            return release.kept();
        }
        Long last = lastSequence.value();
        for (LimitEvent event : release.due()) {
            if (last != null && event.sequenceNumber <= last) {
                deadLetter(ctx, event, DeadLetterReason.LATE_EVENT, lateError(event, last));
                continue;
            }
            last = event.sequenceNumber;
            RuleResult result = LimitRules.apply(limits.get(event.userLimitId), event);
            if (result.isApplied()) {
                limits.put(event.userLimitId, result.limit());
                applied.inc();
                if (result.progressMismatch()) {
                    progressMismatches.inc();
                }
                out.collect(result.limit());
            } else {
                deadLetter(ctx, event, result.rejection(), result.error());
            }
        }
        lastSequence.update(last);
        gauges.heldChanged(stored, release.kept());
        heldEvents.update(release.kept());
        return release.kept();
    }

    private void deadLetter(Context ctx, LimitEvent event, DeadLetterReason reason, String error) {
        deadLettered.get(reason).inc();
        DeadLetter letter = DeadLetter.of(reason, error, event, ctx.timerService().currentProcessingTime());
        ctx.output(Descriptors.DEAD_LETTERS, letter);
    }

    private static String lateError(LimitEvent event, long last) {
        return "sequenceNumber " + event.sequenceNumber + " arrived after sequenceNumber " + last
                + " of user " + event.userId + " was processed";
    }

    static long roundUp(long value, long resolution) {
        return ((value + resolution - 1) / resolution) * resolution;
    }
}
