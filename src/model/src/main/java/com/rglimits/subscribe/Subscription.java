package com.rglimits.subscribe;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;

/**
 * One subscription of one subscriber: a user (or {@link #ALL_USERS}) with an optional filter. A
 * Flink POJO of strings and string arrays, so it needs no Kryo in broadcast state.
 */
public class Subscription implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final String ALL_USERS = "*";
    /** {@link #start}: first the current state of every limit selected, then the changes. */
    public static final String START_SNAPSHOT = "snapshot";

    public String subscriber;
    /** The subscriber's SQS FIFO queue. */
    public String queueUrl;
    /** A user id, or {@link #ALL_USERS}. */
    public String userId;
    /** {@code LimitType} names; empty: every type. */
    public String[] limitTypes = new String[0];
    /** {@link MessageKind} names; empty: every kind. */
    public String[] kinds = new String[0];
    /** {@link #START_SNAPSHOT}, or null: changes from when it takes effect on. */
    public String start;
    /** When the subscription was written (epoch ms; 0 if before this was recorded): a new write is a new subscription. */
    public long subscribedAt;

    public Subscription() {}

    public static Subscription of(String subscriber, String queueUrl, String userId, String[] limitTypes, String[] kinds) {
        Subscription s = new Subscription();
        s.subscriber = subscriber;
        s.queueUrl = queueUrl;
        s.userId = userId;
        s.limitTypes = limitTypes.clone();
        s.kinds = kinds.clone();
        Arrays.sort(s.limitTypes);
        Arrays.sort(s.kinds);
        return s;
    }

    /** The same subscription, asking for a snapshot or not, written at {@code subscribedAt}. */
    public Subscription startingWith(String start, long subscribedAt) {
        Subscription s = of(subscriber, queueUrl, userId, limitTypes, kinds);
        s.start = start;
        s.subscribedAt = subscribedAt;
        return s;
    }

    public boolean wantsSnapshot() {
        return START_SNAPSHOT.equals(start);
    }

    /**
     * Identifies this subscription's write: its snapshot is taken once per id, and a subscription
     * written again (a new {@link #subscribedAt}) is a new one.
     */
    public String id() {
        return subscriber + "|" + userId + "|" + subscribedAt;
    }

    /** Whether a snapshot of the user's limit of this type belongs to this subscription ({@link #kinds} filter changes only). */
    public boolean selects(String limitUserId, String limitType) {
        return (userId.equals(ALL_USERS) || userId.equals(limitUserId))
                && (limitTypes.length == 0 || contains(limitTypes, limitType));
    }

    public boolean matches(FeedMessage message) {
        return (userId.equals(ALL_USERS) || userId.equals(message.userId()))
                && (limitTypes.length == 0 || contains(limitTypes, message.limitType().name()))
                && (kinds.length == 0 || contains(kinds, message.kind().name()));
    }

    private static boolean contains(String[] values, String value) {
        for (String v : values) {
            if (v.equals(value)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Subscription)) {
            return false;
        }
        Subscription that = (Subscription) o;
        return Objects.equals(subscriber, that.subscriber) && Objects.equals(queueUrl, that.queueUrl)
                && Objects.equals(userId, that.userId) && Arrays.equals(limitTypes, that.limitTypes)
                && Arrays.equals(kinds, that.kinds) && Objects.equals(start, that.start)
                && subscribedAt == that.subscribedAt;
    }

    @Override
    public int hashCode() {
        return Objects.hash(subscriber, userId);
    }

    @Override
    public String toString() {
        return subscriber + "->" + userId + " types=" + Arrays.toString(limitTypes) + " kinds=" + Arrays.toString(kinds)
                + (wantsSnapshot() ? " start=snapshot" : "") + " at " + subscribedAt;
    }
}
