package com.rglimits.subscribe;

import java.io.Serializable;
import java.util.Objects;

/**
 * One message for one subscriber's queue: the request entry of the SQS FIFO sink (message group
 * = the user, de-duplication id = the message id). A Flink POJO.
 */
public class Delivery implements Serializable {
    private static final long serialVersionUID = 1L;

    public String subscriber;
    public String queueUrl;
    /** The message group: the user id. */
    public String groupId;
    /** The message's id, also its de-duplication id. */
    public String messageId;
    /** The limit version (causing event's sequence number): consumers drop older ones by it. */
    public long sequenceNumber;
    public String body;

    public Delivery() {}

    public static Delivery of(Subscription s, FeedMessage m) {
        Delivery d = new Delivery();
        d.subscriber = s.subscriber;
        d.queueUrl = s.queueUrl;
        d.groupId = m.userId();
        d.messageId = m.messageId();
        d.sequenceNumber = m.sequenceNumber();
        d.body = m.body();
        return d;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Delivery)) {
            return false;
        }
        Delivery that = (Delivery) o;
        return sequenceNumber == that.sequenceNumber && Objects.equals(subscriber, that.subscriber)
                && Objects.equals(queueUrl, that.queueUrl) && Objects.equals(groupId, that.groupId)
                && Objects.equals(messageId, that.messageId) && Objects.equals(body, that.body);
    }

    @Override
    public int hashCode() {
        return Objects.hash(subscriber, messageId);
    }

    @Override
    public String toString() {
        return "Delivery{" + subscriber + " group=" + groupId + " id=" + messageId + " seq=" + sequenceNumber + "}";
    }
}
