package com.rglimits.event;

/**
 * What was wrong with a record the parser could not turn into an event, with what it could read of
 * it and the record itself; whoever routes it makes the dead letter. A flat POJO for Flink.
 */
public class Rejection {
    public String error;
    /** The original bytes, as read. */
    public byte[] record;
    public String eventId;
    public String type;
    /** payload.userId, else aggregateId, when the record had either. */
    public String userId;
    public Long sequenceNumber;
    public RecordSource source;
    /** When the parser refused it (epoch ms). */
    public long rejectedAt;

    public Rejection() {}

    @Override
    public String toString() {
        return "(" + error + ") eventId=" + eventId + " userId=" + userId + " seq=" + sequenceNumber;
    }
}
