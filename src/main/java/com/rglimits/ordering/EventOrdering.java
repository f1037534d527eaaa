package com.rglimits.ordering;

import com.rglimits.event.LimitEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Decides which of a user's held events are released. An event is due when the event-time
 * watermark has passed its createdAt, or when it has been held for the processing-time bound,
 * counted from its arrival or from when this task instance started, whichever is later: time the
 * job was stopped (a restore from a savepoint) is not time spent waiting on a quiet stream.
 * A held event with a smaller sequenceNumber than a due one is released with it: holding it
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
     * @param maxHoldMs how long an event may be held in processing time
     * @param heldSince when this task instance started holding events (processing time)
     */
    public static Release release(List<LimitEvent> held, long watermark, long now, long maxHoldMs, long heldSince) {
        long highestDueSequence = Long.MIN_VALUE;
        for (LimitEvent e : held) {
            if (isDue(e, watermark, now, maxHoldMs, heldSince)) {
                highestDueSequence = Math.max(highestDueSequence, e.sequenceNumber);
            }
        }
        List<LimitEvent> due = new ArrayList<>();
        List<LimitEvent> kept = new ArrayList<>();
        for (LimitEvent e : held) {
            if (e.sequenceNumber <= highestDueSequence || isDue(e, watermark, now, maxHoldMs, heldSince)) {
                due.add(e);
            } else {
                kept.add(e);
            }
        }
        due.sort(APPLY_ORDER);
        return new Release(due, kept);
    }

    /** When the processing-time bound releases the event. */
    public static long holdDeadline(LimitEvent e, long maxHoldMs, long heldSince) {
        return Math.max(e.arrivedAt, heldSince) + maxHoldMs;
    }

    private static boolean isDue(LimitEvent e, long watermark, long now, long maxHoldMs, long heldSince) {
        return e.createdAt <= watermark || now >= holdDeadline(e, maxHoldMs, heldSince);
    }
}
