package com.rglimits.subscribe;

/** Why a message could not be delivered to a subscriber's queue. */
public enum UndeliveredReason {
    /** The queue does not exist (deleted, or a wrong URL). */
    QUEUE_DOES_NOT_EXIST,
    /** SQS refused the message or the request for good (access denied, not a FIFO queue, too large, ...). */
    REJECTED,
    /** Throttled, slow or failing beyond {@code subscribers.delivery-timeout}. */
    DELIVERY_TIMEOUT,
    /** Not tried: the queue failed (one of the above) less than a delivery timeout ago. */
    QUEUE_UNAVAILABLE
}
