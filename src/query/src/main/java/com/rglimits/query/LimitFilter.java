package com.rglimits.query;

import com.rglimits.event.LimitPeriod;
import com.rglimits.event.LimitStatus;
import com.rglimits.event.LimitType;

/** The optional filters of the list endpoint; a null field matches any value. */
final class LimitFilter {
    static final LimitFilter NONE = new LimitFilter(null, null, null);

    final LimitType type;
    final LimitPeriod period;
    final LimitStatus status;

    LimitFilter(LimitType type, LimitPeriod period, LimitStatus status) {
        this.type = type;
        this.period = period;
        this.status = status;
    }
}
