package com.rglimits.event;

/**
 * The router's verdict on an event that arrived more than {@code ordering.max-jump} ahead of its
 * split's event time (see {@code com.rglimits.ordering.EventClock}), sent to the keyed operator that holds it.
 */
public enum JumpVerdict {
    /** Other keys reached its time: an event like any other. */
    CONFIRMED,
    /** The stream went on without it: an INVALID_EVENT. */
    REFUTED
}
