package com.rglimits.subscribe;

import static com.rglimits.testing.Events.created;
import static com.rglimits.testing.Events.event;
import static com.rglimits.testing.Events.progress;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rglimits.limit.LimitRules;
import com.rglimits.limit.UserLimit;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * Snapshot on subscribe in the feed operator: the snapshot of every selected limit, per user before
 * the user's later changes, nothing for the subscription before it; taken once, also across a
 * restore of the operator's state.
 */
class SubscriberFeedTest {
    private static final Thresholds THRESHOLDS = Thresholds.parse("80,100");
    private static final SubscriptionSnapshot NONE = SubscriptionSnapshot.of(new Subscription[0], 0);

    private static final UserLimit U1_DEPOSIT = LimitRules.apply(null, event(created("c1", "u1", "dep-1", 1, 1_000, "500"))).limit();
    private static final UserLimit U1_LOSS = LimitRules.apply(null, event(loss("c2", "u1", "loss-1", 2, 1_100))).limit();
    private static final UserLimit U2_DEPOSIT = LimitRules.apply(null, event(created("c3", "u2", "dep-2", 1, 1_200, "100"))).limit();
    private static final UserLimit U1_DEPOSIT_AT_90 =
            LimitRules.apply(U1_DEPOSIT, event(progress("p1", "u1", "dep-1", 3, 2_000, "0", "450"))).limit();

    private static ObjectNode loss(String eventId, String user, String limit, long seq, long createdAt) {
        ObjectNode e = created(eventId, user, limit, seq, createdAt, "300");
        ((ObjectNode) e.get("payload")).put("type", "LOSS");
        return e;
    }

    private static Subscription subscription(String user, String[] types, String start, long at) {
        return Subscription.of("crm", "q-crm", user, types, new String[0]).startingWith(start, at);
    }

    private static SubscriptionSnapshot snapshotOf(long readAt, Subscription... subscriptions) {
        return SubscriptionSnapshot.of(subscriptions, readAt);
    }

    private static KeyedBroadcastOperatorTestHarness<String, UserLimit, SubscriptionSnapshot, Delivery> harness(
            OperatorSubtaskState restored) throws Exception {
        KeyedBroadcastOperatorTestHarness<String, UserLimit, SubscriptionSnapshot, Delivery> h =
                new KeyedBroadcastOperatorTestHarness<>(new CoBroadcastWithKeyedOperator<>(new SubscriberFeed(NONE, THRESHOLDS),
                        List.of(SubscriberFeed.SUBSCRIPTIONS, SubscriberFeed.SNAPSHOTS_TAKEN)), l -> l.userId, Types.STRING, 1, 1, 0);
        h.setup();
        if (restored != null) {
            h.initializeState(restored);
        }
        h.open();
        return h;
    }

    /** Per delivery: kind, user, limit and the limit's sequence number. */
    private static List<String> taken(KeyedBroadcastOperatorTestHarness<String, UserLimit, SubscriptionSnapshot, Delivery> h) {
        List<String> out = new ArrayList<>();
        for (Delivery d : h.extractOutputValues()) {
            String kind = d.body.replaceAll(".*\"kind\":\"([A-Z_]+)\".*", "$1");
            String limit = d.body.replaceAll(".*\"userLimitId\":\"([^\"]+)\".*", "$1");
            out.add(kind + " " + d.groupId + " " + limit + " " + d.sequenceNumber);
        }
        h.getOutput().clear();
        return out;
    }

    @Test
    void aSnapshotSubscriptionGetsEverySelectedLimitFirstThenTheChanges() throws Exception {
        try (var h = harness(null)) {
            h.processElement(U1_DEPOSIT, 1);
            h.processElement(U1_LOSS, 2);
            h.processElement(U2_DEPOSIT, 3);
            h.processBroadcastElement(snapshotOf(10, subscription(Subscription.ALL_USERS, new String[] {"DEPOSIT"},
                    Subscription.START_SNAPSHOT, 5)), 4);
            assertThat(taken(h)).as("one snapshot per selected limit, LOSS not selected")
                    .containsExactlyInAnyOrder("LIMIT_SNAPSHOT u1 dep-1 1", "LIMIT_SNAPSHOT u2 dep-2 1");

            h.processElement(U1_DEPOSIT_AT_90, 5);
            assertThat(taken(h)).containsExactly("LIMIT_CHANGED u1 dep-1 3", "LIMIT_THRESHOLD_REACHED u1 dep-1 3");

            // The same subscription in a later read of the table: its snapshot is not taken again.
            h.processBroadcastElement(snapshotOf(20, subscription(Subscription.ALL_USERS, new String[] {"DEPOSIT"},
                    Subscription.START_SNAPSHOT, 5)), 6);
            assertThat(taken(h)).isEmpty();
            assertThat(h.getBroadcastState(SubscriberFeed.SNAPSHOTS_TAKEN).get("crm|*|5")).isEqualTo(10L);
        }
    }

