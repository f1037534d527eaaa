package com.rglimits.sink;

import com.rglimits.event.LimitPeriod;
import com.rglimits.event.LimitStatus;
import com.rglimits.event.LimitType;
import com.rglimits.limit.UserLimit;
import java.math.BigDecimal;

/** Limit versions for the sink tests: every version differs in several attributes. */
final class TestLimits {
    private TestLimits() {}

    static UserLimit version(String userId, String userLimitId, long sequenceNumber) {
        UserLimit l = new UserLimit();
        l.userId = userId;
        l.userLimitId = userLimitId;
        l.brandId = "brand-1";
        l.currencyCode = "EUR";
        l.type = LimitType.DEPOSIT;
        l.period = LimitPeriod.CALENDAR_DAY;
        l.status = sequenceNumber % 7 == 0 ? LimitStatus.IN_COOLDOWN : LimitStatus.ACTIVE;
        l.value = new BigDecimal("500.00");
        l.progress = new BigDecimal(sequenceNumber).add(new BigDecimal("0.25"));
        l.activeFrom = 1_700_000_000_000L;
        l.activeUntil = sequenceNumber % 2 == 0 ? null : 1_800_000_000_000L;
        l.nextResetTime = 1_700_086_400_000L + sequenceNumber;
        l.createdAt = 1_700_000_000_000L;
        l.updatedAt = 1_700_000_000_000L + 1_000 * sequenceNumber;
        l.lastEventId = "evt-" + userId + "-" + userLimitId + "-" + sequenceNumber;
        l.lastSequenceNumber = sequenceNumber;
        return l;
    }
}
