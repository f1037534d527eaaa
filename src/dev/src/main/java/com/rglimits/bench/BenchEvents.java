package com.rglimits.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Deterministic, realistic event records for the benchmark, serialized to bytes before any timing.
 *
 * <p>The stream is built in rounds: round {@code r} carries the {@code r}-th event of every user in
 * user order, so the events of one user are spread over the whole stream as they are on a shared
 * Kinesis stream, and event {@code i} belongs to user {@code i % users}. Each user has
 * {@link #limitsPerUser} limits: their USER_LIMIT_CREATED events come first, then
 * USER_LIMIT_PROGRESS_CHANGED events on the limits in turn, every sixth event of a limit being a
 * USER_LIMIT_RESET. {@code previousProgress} always matches the progress the rules compute, sequence
 * numbers increase per user with gaps, and {@code createdAt} advances 1 ms per record with up to
 * 199 ms of jitter (several producers), so every record is valid, in order per user, and applied
 * (but in {@link #liveWithOtherTypes}, where every other record of a user is of a type the job skips).
 *
 * <p>The eventId is UUID-shaped and carries the record's index in its last 12 hex digits, so that a
 * materialized limit can be traced back to the record that produced it (for latency).
 */
public final class BenchEvents {
    public static final long BASE_TIME = 1_735_689_600_000L; // 2025-01-01T00:00:00Z
    private static final String BRAND = "000000000000000000000003";

    public final int events;
    public final int users;
    public final int limitsPerUser;
    /** The serialized records, in stream order. */
    public final byte[][] records;
    public final long totalBytes;
    /** Stream position to the index of the generated event it carries; null when they are the same. */
    private final int[] origin;
    /** Records that are a second copy of an earlier one. */
    public final int redeliveries;
    private final int activeUsers;

    private BenchEvents(int events, int users, int limitsPerUser, byte[][] records, long totalBytes, int[] origin,
            int redeliveries, int activeUsers) {
        this.events = events;
        this.users = users;
        this.limitsPerUser = limitsPerUser;
        this.records = records;
        this.totalBytes = totalBytes;
        this.origin = origin;
        this.redeliveries = redeliveries;
        this.activeUsers = activeUsers;
    }

    /** The index of the generated event that the record at stream position {@code position} carries. */
    public int originOf(int position) {
        return origin == null ? position : origin[position];
    }

    /**
     * The harder stream of the same events: shuffled within blocks of {@code blockRecords} (createdAt
     * advances 1 ms per record, so a block of 2,000 spans about 2 s, inside the out-of-orderness bound:
     * every event is still applied, but most arrive out of their user's order among their neighbours),
     * and one record in ten delivered a second time up to 1,000 records later (at-least-once producers
     * and readers). Same seed, same stream.
     */
    public BenchEvents disordered(long seed, int blockRecords) {
        Random random = new Random(seed);
        List<Integer> order = new ArrayList<>(events + events / 10);
        for (int from = 0; from < events; from += blockRecords) {
            List<Integer> block = new ArrayList<>();
            for (int i = from; i < Math.min(events, from + blockRecords); i++) {
                block.add(i);
            }
            Collections.shuffle(block, random);
            order.addAll(block);
        }
        int copies = events / 10;
        for (int n = 0; n < copies; n++) {
            int at = random.nextInt(order.size());
            order.add(Math.min(order.size(), at + 1 + random.nextInt(1_000)), order.get(at));
        }
        byte[][] shuffled = new byte[order.size()][];
        int[] from = new int[order.size()];
        long total = 0;
        for (int p = 0; p < order.size(); p++) {
            from[p] = order.get(p);
            shuffled[p] = records[from[p]];
            total += shuffled[p].length;
        }
        return new BenchEvents(order.size(), users, limitsPerUser, shuffled, total, from, copies, activeUsers);
    }

    public static BenchEvents generate(int events, int users) {
        return generate(events, users, users, 1, false, false);
    }

    /**
     * As {@link #generate(int, int)}, with {@code createdAt} advancing {@code msPerRecord} per
     * record: a stream replayed at 1000 / msPerRecord records/s then has event time follow the
     * wall clock, as a live stream does.
     */
    public static BenchEvents generate(int events, int users, double msPerRecord) {
        return generate(events, users, users, msPerRecord, false, false);
    }

    /**
     * As {@link #generate(int, int, double)}, but each user's sequence numbers without gaps (1, 2,
     * 3, ...): a complete stream ({@code ordering.complete-stream}) in which every event after a
     * user's first follows the one before it. For the live stream of the latency scenario.
     */
    public static BenchEvents live(int events, int users, double msPerRecord) {
        return generate(events, users, users, msPerRecord, true, false);
    }

    /**
     * As {@link #live}, but every other round carries a record of another type for each user
     * ({@value #OTHER_TYPE}, skipped by the job), which takes the sequence number between the user's
     * two limit events around it: a complete stream whose limit events have gaps, each filled by a
     * record of another type that arrives before the event after it.
     */
    public static BenchEvents liveWithOtherTypes(int events, int users, double msPerRecord) {
        return generate(events, users, users, msPerRecord, true, true);
    }

    /**
     * As {@link #generate(int, int)}, but users take turns in groups of {@code activeUsers}: the
     * stream carries all events of the first group (round-robin among its users), then of the next.
     * With a small group a user's events come a few hundred records apart, like a betting session,
     * and a shuffle of the stream reorders them among themselves.
     */
    public static BenchEvents inSessions(int events, int users, int activeUsers) {
        return generate(events, users, activeUsers, 1, false, false);
    }

    private static BenchEvents generate(int events, int users, int activeUsers, double msPerRecord, boolean noGaps,
            boolean otherTypes) {
        if (events < 1 || users < 1 || activeUsers < 1 || users % activeUsers != 0) {
            throw new IllegalArgumentException("events and users must be >= 1, users a multiple of activeUsers");
        }
        int limitsPerUser = (otherTypes ? events / 2 : events) / users >= 4 ? 2 : 1;
        byte[][] records = new byte[events][];
        long[] progressCents = new long[users * limitsPerUser];
        long total = 0;
        StringBuilder b = new StringBuilder(512);
        int rounds = (events + users - 1) / users;
        for (int i = 0; i < events; i++) {
            int user = userOf(i, activeUsers, rounds);
            int round = (i % (activeUsers * rounds)) / activeUsers;
            b.setLength(0);
            if (otherTypes && round % 2 == 1) {
                writeOtherType(b, i, user, 1 + round, (long) (i * msPerRecord));
            } else {
                write(b, i, user, otherTypes ? round / 2 : round, limitsPerUser, progressCents, (long) (i * msPerRecord),
                        noGaps ? 1 + round : -1);
            }
            records[i] = b.toString().getBytes(StandardCharsets.UTF_8);
            total += records[i].length;
        }
        return new BenchEvents(events, users, limitsPerUser, records, total, null, 0, activeUsers);
    }

    private static int userOf(int i, int activeUsers, int rounds) {
        int group = i / (activeUsers * rounds);
        return group * activeUsers + i % activeUsers;
    }

    /** Whether the record at stream position {@code i} carries its user's first event (of the plain interleaving: round 0). */
    public boolean isFirstOfUser(int i) {
        return originOf(i) < users;
    }

    /** Index of the user of record {@code i}. */
    public int userOf(int i) {
        return userOf(originOf(i), activeUsers, (events - redeliveries + users - 1) / users);
    }

    /** The record index carried by an eventId made here, or -1. */
    public static int indexOf(String eventId) {
        if (eventId == null || eventId.length() != 36) {
            return -1;
        }
        return (int) Long.parseLong(eventId.substring(24), 16);
    }

    static String eventId(int index, int user) {
        return String.format("%08x-%04x-4%03x-8000-%012x", mix(user), (index >>> 16) & 0xffff, index & 0xfff, index);
    }

    static String userId(int user) {
        return String.format("%024x", 0x5f0000000000L + user);
    }

    static String limitId(int user, int limit) {
        return String.format("%024x", 0x6a0000000000L + (long) user * 8 + limit);
    }

    /** The type of the records of another type in {@link #liveWithOtherTypes}: one the job reads and skips. */
    static final String OTHER_TYPE = "LIMIT_USER_PENDING_PAYMENT_CREATED";

    /**
     * The {@code round}-th limit event of the user; {@code sequenceNumber} is its number, or -1 for the
     * plain stream's numbers (gaps of one or two between a user's events).
     */
    private static void write(StringBuilder b, int i, int user, int round, int limitsPerUser, long[] progressCents,
            long offsetMs, long sequenceNumber) {
        String userId = userId(user);
        int limit = round % limitsPerUser;
        int slot = user * limitsPerUser + limit;
        long seq = sequenceNumber >= 0 ? sequenceNumber : 1 + round * 3L + (mix(i) & 1);
        long createdAt = createdAt(i, offsetMs);
        String type;
        int step = (round - limitsPerUser) / limitsPerUser; // the how-manieth follow-up event of this limit
        if (round < limitsPerUser) {
            type = "USER_LIMIT_CREATED";
        } else if (step % 6 == 5) {
            type = "USER_LIMIT_RESET";
        } else {
            type = "USER_LIMIT_PROGRESS_CHANGED";
        }
        b.append("{\"eventId\":\"").append(eventId(i, user))
                .append("\",\"type\":\"").append(type)
                .append("\",\"aggregateId\":\"").append(userId)
                .append("\",\"sequenceNumber\":").append(seq)
                .append(",\"createdAt\":").append(createdAt)
                .append(",\"source\":\"limitUser\",\"context\":{\"correlationId\":\"c-").append(i)
                .append("\"},\"payload\":{\"userId\":\"").append(userId)
                .append("\",\"userLimitId\":\"").append(limitId(user, limit))
                .append("\",\"brandId\":\"").append(BRAND)
                .append("\",\"currencyCode\":\"EUR\"");
        long nextReset = createdAt - Math.floorMod(createdAt, 86_400_000L) + 86_400_000L;
        switch (type) {
            case "USER_LIMIT_CREATED":
                b.append(",\"type\":\"").append(limit == 0 ? "DEPOSIT" : "LOSS")
                        .append("\",\"period\":\"").append(limit == 0 ? "DAY" : "CALENDAR_WEEK")
                        .append("\",\"status\":\"ACTIVE\",\"value\":\"").append(100 + mix(user) % 9900)
                        .append(".00\",\"activeFrom\":").append(createdAt - 1000)
                        .append(",\"nextResetTime\":").append(nextReset);
                progressCents[slot] = 0;
                break;
            case "USER_LIMIT_PROGRESS_CHANGED":
                long amount = 1 + mix(i * 17 + 3) % 5000;
                b.append(",\"amount\":\"").append(cents(amount))
                        .append("\",\"previousProgress\":\"").append(cents(progressCents[slot]))
                        .append('"');
                progressCents[slot] += amount;
                break;
            default:
                b.append(",\"type\":\"").append(limit == 0 ? "DEPOSIT" : "LOSS")
                        .append("\",\"period\":\"").append(limit == 0 ? "DAY" : "CALENDAR_WEEK")
                        .append("\",\"resetAmount\":\"").append(cents(progressCents[slot]))
                        .append("\",\"unusedAmount\":\"0\",\"nextResetTime\":").append(nextReset);
                progressCents[slot] = 0;
                break;
        }
        b.append("}}");
    }

    private static void writeOtherType(StringBuilder b, int i, int user, long sequenceNumber, long offsetMs) {
        String userId = userId(user);
        b.append("{\"eventId\":\"").append(eventId(i, user))
                .append("\",\"type\":\"").append(OTHER_TYPE)
                .append("\",\"aggregateId\":\"").append(userId)
                .append("\",\"sequenceNumber\":").append(sequenceNumber)
                .append(",\"createdAt\":").append(createdAt(i, offsetMs))
                .append(",\"source\":\"limitUser\",\"context\":{\"correlationId\":\"c-").append(i)
                .append("\"},\"payload\":{\"userId\":\"").append(userId)
                .append("\",\"amount\":\"10.00\",\"currencyCode\":\"EUR\"}}");
    }

    /** Record {@code i}'s createdAt: its offset on the stream's clock, less up to 199 ms of jitter (several producers). */
    private static long createdAt(int i, long offsetMs) {
        return BASE_TIME + offsetMs - (mix(i * 31 + 7) % 200);
    }

    private static String cents(long cents) {
        return cents / 100 + "." + (cents % 100 < 10 ? "0" : "") + cents % 100;
    }

    /** A cheap deterministic hash (non-negative). */
    static int mix(int x) {
        x ^= x >>> 16;
        x *= 0x7feb352d;
        x ^= x >>> 15;
        x *= 0x846ca68b;
        x ^= x >>> 16;
        return x & 0x7fffffff;
    }
}
