package com.rglimits.ordering;

import com.rglimits.event.LimitEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Decides which of a user's held events are released. An event is due when the event-time
 * watermark has passed its createdAt, or when the watermark has stood still for the
 * processing-time bound while the event was held: counted from its arrival or from the last time the
 * watermark moved (or this task instance started), whichever is later.
 *
 * <p>A watermark that moves, however far behind, belongs to a stream being read (a backlog after a
 * restore, a parent shard still being drained while its children are read already): releasing
 * then could overtake an earlier event of the same user that is still on its way. A watermark that
 * stands still belongs to a quiet stream, whose held events must not be stranded.
 *
 * <p>A held event with a smaller sequenceNumber than a due one is released with it: holding it
 * longer could only make it late.
 */
public final class EventOrdering {
    /** Stable sort: among equal sequence and createdAt, the arrival order of the input list stands. */
    public static final Comparator<LimitEvent> APPLY_ORDER =
            Comparator.<LimitEvent>comparingLong(e -> e.sequenceNumber).thenComparingLong(e -> e.createdAt);

    private EventOrdering() {}

    /**
     * @param held the user's held events, in arrival order
     * @param watermark the current event-time watermark
     * @param now the current processing time
     * @param maxHoldMs how long the watermark may stand still before held events are released
     * @param stillSince processing time since which the watermark has not moved, or when this task
     *     instance started if later
     */
    public static Release release(List<LimitEvent> held, long watermark, long now, long maxHoldMs, long stillSince) {
        long highestDueSequence = Long.MIN_VALUE;
        for (LimitEvent e : held) {
            if (isDue(e, watermark, now, maxHoldMs, stillSince)) {
                highestDueSequence = Math.max(highestDueSequence, e.sequenceNumber);
            }
        }
        List<LimitEvent> due = new ArrayList<>();
        List<LimitEvent> kept = new ArrayList<>();
        for (LimitEvent e : held) {
            if (e.sequenceNumber <= highestDueSequence || isDue(e, watermark, now, maxHoldMs, stillSince)) {
                due.add(e);
            } else {
                kept.add(e);
            }
        }
        due.sort(APPLY_ORDER);
        return new Release(due, kept);
    }

    /** When processing time releases the event, should the watermark stand still until then. */
    public static long holdDeadline(LimitEvent e, long maxHoldMs, long stillSince) {
        return Math.max(e.arrivedAt, stillSince) + maxHoldMs;
    }

    private static boolean isDue(LimitEvent e, long watermark, long now, long maxHoldMs, long stillSince) {
        return e.createdAt <= watermark || now >= holdDeadline(e, maxHoldMs, stillSince);
    }
}
