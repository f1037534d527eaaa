package com.rglimits.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rglimits.deadletter.DeadLetterReason;
import com.rglimits.event.LimitEvent;
import com.rglimits.limit.LimitRules;
import com.rglimits.limit.RuleResult;
import com.rglimits.limit.UserLimit;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * A realistic, reproducible stream for pipeline tests: per user a sequence of limit events, shuffled
 * inside the out-of-orderness bound, with redeliveries, other event types, bad records and a few
 * truly late events mixed in. Knows the expected outcome: the limits that applying the events in
 * sequence order gives, and every dead letter's reason.
 */
public final class GeneratedEvents {
    private static final Set<String> PROCESSED_TYPES =
            Set.of("USER_LIMIT_CREATED", "USER_LIMIT_PROGRESS_CHANGED", "USER_LIMIT_RESET");

    /** createdAt of the streams' first events (2024-06-10), give or take a second. */
    public static final long BASE_TIME = 1_718_000_000_000L;

    public final List<byte[]> records = new ArrayList<>();
    public final Map<String, UserLimit> expectedLimits = new TreeMap<>();
    public final Map<String, DeadLetterReason> expectedDeadLetters = new HashMap<>();
    /** The eventIds the in-order model applies: each must change its limit exactly once. */
    public final Set<String> expectedAppliedEventIds = new java.util.HashSet<>();
    /** Every limit version the in-order model applies, per user in sequence order. */
    public final List<UserLimit> expectedVersions = new ArrayList<>();
    public long expectedApplied;
    public long redeliveries;
    public long skipped;
    public long invalid;

    private GeneratedEvents() {}

    /**
     * @param maxJitterMs how far (in event time) an event may be moved later; keep it below the out-of-orderness bound
     */
    public static GeneratedEvents generate(long seed, int users, int eventsPerUser, long maxJitterMs) {
        return generate(seed, users, eventsPerUser, maxJitterMs, false);
    }

    /**
     * @param complete whether every sequence number of a user is on a record: where the stream would
     *     leave a number out, a record of another type takes it (a complete stream, as
     *     {@code ordering.complete-stream} expects); the same stream otherwise
     */
    public static GeneratedEvents generate(long seed, int users, int eventsPerUser, long maxJitterMs, boolean complete) {
        Random random = new Random(seed);
        GeneratedEvents g = new GeneratedEvents();
        List<Arrival> arrivals = new ArrayList<>();
        long baseTime = BASE_TIME;
        for (int u = 0; u < users; u++) {
            String userId = "user-" + u;
            List<ObjectNode> inOrder = userEvents(random, userId, eventsPerUser, baseTime + random.nextInt(1_000), complete);
            for (ObjectNode node : inOrder) {
                long createdAt = node.get("createdAt").asLong();
                byte[] bytes = Events.bytes(node);
                arrivals.add(new Arrival(createdAt + (long) (random.nextDouble() * maxJitterMs), bytes));
                if (random.nextInt(100) < 4) {
                    if (isProcessed(node)) {
                        g.redeliveries++;
                    } else {
                        g.skipped++;
                    }
                    arrivals.add(new Arrival(createdAt + (long) (random.nextDouble() * maxJitterMs * 20), bytes));
                }
            }
            g.expect(inOrder);
        }
        arrivals.sort(Comparator.comparingLong(a -> a.at));
        for (Arrival a : arrivals) {
            g.records.add(a.bytes);
            if (random.nextInt(100) == 0) {
                g.records.add(badRecord(random, g.records.size()));
                g.invalid++;
            }
        }
        g.addLateEvents(users);
        return g;
    }

