package com.rglimits.job;

import com.rglimits.config.JobConfig;
import com.rglimits.config.JobOptions;
import com.rglimits.deadletter.DeadLetter;
import com.rglimits.deadletter.DeadLetterReason;
import com.rglimits.event.JumpVerdict;
import com.rglimits.event.LimitEvent;
import com.rglimits.limit.LimitRules;
import com.rglimits.limit.RuleResult;
import com.rglimits.limit.UserLimit;
import com.rglimits.ordering.EventIdHash;
import com.rglimits.ordering.EventOrdering;
import com.rglimits.ordering.HoldingArea;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.flink.api.common.state.KeyedStateStore;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;

/**
 * Per user: drops duplicates, holds events until the watermark (or the processing-time bound, or
 * the arrival hold) releases them, applies them in sequenceNumber order with {@link LimitRules},
 * and emits every changed limit. Rejected and late events go to the dead-letter side output.
 *
 * <p>Held events live in memory ({@link HoldingArea}) and the users' limits and sequence cursors
 * in a write-behind cache ({@link UserStateCache}); both are written to keyed state when a
 * checkpoint is taken, so a restore or a rescale finds them there, and the held events are read
 * back into memory when the task starts. No timer is registered per event: the watermark's own
 * arrival releases what it passes, and one processing-time wake-up serves the arrival hold and the
 * processing-time bound. The de-duplication set (hashes of eventIds: the latest in the user's value,
 * the rest in a list of their own) is written once per user and checkpoint; it is read only for an
 * event at or behind its user's sequence cursor (a redelivery or a late event).
 *
 * <p>An unconfirmed jump ({@link LimitEvent#jumpedFrom}: far ahead of its split's event time) is held
 * until the router's verdict: confirmed, it is an event like any other; refuted (or expired: the
 * processing-time bound or the final watermark found it unconfirmed), it is an INVALID_EVENT.
 *
 * <p>On a complete stream ({@code ordering.complete-stream}: the input carries every record of a user,
 * of every type, numbered in one sequence per user) an event is applied on arrival, without waiting for
 * the watermark, when it is next in line: its sequenceNumber follows the highest number up to which
 * every number of its user is accounted for ({@link UserStateCache.Entry#inOrderThrough}: taken in
 * order, or seen on a record of another type, which the router sends on as a marker). No event with a
 * smaller number can still come (numbers are unique per user), so applying it at once gives what the
 * watermark would have given. Held events that become next in line then follow at once. An unconfirmed
 * jump is never next in line: it waits for its verdict. A user's first event, and any event after a
 * gap (a number not seen yet), waits as before.
 *
 * <p>On a bounded input ({@code orderedByRecords}) nothing here depends on time or speed: each event
 * carries its split's watermark just before it ({@link LimitEvent#splitWatermark}), which releases
 * the user's held events it passes before the event itself is looked at, exactly as if the watermark
 * had arrived between the two; there is no processing-time bound and no arrival hold. Flink's own
 * watermark never runs ahead of the split watermark of the records after it on the same channel, so
 * what it releases early would have been released at the user's next event anyway.
 *
 * <p>Metrics: the {@link Accounting} counters and the {@link OrderingGauges}.
 */
