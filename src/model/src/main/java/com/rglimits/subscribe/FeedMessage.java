package com.rglimits.subscribe;

import com.rglimits.event.LimitType;
import java.util.Objects;

/** One message of the subscribers' feed, encoded: what every subscriber it matches receives. */
public final class FeedMessage {
    private final MessageKind kind;
    private final String messageId;
    private final String userId;
    private final LimitType limitType;
    private final long sequenceNumber;
    private final String body;

    FeedMessage(MessageKind kind, String messageId, String userId, LimitType limitType, long sequenceNumber, String body) {
        this.kind = kind;
        this.messageId = messageId;
        this.userId = userId;
        this.limitType = limitType;
        this.sequenceNumber = sequenceNumber;
        this.body = body;
    }

    public MessageKind kind() {
        return kind;
    }

    /** Deterministic: the same limit version gives the same id on every replay and restore. */
    public String messageId() {
        return messageId;
    }

    public String userId() {
        return userId;
    }

    public LimitType limitType() {
        return limitType;
    }

    /** The limit's version: the sequence number of the event that caused the message. */
    public long sequenceNumber() {
        return sequenceNumber;
    }

    /** The JSON message (docs/subscribers.md). */
    public String body() {
        return body;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FeedMessage && ((FeedMessage) o).messageId.equals(messageId)
                && ((FeedMessage) o).body.equals(body);
    }

    @Override
    public int hashCode() {
        return Objects.hash(messageId);
    }

    @Override
    public String toString() {
        return kind + "{" + messageId + " " + body + "}";
    }
}