    private static List<ObjectNode> userEvents(Random random, String userId, int count, long start, boolean complete) {
        List<ObjectNode> events = new ArrayList<>();
        List<String> limits = new ArrayList<>();
        Map<String, BigDecimal> progress = new HashMap<>();
        long seq = 0;
        long time = start;
        for (int i = 0; i < count; i++) {
            boolean gap = random.nextInt(4) == 0;
            if (gap && complete) {
                events.add(Events.envelope(userId + "-o" + i, "LIMIT_USER_PENDING_PAYMENT_CREATED", userId, seq + 1, time));
            }
            seq += 1 + (gap ? 1 : 0);
            time += 1 + random.nextInt(300);
            String eventId = userId + "-e" + i;
            int dice = random.nextInt(100);
            if (limits.isEmpty() || dice < 4) {
                String limitId = "lim-" + limits.size();
                limits.add(limitId);
                progress.put(limitId, BigDecimal.ZERO);
                events.add(Events.created(eventId, userId, limitId, seq, time, (100 + random.nextInt(10_000)) + ".00"));
            } else if (dice < 6) {
                events.add(Events.created(eventId, userId, limits.get(random.nextInt(limits.size())), seq, time, "1"));
            } else if (dice < 8) {
                events.add(Events.progress(eventId, userId, "lim-missing", seq, time, "0", "1"));
            } else if (dice < 11) {
                events.add(Events.envelope(eventId, "USER_LIMIT_CHANGE_SOURCE_ADDED", userId, seq, time));
            } else if (dice < 18) {
                String limitId = limits.get(random.nextInt(limits.size()));
                progress.put(limitId, BigDecimal.ZERO);
                events.add(Events.reset(eventId, userId, limitId, seq, time));
            } else {
                String limitId = limits.get(random.nextInt(limits.size()));
                BigDecimal previous = random.nextInt(50) == 0 ? new BigDecimal("1.11") : progress.get(limitId);
                BigDecimal amount = new BigDecimal(random.nextInt(10_000)).movePointLeft(2);
                progress.put(limitId, previous.add(amount));
                events.add(Events.progress(eventId, userId, limitId, seq, time, previous.toPlainString(), amount.toPlainString()));
            }
        }
        return events;
    }

    /** The in-order model: the events of one user applied with the pure rules in sequence order. */
    private void expect(List<ObjectNode> inOrder) {
        Map<String, UserLimit> limits = new HashMap<>();
        for (ObjectNode node : inOrder) {
            if (!isProcessed(node)) {
                skipped++;
                continue;
            }
            LimitEvent e = Events.event(node);
            RuleResult r = LimitRules.apply(limits.get(e.userLimitId), e);
            if (r.isApplied()) {
                limits.put(e.userLimitId, r.limit());
                expectedVersions.add(r.limit());
                expectedApplied++;
                expectedAppliedEventIds.add(e.eventId);
            } else {
                expectedDeadLetters.put(e.eventId, r.rejection());
            }
        }
        limits.values().forEach(l -> expectedLimits.put(l.userId + "/" + l.userLimitId, l));
    }

    private static boolean isProcessed(ObjectNode node) {
        return PROCESSED_TYPES.contains(node.get("type").asText());
    }

    /** Events with old sequence numbers that come at the very end: the job must dead-letter them as late. */
    private void addLateEvents(int users) {
        for (int u = 0; u < users; u += 3) {
            String userId = "user-" + u;
            String eventId = userId + "-late";
            records.add(Events.bytes(Events.progress(eventId, userId, "lim-0", 0, BASE_TIME, "0", "999")));
            expectedDeadLetters.put(eventId, DeadLetterReason.LATE_EVENT);
        }
    }

    private static byte[] badRecord(Random random, int n) {
        String[] bad = {
            "{\"eventId\": \"broken-" + n + "\", ",
            "{\"eventId\":\"bad-" + n + "\",\"type\":\"USER_LIMIT_RESET\",\"sequenceNumber\":-1,\"createdAt\":1,\"payload\":{}}",
            "[\"not\", \"an\", \"object\"]",
        };
        return bad[random.nextInt(bad.length)].getBytes(StandardCharsets.UTF_8);
    }

    public long expectedDeadLetterCount(DeadLetterReason reason) {
        long n = expectedDeadLetters.values().stream().filter(r -> r == reason).count();
        return reason == DeadLetterReason.INVALID_EVENT ? n + invalid : n;
    }

    /** The records as NDJSON. */
    public byte[] ndjson() {
        StringBuilder b = new StringBuilder();
        for (byte[] r : records) {
            b.append(new String(r, StandardCharsets.UTF_8)).append('\n');
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static final class Arrival {
        final long at;
        final byte[] bytes;

        Arrival(long at, byte[] bytes) {
            this.at = at;
            this.bytes = bytes;
        }
    }
}