public class UserLimitOperator extends AbstractStreamOperator<UserLimit>
        implements OneInputStreamOperator<LimitEvent, UserLimit> {
    private static final long serialVersionUID = 2L;

    /** Processing-time wake-ups are rounded up to this, so that events arriving together share one. */
    static final long WAKE_UP_RESOLUTION_MS = 1_000;
    /** Due users released at a time, read ahead first (see {@link #releaseDue}). */
    static final int RELEASE_BLOCK = 64;
    /**
     * The timer service of the releases before 2026-12: one event-time and one processing-time timer per
     * held event. Restored from their savepoints, its timers fire into nothing: the held events they
     * guarded are restored from {@code held-events} and released by this operator's own rules.
     */
    static final String LEGACY_TIMERS = "user-timers";

    private final long maxHoldMs;
    private final long arrivalHoldMs;
    /** How long after the input resumed every arriving event gets the arrival hold: the source's idleness. */
    private final long resumingMs;
    private final long dedupRetentionMs;
    private final int cachedUsers;
    private final boolean orderedByRecords;
    private final boolean completeStream;

    /** The dedup set of a release up to 2026-11-30 restored here, while it has entries; null otherwise. */
    private transient MapState<String, Long> legacySeenEventIds;
    private transient ListState<LimitEvent> heldEvents;
    private transient UserStateCache users;
    private transient HoldingArea<UserStateCache.Entry> holding;
    /** Users whose held events are in keyed state: only theirs need clearing when they have none left. */
    private transient List<UserStateCache.Entry> heldInState;
    private transient boolean restored;

    private transient Accounting.Tally applied;
    private transient Accounting.Tally duplicates;
    private transient Accounting.Tally progressMismatches;
    private transient Map<DeadLetterReason, Accounting.Tally> deadLettered;
    private transient Accounting.Tally eventTimeOutliers;
    /** Expired jumps found by a release, refuted after it. */
    private transient List<LimitEvent> expired;
    /** Input splits whose records come behind the watermark, to the processing time until which they get the arrival hold. */
    private transient Map<String, Long> splitsBehind;
    private transient OrderingGauges gauges;
    private transient WriteBackMetrics writeBacks;
    private transient LongSupplier wallClock;

    /** What the reads ahead of each release returned, kept so that the compiler cannot drop them (see {@link #releaseDue}). */
    private transient int readAhead;

    private transient long watermark;
    /** Processing time since which the watermark has not moved, or since this task instance started if later. */
    private transient long watermarkStillSince;
    private transient long wakeUpAt;
    /** Processing time at which the input last resumed: see {@link EventOrdering#arrivalHoldApplies}. */
    private transient long resumedAt;
    private transient boolean inputIdle;

    /** For an unbounded input: releases by the watermark, the processing-time bound and the arrival hold. */
    public UserLimitOperator(long maxHoldMs, long arrivalHoldMs, long resumingMs, long dedupRetentionMs, int cachedUsers) {
        this(maxHoldMs, arrivalHoldMs, resumingMs, dedupRetentionMs, cachedUsers, false, false);
    }

    private UserLimitOperator(long maxHoldMs, long arrivalHoldMs, long resumingMs, long dedupRetentionMs,
            int cachedUsers, boolean orderedByRecords, boolean completeStream) {
        this.maxHoldMs = maxHoldMs;
        this.arrivalHoldMs = arrivalHoldMs;
        this.resumingMs = resumingMs;
        this.dedupRetentionMs = dedupRetentionMs;
        this.cachedUsers = cachedUsers;
        this.orderedByRecords = orderedByRecords;
        this.completeStream = completeStream;
    }

    /** For a bounded input: only the records' split watermarks and Flink's watermark release events. */
    public static UserLimitOperator orderedByRecords(long dedupRetentionMs, int cachedUsers) {
        return new UserLimitOperator(Long.MAX_VALUE, 0, 0, dedupRetentionMs, cachedUsers, true, false);
    }

    /** This operator, applying events that are next in line at once: for a complete stream (see the class comment). */
    public UserLimitOperator onCompleteStream() {
        return new UserLimitOperator(maxHoldMs, arrivalHoldMs, resumingMs, dedupRetentionMs, cachedUsers,
                orderedByRecords, true);
    }

    public static UserLimitOperator from(JobConfig config, boolean bounded) {
        UserLimitOperator operator = bounded
                ? orderedByRecords(config.dedupRetentionMs(), config.cachedUsers())
                : new UserLimitOperator(config.maxHoldMs(), config.arrivalHoldMs(), config.idlenessMs(),
                        config.dedupRetentionMs(), config.cachedUsers());
        return config.completeStream() ? operator.onCompleteStream() : operator;
    }

    /** For tests: the clock the watermark lag is measured against. */
    void setWallClock(LongSupplier clock) {
        this.wallClock = clock;
    }

    OrderingGauges gauges() {
        return gauges;
    }

    WriteBackMetrics writeBacks() {
        return writeBacks;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        KeyedStateStore state = context.getKeyedStateStore();
        Duration retention = Duration.ofMillis(dedupRetentionMs);
        heldEvents = state.getListState(Descriptors.HELD_EVENTS);
        restored = context.isRestored();
        LegacyUserState legacy = null;
        if (restored) {
            // The state of releases up to 2026-11-30, read (and moved or left to expire) while this task finds any.
            MapState<String, UserLimit> legacyLimits = state.getMapState(Descriptors.LEGACY_LIMITS);
            ValueState<Long> legacyCursor = state.getState(Descriptors.LEGACY_LAST_SEQUENCE);
            if (hasEntries(Descriptors.LEGACY_LIMITS.getName()) || hasEntries(Descriptors.LEGACY_LAST_SEQUENCE.getName())) {
                legacy = new LegacyUserState(legacyLimits, legacyCursor);
            }
            MapStateDescriptor<String, Long> legacySeen = Descriptors.legacySeenEventIds(retention);
            MapState<String, Long> legacySeenState = state.getMapState(legacySeen);
            legacySeenEventIds = hasEntries(legacySeen.getName()) ? legacySeenState : null;
        }
        users = new UserStateCache(state.getState(Descriptors.USER_STATE), legacy,
                state.getListState(Descriptors.seenEventHashes(retention)), dedupRetentionMs, this::now, cachedUsers,
                this::setCurrentKey);
    }

    /** Whether this task's key groups hold any entry of the (registered) state. */
    private boolean hasEntries(String stateName) throws Exception {
        try (var keys = getKeyedStateBackend().<VoidNamespace>getKeys(stateName, VoidNamespace.INSTANCE)) {
            return keys.findAny().isPresent();
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        applied = Accounting.tally(getRuntimeContext(), Accounting.APPLIED);
        duplicates = Accounting.tally(getRuntimeContext(), Accounting.DUPLICATES);
        progressMismatches = Accounting.tally(getRuntimeContext(), Accounting.PROGRESS_MISMATCHES);
        deadLettered = new EnumMap<>(DeadLetterReason.class);
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            deadLettered.put(reason, Accounting.deadLettered(getRuntimeContext(), reason));
        }
        eventTimeOutliers = Accounting.tally(getRuntimeContext(), Accounting.EVENT_TIME_OUTLIERS);
        expired = new ArrayList<>();
        splitsBehind = new HashMap<>();
        holding = new HoldingArea<>(maxHoldMs);
        heldInState = new ArrayList<>();
        gauges = new OrderingGauges(getMetricGroup(), holding::size,
                wallClock != null ? wallClock : System::currentTimeMillis);
        writeBacks = new WriteBackMetrics(getMetricGroup());
        getInternalTimerService(LEGACY_TIMERS, VoidNamespaceSerializer.INSTANCE, new Triggerable<Object, VoidNamespace>() {
            @Override
            public void onEventTime(InternalTimer<Object, VoidNamespace> timer) {}

            @Override
            public void onProcessingTime(InternalTimer<Object, VoidNamespace> timer) {}
        });

        long now = now();
        watermark = Long.MIN_VALUE;
        watermarkStillSince = now;
        wakeUpAt = Long.MAX_VALUE;
        resumedAt = Long.MIN_VALUE / 2;
        inputIdle = false;
        if (restored) {
            restoreHeldEvents(now);
        }
        scheduleWakeUp(now);
        gauges.update();
    }

    private void restoreHeldEvents(long now) throws Exception {
        List<String> keys = new ArrayList<>();
        try (var stream = getKeyedStateBackend().<VoidNamespace>getKeys(Descriptors.HELD_EVENTS.getName(), VoidNamespace.INSTANCE)) {
            stream.forEach(k -> keys.add((String) k));
        }
        for (String userId : keys) {
            UserStateCache.Entry user = users.of(userId);
            setCurrentKey(userId);
            for (LimitEvent e : heldEvents.get()) {
                holding.restore(user, e, now);
            }
            user.heldInState = true;
            heldInState.add(user);
        }
    }

    /**
     * Flink would set the record's user as the current key before every record; this operator sets it
     * only where it reads or writes state (the cache's misses, the dedup set, the write-back).
     */
    @Override
    public void setKeyContextElement1(StreamRecord record) {}

    @Override
    public void processElement(StreamRecord<LimitEvent> record) throws Exception {
        LimitEvent event = record.getValue();
        if (users.full()) {
            long started = System.nanoTime();
            // The users alone: held events keep their users in the cache, so they go to state at checkpoints only.
            users.writeBack();
            users.evictLeastRecentlyUsed();
            writeBacks.eviction(System.nanoTime() - started);
        } else if (users.tooManyUnwrittenHashes()) {
            users.writeBackSeen();
        }
        UserStateCache.Entry user = users.of(event.userId);
        long now = now();
        if (event.verdict != null) {
            onVerdict(user, event, now);
            gauges.update();
            return;
        }
        long watermark = this.watermark;
        if (orderedByRecords && event.splitWatermark > watermark) {
            // The split's watermark just before this event: what it passes goes first.
            watermark = event.splitWatermark;
            release(user, watermark, now);
        }
        if (event.marker) {
            onMarker(user, event.sequenceNumber, now);
            gauges.update();
            return;
        }
        long last = user.lastSequence();
        // Every event seen before is held now or was taken in order (the cursor passed it), so only an
        // event at or behind the cursor can be a redelivery: the seen set is read for those alone.
        if (last != UserStateCache.NONE && event.sequenceNumber <= last) {
            long hash = EventIdHash.of(event.eventId);
            if (users.seenBefore(user, hash) || seenByAnEarlierRelease(event)) {
                duplicates.inc();
                return;
            }
            users.seen(user, hash);
            deadLetter(event, DeadLetterReason.LATE_EVENT, lateError(event, last), now);
            return;
        }
        if (holding.isHeld(user, event.eventId)) {
            duplicates.inc();
            return;
        }
        users.seen(user, EventIdHash.of(event.eventId));
        // Records of a burst can arrive before the input is marked active again: those resume it too.
        // Worked out before the fast path, which must not keep a split behind the watermark from being noticed.
        boolean resuming = !orderedByRecords
                && (inputIdle || now < resumedAt + resumingMs || splitComesBehind(user, event, watermark, now));
        if (completeStream && event.jumpedFrom == null && isNextInLine(user, event.sequenceNumber)) {
            apply(user, event, now);
            gauges.appliedNextInLine.inc();
            applyNextInLine(user, now);
            gauges.update();
            return;
        }
        if (holding.hold(user, EventOrdering.arriving(event, now, watermark, arrivalHoldMs, resuming), watermark)) {
            // The watermark has passed it already: release it now, with whatever it must not overtake.
            release(user, watermark, now);
        } else {
            scheduleWakeUp(now);
        }
        gauges.update();
    }

    private static boolean isNextInLine(UserStateCache.Entry user, long sequenceNumber) {
        long through = user.inOrderThrough();
        return through != UserStateCache.NONE && sequenceNumber == through + 1;
    }

    /**
     * A record of another type took this number of the user: when it is the next one, every number up
     * to it is accounted for, and a held event after it may be next in line. A marker ahead of a gap,
     * or of a user whose numbers are not known yet, is dropped: it only makes a later event wait.
     */
    private void onMarker(UserStateCache.Entry user, long sequenceNumber, long now) {
        if (isNextInLine(user, sequenceNumber)) {
            users.seenThrough(user, sequenceNumber);
            applyNextInLine(user, now);
        }
    }

    /** Applies the user's held events that are next in line, one after the other. */
    private void applyNextInLine(UserStateCache.Entry user, long now) {
        while (user.holdsEvents()) {
            LimitEvent next = user.inOrderThrough() == UserStateCache.NONE ? null
                    : holding.takeWithSequence(user, user.inOrderThrough() + 1);
            if (next == null) {
                return;
            }
            apply(user, next, now);
            gauges.appliedNextInLine.inc();
        }
    }

    /**
     * Whether the event's input split delivers records behind the watermark now. A split whose source
     * subtask was left out of the watermark (idle, or back behind it: Flink leaves such an input out
     * until its own watermark catches up) delivers its records after the others have carried the
     * watermark past them: a child shard read after its parent's subtask went idle, a shard whose
     * reader stalled. The watermark says nothing about such a split's records, so each gets the
     * arrival hold, those ahead of the watermark too, while the split keeps coming behind; and the
     * user's events that came just before get it as well (they may be from the same burst).
     */
    private boolean splitComesBehind(UserStateCache.Entry user, LimitEvent event, long watermark, long now) {
        if (arrivalHoldMs == 0) {
            return false;
        }
        if (event.createdAt <= watermark) {
            splitsBehind.put(splitOf(event), now + arrivalHoldMs);
            holding.holdBack(user, now, arrivalHoldMs);
            return true;
        }
        if (splitsBehind.isEmpty()) {
            return false;
        }
        String split = splitOf(event);
        Long until = splitsBehind.get(split);
        if (until == null) {
            return false;
        }
        if (now >= until) {
            splitsBehind.remove(split);
            return false;
        }
        return true;
    }

    private static String splitOf(LimitEvent event) {
        return event.source == null ? "" : event.source.split();
    }

    /** The router's verdict on a held jump of the user; none is held after a duplicate of it was dropped. */
    private void onVerdict(UserStateCache.Entry user, LimitEvent verdict, long now) throws Exception {
        if (verdict.verdict == JumpVerdict.CONFIRMED) {
            if (holding.confirm(user, verdict.eventId)) {
                release(user, watermark, now);
            }
            return;
        }
        LimitEvent refuted = holding.refute(user, verdict.eventId);
        if (refuted != null) {
            refute(refuted, "its split's records never reached its time", now);
        }
    }

    /** An unconfirmed jump that the stream never confirmed: an INVALID_EVENT, counted as an event-time outlier. */
    private void refute(LimitEvent event, String why, long now) {
        eventTimeOutliers.inc();
        deadLetter(event, DeadLetterReason.INVALID_EVENT, "field 'createdAt' is " + (event.createdAt - event.jumpedFrom)
                + " ms ahead of the event time of its input split (" + event.jumpedFrom + "), more than "
                + JobOptions.MAX_JUMP.key() + " allows, and " + why, now);
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        long now = now();
        if (mark.getTimestamp() != watermark) {
            watermark = mark.getTimestamp();
            watermarkStillSince = now;
            gauges.watermark(watermark);
        }
        releaseDue(now);
        scheduleWakeUp(now);
        gauges.update();
        super.processWatermark(mark);
    }

    @Override
    public void processWatermarkStatus(WatermarkStatus status) throws Exception {
        if (status.isActive() && inputIdle) {
            resumedAt = now();
        }
        inputIdle = status.isIdle();
        super.processWatermarkStatus(status);
    }

    private void wakeUp(long time) throws Exception {
        wakeUpAt = Long.MAX_VALUE;
        long now = now();
        releaseDue(now);
        scheduleWakeUp(now);
        gauges.update();
    }

    /**
     * Releases the users with due events in blocks of {@link #RELEASE_BLOCK}: first a loop that only
     * reads what releasing each user of the block will read, then the releases. A watermark releases
     * thousands of users whose objects were last touched when their events arrived, seconds ago, and
     * are out of the processor's caches: a release waits for each of those misses in turn, where the
     * short loop lets the processor wait for many users' misses at once. A block stays in the caches
     * until it is released.
     */
    private void releaseDue(long now) throws Exception {
        List<UserStateCache.Entry> due = holding.dueUsers(watermark, now, watermarkStillSince);
        int read = 0;
        for (int from = 0; from < due.size(); from += RELEASE_BLOCK) {
            int to = Math.min(due.size(), from + RELEASE_BLOCK);
            for (int i = from; i < to; i++) {
                read += UserStateCache.readAhead(due.get(i));
            }
            for (int i = from; i < to; i++) {
                release(due.get(i), watermark, now);
            }
        }
        readAhead += read;
    }

    /** One processing-time wake-up at a time, at the earliest moment an event can become due without the watermark. */
    private void scheduleWakeUp(long now) {
        long next = holding.nextWakeUp(now, watermarkStillSince);
        if (next == Long.MAX_VALUE) {
            return;
        }
        long at = roundUp(Math.max(next, now + 1), WAKE_UP_RESOLUTION_MS);
        if (at < wakeUpAt) {
            wakeUpAt = at;
            getProcessingTimeService().registerTimer(at, this::wakeUp);
        }
    }

    private boolean seenByAnEarlierRelease(LimitEvent event) throws Exception {
        if (legacySeenEventIds == null) {
            return false;
        }
        setCurrentKey(event.userId);
        return legacySeenEventIds.contains(event.eventId);
    }

    /** Applies the user's events due at this watermark, then any held event that is next in line; refutes its expired jumps. */
    private void release(UserStateCache.Entry user, long watermark, long now) throws Exception {
        List<LimitEvent> due = holding.release(user, watermark, now, watermarkStillSince, expired);
        if (!expired.isEmpty()) {
            for (LimitEvent jump : expired) {
                refute(jump, watermark == Long.MAX_VALUE ? "the input ended before any verdict on it"
                        : "no verdict on it came within the processing-time bound", now);
            }
            expired.clear();
        }
        for (LimitEvent event : due) {
            long last = user.lastSequence();
            if (last != UserStateCache.NONE && event.sequenceNumber <= last) {
                deadLetter(event, DeadLetterReason.LATE_EVENT, lateError(event, last), now);
                continue;
            }
            apply(user, event, now);
        }
        if (completeStream) {
            applyNextInLine(user, now);
        }
    }

    /** Applies an event taken in order (the rules may reject it); the user's cursor moves to it either way. */
    private void apply(UserStateCache.Entry user, LimitEvent event, long now) {
        RuleResult result = LimitRules.apply(users.limit(user, event.userLimitId), event);
        if (result.isApplied()) {
            users.put(user, result.limit());
            applied.inc();
            if (result.progressMismatch()) {
                progressMismatches.inc();
            }
            output.collect(new StreamRecord<>(result.limit()));
        } else {
            deadLetter(event, result.rejection(), result.error(), now);
        }
        users.lastSequence(user, event.sequenceNumber);
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        long started = System.nanoTime();
        int dirtyUsers = users.dirtyUsers();
        int heldUsers = writeBack();
        writeBacks.checkpoint(System.nanoTime() - started, dirtyUsers, heldUsers);
    }

    /**
     * Writes the cached users' changes and the changed held events to keyed state, for a checkpoint.
     *
     * @return the users whose held events were written or cleared
     */
    private int writeBack() throws Exception {
        users.writeBack();
        int heldUsers = 0;
        for (UserStateCache.Entry user : holding.takeChanged()) {
            heldUsers++;
            setCurrentKey(user.userId());
            heldEvents.update(holding.heldOf(user));
            if (!user.heldInState) {
                user.heldInState = true;
                heldInState.add(user);
            }
        }
        for (Iterator<UserStateCache.Entry> inState = heldInState.iterator(); inState.hasNext(); ) {
            UserStateCache.Entry user = inState.next();
            if (!user.holdsEvents()) {
                heldUsers++;
                setCurrentKey(user.userId());
                heldEvents.clear();
                user.heldInState = false;
                inState.remove();
            }
        }
        return heldUsers;
    }

    private void deadLetter(LimitEvent event, DeadLetterReason reason, String error, long now) {
        deadLettered.get(reason).inc();
        output.collect(Descriptors.DEAD_LETTERS, new StreamRecord<>(DeadLetter.of(reason, error, event, now)));
    }

    private long now() {
        return getProcessingTimeService().getCurrentProcessingTime();
    }

    private static String lateError(LimitEvent event, long last) {
        return "sequenceNumber " + event.sequenceNumber + " arrived after sequenceNumber " + last
                + " of user " + event.userId + " was processed";
    }

    static long roundUp(long value, long resolution) {
        return ((value + resolution - 1) / resolution) * resolution;
    }
}
