package com.rglimits.ordering;

import com.rglimits.event.LimitEvent;

/**
 * An event in the ordering buffer, with what the buffer knows of its arrival. Of the event itself
 * only {@code jumpedFrom} is ever written to: cleared when the router confirms the jump.
 */
public final class HeldEvent {
    final LimitEvent event;
    /** Processing time at which this task instance received it (the restart, for a restored event). */
    final long arrivedAt;
    /** The watermark does not release it before this processing time: see {@link EventOrdering}. */
    long notBefore;
    /** Released with a due event of its user; still referenced by the release queues until they pass it. */
    boolean released;
    /** Its user's holder in the {@link HoldingArea}: a due event leads to its user without a lookup. */
    HoldingArea.Holder holder;

    HeldEvent(LimitEvent event, long arrivedAt, long notBefore) {
        this.event = event;
        this.arrivedAt = arrivedAt;
        this.notBefore = notBefore;
    }

    public LimitEvent event() {
        return event;
    }

    public long notBefore() {
        return notBefore;
    }
}
