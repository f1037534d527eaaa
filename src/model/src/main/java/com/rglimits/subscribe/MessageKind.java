package com.rglimits.subscribe;

/** What a subscriber's message reports (docs/subscribers.md). */
public enum MessageKind {
    /** Every applied event: the limit's new state and the event that caused it. */
    LIMIT_CHANGED,
    /** The limit's progress crossed one of the configured percentages of its value, upwards. */
    LIMIT_THRESHOLD_REACHED,
    /**
     * The limit's state when a subscription that asked for it ({@code "start": "snapshot"}) took
     * effect: one per limit it selects, before any later change of the user.
     */
    LIMIT_SNAPSHOT
}
