package com.rglimits.limit;

import com.rglimits.event.EventType;
import com.rglimits.event.LimitPeriod;
import com.rglimits.event.LimitStatus;
import com.rglimits.event.LimitType;
import java.math.BigDecimal;
import java.util.Objects;

/**
 * The materialized state of one limit: kept in keyed state, and written as one DynamoDB item.
 * {@code lastSequenceNumber} is the item's version.
 */
public class UserLimit {
    public String userId;
    public String userLimitId;
    public String brandId;
    public String currencyCode;
    public LimitType type;
    public LimitPeriod period;
    public LimitStatus status;
    public BigDecimal value;
    public BigDecimal progress;
    public Long activeFrom;
    public Long activeUntil;
    public Long nextResetTime;
    public long createdAt;
    public long updatedAt;
    public String lastEventId;
    public long lastSequenceNumber;
    /**
     * The type of the last event applied: what the subscribers' feed reports as the cause. Null on
     * limits read from the table or restored from state written before it existed. Not a table
     * attribute, so {@link #equals} leaves it out: a limit equals the item it is stored as.
     */
    public EventType lastEventType;

    public UserLimit() {}

    public BigDecimal remaining() {
        return value.subtract(progress);
    }

    public UserLimit copy() {
        UserLimit c = new UserLimit();
        c.userId = userId;
        c.userLimitId = userLimitId;
        c.brandId = brandId;
        c.currencyCode = currencyCode;
        c.type = type;
        c.period = period;
        c.status = status;
        c.value = value;
        c.progress = progress;
        c.activeFrom = activeFrom;
        c.activeUntil = activeUntil;
        c.nextResetTime = nextResetTime;
        c.createdAt = createdAt;
        c.updatedAt = updatedAt;
        c.lastEventId = lastEventId;
        c.lastSequenceNumber = lastSequenceNumber;
        c.lastEventType = lastEventType;
        return c;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof UserLimit)) {
            return false;
        }
        UserLimit that = (UserLimit) o;
        return createdAt == that.createdAt
                && updatedAt == that.updatedAt
                && lastSequenceNumber == that.lastSequenceNumber
                && Objects.equals(userId, that.userId)
                && Objects.equals(userLimitId, that.userLimitId)
                && Objects.equals(brandId, that.brandId)
                && Objects.equals(currencyCode, that.currencyCode)
                && type == that.type
                && period == that.period
                && status == that.status
                && Objects.equals(value, that.value)
                && Objects.equals(progress, that.progress)
                && Objects.equals(activeFrom, that.activeFrom)
                && Objects.equals(activeUntil, that.activeUntil)
                && Objects.equals(nextResetTime, that.nextResetTime)
                && Objects.equals(lastEventId, that.lastEventId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(userId, userLimitId, lastSequenceNumber);
    }

    @Override
    public String toString() {
        return "UserLimit{" + userId + "/" + userLimitId + " " + type + " " + period + " " + status
                + " value=" + value + " progress=" + progress + " nextResetTime=" + nextResetTime
                + " v" + lastSequenceNumber + " by " + lastEventId + "}";
    }
}
