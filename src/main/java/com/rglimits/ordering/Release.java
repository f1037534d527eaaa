package com.rglimits.ordering;

import com.rglimits.event.LimitEvent;
import java.util.List;

/** Which held events of a user are released now (in apply order) and which stay held. */
public final class Release {
    private final List<LimitEvent> due;
    private final List<HeldEvent> kept;

    Release(List<LimitEvent> due, List<HeldEvent> kept) {
        this.due = due;
        this.kept = kept;
    }

    /** Events to apply now, in order: sequenceNumber, then createdAt, then arrival. */
    public List<LimitEvent> due() {
        return due;
    }

    /** Events that stay held, in arrival order. */
    public List<HeldEvent> kept() {
        return kept;
    }
}
