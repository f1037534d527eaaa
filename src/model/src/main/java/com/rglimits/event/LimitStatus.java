package com.rglimits.event;

public enum LimitStatus {
    ACTIVE,
    CANCELED,
    FUTURE,
    IN_COOLDOWN
}
