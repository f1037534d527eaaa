package com.rglimits.deadletter;

public enum DeadLetterReason {
    INVALID_EVENT,
    UNKNOWN_LIMIT,
    LIMIT_ALREADY_EXISTS,
    LATE_EVENT
}
