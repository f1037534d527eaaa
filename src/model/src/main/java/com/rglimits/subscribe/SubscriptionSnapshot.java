package com.rglimits.subscribe;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Comparator;

/**
 * Every subscription in the subscriptions table at one moment. The control stream carries whole
 * snapshots, so a subscription deleted while the job was down is gone from the first snapshot
 * after a restore; the newest snapshot ({@link #readAt}) wins.
 */
public class SubscriptionSnapshot implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Sorted by subscriber, then user. */
    public Subscription[] subscriptions = new Subscription[0];
    /** When the table was read (epoch ms). */
    public long readAt;

    public SubscriptionSnapshot() {}

    public static SubscriptionSnapshot of(Subscription[] subscriptions, long readAt) {
        SubscriptionSnapshot s = new SubscriptionSnapshot();
        s.subscriptions = subscriptions.clone();
        Arrays.sort(s.subscriptions, Comparator.comparing((Subscription x) -> x.subscriber).thenComparing(x -> x.userId));
        s.readAt = readAt;
        return s;
    }

    /** Same subscriptions, whenever read. */
    public boolean sameSubscriptions(SubscriptionSnapshot other) {
        return other != null && Arrays.equals(subscriptions, other.subscriptions);
    }

    @Override
    public String toString() {
        return "SubscriptionSnapshot{" + subscriptions.length + " subscriptions read at " + readAt + "}";
    }
}
