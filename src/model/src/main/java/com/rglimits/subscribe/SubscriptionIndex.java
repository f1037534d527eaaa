package com.rglimits.subscribe;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A snapshot indexed by user, so that a change costs the subscriptions of its user and of all
 * users, not every subscription. Plain Java.
 */
public final class SubscriptionIndex {
    private final Map<String, List<Subscription>> byUser = new HashMap<>();
    private final List<Subscription> allUsers = new ArrayList<>();

    public SubscriptionIndex(SubscriptionSnapshot snapshot) {
        this(snapshot, s -> true);
    }

    /** @param inEffect which subscriptions of the snapshot select changes (one waiting for its snapshot does not yet) */
    public SubscriptionIndex(SubscriptionSnapshot snapshot, Predicate<Subscription> inEffect) {
        for (Subscription s : snapshot.subscriptions) {
            if (!inEffect.test(s)) {
                continue;
            }
            if (s.userId.equals(Subscription.ALL_USERS)) {
                allUsers.add(s);
            } else {
                byUser.computeIfAbsent(s.userId, u -> new ArrayList<>()).add(s);
            }
        }
    }

    public boolean hasSubscriptionsFor(String userId) {
        return !allUsers.isEmpty() || byUser.containsKey(userId);
    }

    /**
     * What the messages of one limit version become: per message (in order), one delivery per
     * subscriber that has a matching subscription, subscribers in name order. A subscriber with
     * both a per-user and an all-users subscription gets the message once.
     */
    public List<Delivery> deliveries(List<FeedMessage> messages) {
        List<Delivery> out = new ArrayList<>();
        if (messages.isEmpty()) {
            return out;
        }
        List<Subscription> candidates = new ArrayList<>(allUsers);
        candidates.addAll(byUser.getOrDefault(messages.get(0).userId(), List.of()));
        candidates.sort((a, b) -> a.subscriber.compareTo(b.subscriber));
        for (FeedMessage m : messages) {
            Map<String, Subscription> matched = new LinkedHashMap<>();
            for (Subscription s : candidates) {
                if (s.matches(m)) {
                    matched.putIfAbsent(s.subscriber, s);
                }
            }
            matched.values().forEach(s -> out.add(Delivery.of(s, m)));
        }
        return out;
    }
}