    @Test
    void untilItsSnapshotIsTakenASnapshotSubscriptionSelectsNoChange() throws Exception {
        Subscription u1 = subscription("u1", new String[0], Subscription.START_SNAPSHOT, 5);
        KeyedBroadcastOperatorTestHarness<String, UserLimit, SubscriptionSnapshot, Delivery> h =
                new KeyedBroadcastOperatorTestHarness<>(new CoBroadcastWithKeyedOperator<>(
                        // The job was submitted with the subscription in the table: its first scan.
                        new SubscriberFeed(snapshotOf(1, u1), THRESHOLDS),
                        List.of(SubscriberFeed.SUBSCRIPTIONS, SubscriberFeed.SNAPSHOTS_TAKEN)), l -> l.userId, Types.STRING, 1, 1, 0);
        try (h) {
            h.setup();
            h.open();
            h.processElement(U1_DEPOSIT, 1);
            h.processElement(U1_LOSS, 2);
            assertThat(taken(h)).as("the changes before the snapshot are in it").isEmpty();
            h.processBroadcastElement(snapshotOf(2, u1), 3);
            assertThat(taken(h)).containsExactly("LIMIT_SNAPSHOT u1 dep-1 1", "LIMIT_SNAPSHOT u1 loss-1 2");
            h.processElement(U1_DEPOSIT_AT_90, 4);
            assertThat(taken(h)).containsExactly("LIMIT_CHANGED u1 dep-1 3", "LIMIT_THRESHOLD_REACHED u1 dep-1 3");
        }
    }

    @Test
    void aSnapshotIsTakenOnceAcrossARestoreAndAgainOnlyForANewWriteOfTheSubscription() throws Exception {
        Subscription first = subscription("u1", new String[0], Subscription.START_SNAPSHOT, 5);
        OperatorSubtaskState checkpoint;
        try (var h = harness(null)) {
            h.processElement(U1_DEPOSIT, 1);
            h.processBroadcastElement(snapshotOf(10, first), 2);
            assertThat(taken(h)).containsExactly("LIMIT_SNAPSHOT u1 dep-1 1");
            checkpoint = h.snapshot(1, 3);
        }
        try (var h = harness(checkpoint)) {
            // After a restore the control stream brings the table again, with the same subscription.
            h.processBroadcastElement(snapshotOf(30, first), 4);
            h.processElement(U1_DEPOSIT_AT_90, 5);
            assertThat(taken(h)).containsExactly("LIMIT_CHANGED u1 dep-1 3", "LIMIT_THRESHOLD_REACHED u1 dep-1 3");

            // Written again (PUT once more): a new subscription, with a snapshot of the state now.
            Subscription again = subscription("u1", new String[0], Subscription.START_SNAPSHOT, 40);
            h.processBroadcastElement(snapshotOf(50, again), 6);
            List<Delivery> deliveries = new ArrayList<>(h.extractOutputValues());
            assertThat(taken(h)).containsExactly("LIMIT_SNAPSHOT u1 dep-1 3");
            assertThat(deliveries.get(0).messageId).isEqualTo(LimitMessages.snapshot(U1_DEPOSIT_AT_90, "crm|u1|40").messageId());
            List<String> records = new ArrayList<>();
            h.getBroadcastState(SubscriberFeed.SNAPSHOTS_TAKEN).immutableEntries().forEach(e -> records.add(e.getKey()));
            assertThat(records).as("the old write's record is gone").containsExactly("crm|u1|40");
        }
    }

    @Test
    void aSubscriptionWithoutSnapshotStartsWithTheNextChange() throws Exception {
        try (var h = harness(null)) {
            h.processElement(U1_DEPOSIT, 1);
            h.processBroadcastElement(snapshotOf(10, subscription("u1", new String[0], null, 5)), 2);
            assertThat(taken(h)).isEmpty();
            h.processElement(U1_DEPOSIT_AT_90, 3);
            assertThat(taken(h).stream().map(s -> s.split(" ")[0]).collect(Collectors.toList()))
                    .containsExactly("LIMIT_CHANGED", "LIMIT_THRESHOLD_REACHED");
        }
    }

    @Test
    void aSubscriberWithTwoSnapshotSubscriptionsForAUserGetsEachLimitOnce() throws Exception {
        try (var h = harness(null)) {
            h.processElement(U1_DEPOSIT, 1);
            h.processElement(U2_DEPOSIT, 2);
            h.processBroadcastElement(snapshotOf(10,
                    subscription(Subscription.ALL_USERS, new String[0], Subscription.START_SNAPSHOT, 5),
                    subscription("u1", new String[0], Subscription.START_SNAPSHOT, 6)), 3);
            assertThat(taken(h)).containsExactlyInAnyOrder("LIMIT_SNAPSHOT u1 dep-1 1", "LIMIT_SNAPSHOT u2 dep-2 1");
        }
    }
}
