package com.rglimits.ordering;

import com.rglimits.event.LimitEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Decides which of a user's held events are released. An event is due when the event-time
 * watermark has passed its createdAt (and its arrival hold is over), or when the watermark has
 * stood still for the processing-time bound while the event was held: counted from its arrival or
 * from the last time the watermark moved (or this task instance started), whichever is later.
 *
 * <p>A watermark that moves, however far behind, belongs to a stream being read (a backlog after a
 * restore, a parent shard still being drained while its children are read already): releasing
 * then could overtake an earlier event of the same user that is still on its way. A watermark that
 * stands still belongs to a quiet stream, whose held events must not be stranded.
 *
 * <p>The arrival hold: an event that arrives behind the watermark, or while the input is resuming
 * ({@link #arrivalHoldApplies}), is not released before {@code arrivalHoldMs} after its arrival. After a quiet spell, or in a replay or backfill, the
 * first shard read carries the watermark past everything the other shards still hold; their
 * records then all arrive behind it, a user's events out of order among themselves. Held for the
 * arrival hold, a user's events that arrive together are applied in sequence order instead of in
 * arrival order. Events that arrive ahead of the watermark wait for it anyway and are not delayed.
 *
 * <p>A held event with a smaller sequenceNumber than a due one is released with it: holding it
 * longer could only make it late.
 *
 * <p>An unconfirmed jump (an event far ahead of its split's event time, {@link EventClock}) waits for
 * the router's verdict: it is never released with a due event of its user, nor by the processing-time
 * bound; the watermark releases it once confirmed. If the watermark stands still for the bound, or the
 * final watermark comes, while it is still unconfirmed, it has expired: the stream never confirmed it.
 */
public final class EventOrdering {
    /** Stable sort: among equal sequence and createdAt, the arrival order of the input list stands. */
    public static final Comparator<LimitEvent> APPLY_ORDER =
            Comparator.<LimitEvent>comparingLong(e -> e.sequenceNumber).thenComparingLong(e -> e.createdAt);

    private EventOrdering() {}

    /**
     * The held form of an event arriving now, with the watermark as it is now.
     *
     * @param resuming whether the input has just resumed (see {@link #arrivalHoldApplies})
     */
    public static HeldEvent arriving(LimitEvent e, long now, long watermark, long arrivalHoldMs, boolean resuming) {
        return new HeldEvent(e, now, arrivalHoldApplies(e, watermark, resuming) ? now + arrivalHoldMs : now);
    }

    /**
     * Whether an arriving event gets the arrival hold: when it arrives behind the watermark, and
     * while the input is resuming after it was idle as a whole (a quiet stream). Then the upstream
     * subtasks come back one after the other, and Flink leaves one that comes back behind the
     * watermark out of it until it catches up: the others can carry the watermark past its records,
     * including those that arrived ahead of the watermark a moment earlier.
     */
    static boolean arrivalHoldApplies(LimitEvent e, long watermark, boolean resuming) {
        return resuming || e.createdAt <= watermark;
    }

    /** The held form of an event restored from a checkpoint, at the restart: its arrival is unknown. */
    public static HeldEvent restored(LimitEvent e, long restartedAt) {
        return new HeldEvent(e, restartedAt, restartedAt);
    }

    /**
     * @param held the user's held events, in arrival order
     * @param watermark the current event-time watermark
     * @param now the current processing time
     * @param maxHoldMs how long the watermark may stand still before held events are released
     * @param stillSince processing time since which the watermark has not moved, or when this task
     *     instance started if later
     */
    public static Release release(List<HeldEvent> held, long watermark, long now, long maxHoldMs, long stillSince) {
        long highestDueSequence = Long.MIN_VALUE;
        boolean expiredJumps = false;
        for (HeldEvent h : held) {
            if (isDue(h, watermark, now, maxHoldMs, stillSince)) {
                highestDueSequence = Math.max(highestDueSequence, h.event.sequenceNumber);
            } else if (hasExpired(h, watermark, now, maxHoldMs, stillSince)) {
                expiredJumps = true;
            }
        }
        if (highestDueSequence == Long.MIN_VALUE && !expiredJumps) {
            return new Release(List.of(), held, List.of());
        }
        List<LimitEvent> due = new ArrayList<>();
        List<HeldEvent> kept = new ArrayList<>();
        List<LimitEvent> expired = new ArrayList<>();
        for (HeldEvent h : held) {
            if (isDue(h, watermark, now, maxHoldMs, stillSince)
                    || (!isUnconfirmedJump(h) && h.event.sequenceNumber <= highestDueSequence)) {
                due.add(h.event);
            } else if (hasExpired(h, watermark, now, maxHoldMs, stillSince)) {
                expired.add(h.event);
            } else {
                kept.add(h);
            }
        }
        due.sort(APPLY_ORDER);
        return new Release(due, kept, expired);
    }

    /**
     * When processing time releases the event, should the watermark stand still until then
     * ({@link Long#MAX_VALUE} when the bound is {@link Long#MAX_VALUE}: never).
     */
    public static long holdDeadline(HeldEvent h, long maxHoldMs, long stillSince) {
        long from = Math.max(h.arrivedAt, stillSince);
        return from > 0 && maxHoldMs > Long.MAX_VALUE - from ? Long.MAX_VALUE : from + maxHoldMs;
    }

    static boolean isUnconfirmedJump(HeldEvent h) {
        return h.event.jumpedFrom != null;
    }

    /** The final watermark (end of input, stop with drain) releases everything: nothing comes after it. */
    static boolean isDue(HeldEvent h, long watermark, long now, long maxHoldMs, long stillSince) {
        if (isUnconfirmedJump(h)) {
            return h.event.createdAt <= watermark && watermark != Long.MAX_VALUE && now >= h.notBefore;
        }
        return (h.event.createdAt <= watermark && (now >= h.notBefore || watermark == Long.MAX_VALUE))
                || now >= holdDeadline(h, maxHoldMs, stillSince);
    }

    /** An unconfirmed jump that the bound or the final watermark found still waiting for its verdict. */
    static boolean hasExpired(HeldEvent h, long watermark, long now, long maxHoldMs, long stillSince) {
        return isUnconfirmedJump(h)
                && (watermark == Long.MAX_VALUE || now >= holdDeadline(h, maxHoldMs, stillSince));
    }
}
