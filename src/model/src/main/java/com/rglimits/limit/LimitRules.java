package com.rglimits.limit;

import com.rglimits.deadletter.DeadLetterReason;
import com.rglimits.event.LimitEvent;
import java.math.BigDecimal;

/** The processing rules of EVENTS.md for one event against the current state of its limit. */
public final class LimitRules {
    private LimitRules() {}

    /**
     * @param current the limit with the event's userLimitId, or null when there is none
     * @return the new state of the limit (a new object; {@code current} is not changed), or the rejection
     */
    public static RuleResult apply(UserLimit current, LimitEvent event) {
        switch (event.type) {
            case USER_LIMIT_CREATED:
                return current != null
                        ? RuleResult.rejected(DeadLetterReason.LIMIT_ALREADY_EXISTS,
                                "limit " + event.userLimitId + " already exists (last changed by event "
                                        + current.lastEventId + ")")
                        : RuleResult.applied(created(event), false);
            case USER_LIMIT_PROGRESS_CHANGED:
                if (current == null) {
                    return unknown(event);
                }
                UserLimit progressed = touched(current, event);
                progressed.progress = event.previousProgress.add(event.amount);
                return RuleResult.applied(progressed, current.progress.compareTo(event.previousProgress) != 0);
            case USER_LIMIT_RESET:
                if (current == null) {
                    return unknown(event);
                }
                UserLimit reset = touched(current, event);
                reset.progress = BigDecimal.ZERO;
                return RuleResult.applied(reset, false);
            default:
                throw new IllegalArgumentException("not a processed event type: " + event.type);
        }
    }

    private static RuleResult unknown(LimitEvent event) {
        return RuleResult.rejected(DeadLetterReason.UNKNOWN_LIMIT,
                "no limit " + event.userLimitId + " for user " + event.userId);
    }

    private static UserLimit created(LimitEvent e) {
        UserLimit l = new UserLimit();
        l.userId = e.userId;
        l.userLimitId = e.userLimitId;
        l.brandId = e.brandId;
        l.currencyCode = e.currencyCode;
        l.type = e.limitType;
        l.period = e.period;
        l.status = e.status;
        l.value = e.value;
        l.progress = BigDecimal.ZERO;
        l.activeFrom = e.activeFrom;
        l.activeUntil = e.activeUntil;
        l.nextResetTime = e.nextResetTime;
        l.createdAt = e.createdAt;
        l.updatedAt = e.createdAt;
        l.lastEventId = e.eventId;
        l.lastSequenceNumber = e.sequenceNumber;
        l.lastEventType = e.type;
        return l;
    }

    /** A copy of the limit stamped with the event as its last one, and its nextResetTime when given. */
    private static UserLimit touched(UserLimit current, LimitEvent e) {
        UserLimit l = current.copy();
        if (e.nextResetTime != null) {
            l.nextResetTime = e.nextResetTime;
        }
        l.updatedAt = e.createdAt;
        l.lastEventId = e.eventId;
        l.lastSequenceNumber = e.sequenceNumber;
        l.lastEventType = e.type;
        return l;
    }
}
