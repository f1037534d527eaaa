package com.rglimits.job;

import com.rglimits.config.JobConfig;
import com.rglimits.deadletter.DeadLetter;
import com.rglimits.deadletter.DeadLetterReason;
import com.rglimits.event.JumpVerdict;
import com.rglimits.event.LimitEvent;
import com.rglimits.event.ParsedRecord;
import com.rglimits.event.RecordSource;
import com.rglimits.ordering.EventClock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Counts every record read and routes it: events on, other types skipped, invalid ones to dead
 * letters; also counts the records whose createdAt was too far ahead of the processing time.
 *
 * <p>It keeps each input split's {@link EventClock} (in operator state, so that it resumes where the
 * source does): an event more than {@code ordering.max-jump} ahead of its split's event time goes
 * on marked as an unconfirmed jump ({@link LimitEvent#jumpedFrom}), and the clock's verdict on it
 * follows to its user's keyed operator as soon as the split's records give it (the end of the input
 * refutes the jumps still open; on an unbounded input, so does {@code ordering.max-hold} of
 * processing time). On a bounded input it also gives each event its split's watermark just before
 * it ({@link LimitEvent#splitWatermark}), which the keyed operator applies before the event: the
 * result is then a function of the records alone.
 */
public class RecordRouter extends AbstractStreamOperator<LimitEvent> implements OneInputStreamOperator<ParsedRecord, LimitEvent> {
    private static final long serialVersionUID = 1L;
    /** How often an unbounded input's open jumps are checked for their age. */
    private static final long AGE_CHECK_MS = 1_000;

    private final long outOfOrdernessMs;
    private final long maxJumpMs;
    private final int confirmingKeys;
    private final long maxOpenMs;
    private final boolean bounded;

    private transient Map<String, EventClock> clocks;
    /** Splits whose clock this instance moved: the others are written by subtask 0 only, so restored copies do not multiply. */
    private transient Set<String> moved;
    private transient ListState<SplitClock> clockState;
    private transient StreamRecord<LimitEvent> out;
    /** The last record's source and clock: consecutive records mostly come from one split. */
    private transient RecordSource lastSource;
    private transient EventClock lastClock;
    private transient long nextAgeCheck;

    private transient Accounting.Tally records;
    private transient Accounting.Tally skipped;
    private transient Accounting.Tally invalid;
    private transient Accounting.Tally eventTimeAhead;

    /**
     * @param maxOpenMs on an unbounded input, how long a jump may stay unconfirmed before it is refuted
     * @param bounded whether the input is bounded: then no wall clock, and every event carries its split's watermark
     */
    public RecordRouter(long outOfOrdernessMs, long maxJumpMs, int confirmingKeys, long maxOpenMs, boolean bounded) {
        this.outOfOrdernessMs = outOfOrdernessMs;
        this.maxJumpMs = maxJumpMs;
        this.confirmingKeys = confirmingKeys;
        this.maxOpenMs = maxOpenMs;
        this.bounded = bounded;
    }

    public static RecordRouter from(JobConfig config, boolean bounded) {
        return new RecordRouter(config.outOfOrdernessMs(), config.maxJumpMs(), config.confirmingKeys(),
                config.maxHoldMs(), bounded);
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        clocks = new HashMap<>();
        moved = new HashSet<>();
        clockState = context.getOperatorStateStore().getUnionListState(Descriptors.SPLIT_CLOCKS);
        for (SplitClock restored : clockState.get()) {
            // A split is read by one subtask at a time: the copy that saw the most records is its latest.
            clocks.merge(restored.split, restored.clock(maxJumpMs, confirmingKeys),
                    (a, b) -> a.records() >= b.records() ? a : b);
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        records = Accounting.tally(getRuntimeContext(), Accounting.RECORDS);
        skipped = Accounting.tally(getRuntimeContext(), Accounting.SKIPPED);
        invalid = Accounting.deadLettered(getRuntimeContext(), DeadLetterReason.INVALID_EVENT);
        eventTimeAhead = Accounting.tally(getRuntimeContext(), Accounting.EVENT_TIME_AHEAD);
        out = new StreamRecord<>(null);
    }

    @Override
    public void processElement(StreamRecord<ParsedRecord> element) throws Exception {
        ParsedRecord record = element.getValue();
        records.inc();
        if (record.createdAtAhead) {
            eventTimeAhead.inc();
        }
        switch (record.kind) {
            case EVENT:
                route(record.event, element);
                break;
            case SKIPPED:
                skipped.inc();
                if (record.skippedCreatedAt != null) {
                    observe(record.skippedSource, record.skippedKey, record.skippedCreatedAt, null);
                }
                break;
            case INVALID:
                invalid.inc();
                output.collect(Descriptors.DEAD_LETTERS, new StreamRecord<>(DeadLetter.invalidEvent(record.invalid)));
                break;
            default:
                throw new IllegalStateException("unknown record kind " + record.kind);
        }
        if (!bounded) {
            refuteOldJumps();
        }
    }

    private void route(LimitEvent event, StreamRecord<ParsedRecord> element) {
        EventClock clock = clockOf(event.source);
        if (bounded) {
            event.splitWatermark = clock.watermark(outOfOrdernessMs);
        }
        long jumpedFrom = clock.observe(event.userId, event.createdAt, isCurrent(event.createdAt), event.eventId, now());
        if (jumpedFrom != Long.MIN_VALUE) {
            event.jumpedFrom = jumpedFrom;
        }
        output.collect(out.replace(event, element.getTimestamp()));
        send(clock.takeSettled());
    }

    private void observe(RecordSource source, String key, long createdAt, String eventId) {
        EventClock clock = clockOf(source);
        clock.observe(key, createdAt, isCurrent(createdAt), eventId, now());
        send(clock.takeSettled());
    }

    private EventClock clockOf(RecordSource source) {
        if (lastClock != null && sameSplit(source, lastSource)) {
            lastSource = source;
            return lastClock;
        }
        String split = source == null ? "" : source.split();
        moved.add(split);
        lastSource = source;
        lastClock = clocks.computeIfAbsent(split, s -> new EventClock(maxJumpMs, confirmingKeys));
        return lastClock;
    }

    private static boolean sameSplit(RecordSource a, RecordSource b) {
        if (a == null || b == null) {
            return a == b;
        }
        return Objects.equals(a.shardId, b.shardId) && Objects.equals(a.stream, b.stream)
                && Objects.equals(a.file, b.file);
    }

    /** Within the jump bound of the wall clock: a live record, which needs no confirmation (never on a bounded input). */
    private boolean isCurrent(long createdAt) {
        return !bounded && createdAt >= now() - maxJumpMs;
    }

    private void send(List<EventClock.Jump> settled) {
        for (EventClock.Jump j : settled) {
            output.collect(new StreamRecord<>(LimitEvent.verdict(j.key, j.eventId,
                    j.confirmed() ? JumpVerdict.CONFIRMED : JumpVerdict.REFUTED)));
        }
    }

    /** On an unbounded input: jumps the stream has not confirmed within the bound are refuted (their split may have ended). */
    private void refuteOldJumps() {
        long now = now();
        if (now < nextAgeCheck) {
            return;
        }
        nextAgeCheck = now + AGE_CHECK_MS;
        for (EventClock clock : clocks.values()) {
            if (clock.openJumps() > 0) {
                send(clock.refuteArrivedBefore(now - maxOpenMs));
            }
        }
    }

    /** The final watermark (end of input, stop with drain): the verdicts on every open jump go before it. */
    @Override
    public void processWatermark(Watermark mark) throws Exception {
        if (mark.getTimestamp() == Long.MAX_VALUE) {
            for (EventClock clock : clocks.values()) {
                send(clock.drain());
            }
        } else if (!bounded) {
            refuteOldJumps();
        }
        super.processWatermark(mark);
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        boolean writesUnmoved = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0;
        clockState.clear();
        for (Map.Entry<String, EventClock> c : clocks.entrySet()) {
            if (writesUnmoved || moved.contains(c.getKey())) {
                clockState.add(new SplitClock(c.getKey(), c.getValue()));
            }
        }
    }

    private long now() {
        return getProcessingTimeService().getCurrentProcessingTime();
    }
}
