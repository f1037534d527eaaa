package com.rglimits.deadletter;

import com.rglimits.event.LimitEvent;
import com.rglimits.event.RecordSource;
import com.rglimits.event.Rejection;

/** A record that was not applied, with why, and the original record so that nothing is lost. */
public class DeadLetter {
    public DeadLetterReason reason;
    public String error;
    /** The original record; {@code recordBase64} in the JSON form when it is not valid UTF-8. */
    public byte[] record;
    public String eventId;
    public String type;
    public String userId;
    public Long sequenceNumber;
    public RecordSource source;
    public long deadLetteredAt;

    public DeadLetter() {}

    public static DeadLetter of(DeadLetterReason reason, String error, LimitEvent event, long now) {
        DeadLetter d = new DeadLetter();
        d.reason = reason;
        d.error = error;
        d.record = event.raw;
        d.eventId = event.eventId;
        d.type = event.type.name();
        d.userId = event.userId;
        d.sequenceNumber = event.sequenceNumber;
        d.source = event.source;
        d.deadLetteredAt = now;
        return d;
    }

    /** An {@link DeadLetterReason#INVALID_EVENT}: a record the parser refused, dead-lettered when it refused it. */
    public static DeadLetter invalidEvent(Rejection rejection) {
        DeadLetter d = new DeadLetter();
        d.reason = DeadLetterReason.INVALID_EVENT;
        d.error = rejection.error;
        d.record = rejection.record;
        d.eventId = rejection.eventId;
        d.type = rejection.type;
        d.userId = rejection.userId;
        d.sequenceNumber = rejection.sequenceNumber;
        d.source = rejection.source;
        d.deadLetteredAt = rejection.rejectedAt;
        return d;
    }

    @Override
    public String toString() {
        return reason + "(" + error + ") eventId=" + eventId + " userId=" + userId + " seq=" + sequenceNumber;
    }
}
