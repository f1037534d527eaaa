package com.rglimits.ordering;

import com.rglimits.event.LimitEvent;
import java.util.List;

/** Which held events of a user are released now (in apply order), which stay held, and which expired. */
public final class Release {
    private final List<LimitEvent> due;
    private final List<HeldEvent> kept;
    private final List<LimitEvent> expired;

    Release(List<LimitEvent> due, List<HeldEvent> kept, List<LimitEvent> expired) {
        this.due = due;
        this.kept = kept;
        this.expired = expired;
    }

    /** Events to apply now, in order: sequenceNumber, then createdAt, then arrival. */
    public List<LimitEvent> due() {
        return due;
    }

    /** Events that stay held, in arrival order. */
    public List<HeldEvent> kept() {
        return kept;
    }

    /** Unconfirmed jumps whose verdict never came (see {@link EventOrdering}): taken out, to be refuted. */
    public List<LimitEvent> expired() {
        return expired;
    }
}
