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

    /**
     * Where its split's event time stood when the event arrived more than {@code ordering.max-jump}
     * ahead of it, until the router's verdict confirms it; null for every other event. Held with the event.
     */
    public Long jumpedFrom;

    /**
     * Set by the router on bounded inputs: the watermark of the event's split just before the event,
     * which the keyed operator applies before it (see {@code UserLimitOperator}); {@link Long#MIN_VALUE}
     * otherwise. Crosses the network, never stored (transient: not part of the POJO type of state).
     */
    public transient long splitWatermark = Long.MIN_VALUE;

    /**
     * Not an event but the router's verdict on the held event with this eventId and userId; null for
     * events. Crosses the network, never stored.
     */
    public transient JumpVerdict verdict;

    public LimitEvent() {}

    /** The router's verdict on a jump of this user's event {@code eventId}. */
    public static LimitEvent verdict(String userId, String eventId, JumpVerdict verdict) {
        LimitEvent v = new LimitEvent();
        v.userId = userId;
        v.eventId = eventId;
        v.verdict = verdict;
        return v;
    }

    @Override
    public String toString() {
        if (verdict != null) {
            return verdict + "{eventId=" + eventId + ", userId=" + userId + "}";
        }
        return type + "{eventId=" + eventId + ", userId=" + userId + ", userLimitId=" + userLimitId
                + ", seq=" + sequenceNumber + ", createdAt=" + createdAt + "}";
    }
}
