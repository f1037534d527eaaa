package com.rglimits.event;

import java.math.BigDecimal;

/**
 * A validated event of one of the three processed types. One flat class for the three payloads
 * keeps it a Flink POJO (no subclasses, no Kryo); fields a type does not carry stay null.
 */
public class LimitEvent {
    public String eventId;
    public EventType type;
    public long sequenceNumber;
    public long createdAt;
    public String userId;
    public String userLimitId;
    public String brandId;
    public String currencyCode;

    /** CREATED and RESET. */
    public LimitType limitType;
    /** CREATED and RESET. */
    public LimitPeriod period;

    /** CREATED. */
    public LimitStatus status;
    public BigDecimal value;
    public Long activeFrom;
    public Long activeUntil;
    public BigDecimal previousLimitValue;

    /** PROGRESS_CHANGED. */
    public BigDecimal amount;
    public BigDecimal previousProgress;
    public BigDecimal remainingAmount;

    /** RESET. */
    public BigDecimal resetAmount;
    public BigDecimal unusedAmount;
    public BigDecimal resetPercentage;

    /** All three (optional). */
    public Long nextResetTime;

    /** The original record, kept so that a later dead letter carries the exact bytes. */
    public byte[] raw;
    public RecordSource source;

    public LimitEvent() {}

    @Override
    public String toString() {
        return type + "{eventId=" + eventId + ", userId=" + userId + ", userLimitId=" + userLimitId
                + ", seq=" + sequenceNumber + ", createdAt=" + createdAt + "}";
    }
}
