package com.rglimits.event;

public enum LimitPeriod {
    CALENDAR_DAY,
    CALENDAR_WEEK,
    CALENDAR_MONTH,
    DAY,
    WEEK,
    MONTH,
    INDEFINITE,
    INSTANCE
}
