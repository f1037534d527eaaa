package com.rglimits.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * A reproducible stream of records for the Kinesis tests: many users, each with a few limits
 * created, progressed and reset; sequence numbers with gaps; other event types; rule violations
 * (a second CREATED, progress of an unknown limit); invalid records; records shuffled within
 * blocks whose createdAt span is well inside the out-of-orderness bound; redeliveries.
 */
public final class KinesisTestEvents {
    public static final long BASE_TIME = 1_718_000_000_000L;
    /** createdAt step between consecutive events of the timeline. */
    public static final long STEP_MS = 20;
    /** Records shuffled among each other: 50 records = 1 s of createdAt. */
    public static final int SHUFFLE_BLOCK = 50;

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String[] LIMIT_TYPES = {"BALANCE", "BET", "DEPOSIT", "LOSS", "SESSION"};
    private static final String[] PERIODS = {"CALENDAR_DAY", "CALENDAR_WEEK", "CALENDAR_MONTH", "DAY", "WEEK", "MONTH",
            "INDEFINITE", "INSTANCE"};

    private final Random random;
    private final int users;
    private final Map<String, UserState> state = new HashMap<>();
    private long nextTime;
    private final String userPrefix;
    private int counter;

    private static final class UserState {
        long sequence;
        final List<String> limits = new ArrayList<>();
        final Map<String, BigDecimal> progress = new HashMap<>();
        final List<byte[]> sent = new ArrayList<>();
    }

    public KinesisTestEvents(long seed, int users) {
        this(seed, users, BASE_TIME, "user-");
    }

    /** A timeline that starts at {@code baseTime} (createdAt of the first slot), users named {@code userPrefix}NNNN. */
    public KinesisTestEvents(long seed, int users, long baseTime, String userPrefix) {
        this.random = new Random(seed);
        this.users = users;
        this.nextTime = baseTime;
        this.userPrefix = userPrefix;
    }

    /** createdAt of the next timeline slot. */
    public long time() {
        return nextTime;
    }

    /** Moves the timeline on by {@code ms}, as when the upstream services were quiet. */
    public void skip(long ms) {
        nextTime += ms;
    }

    /**
     * The next {@code count} timeline slots as records (plus a few redeliveries), shuffled within
     * blocks. Consecutive calls continue the timeline; blocks never cross a call.
     */
    public List<byte[]> next(int count) {
        List<byte[]> ordered = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ordered.add(nextRecord());
        }
        List<byte[]> out = new ArrayList<>(count + count / 10);
        for (int from = 0; from < ordered.size(); from += SHUFFLE_BLOCK) {
            List<byte[]> block = new ArrayList<>(ordered.subList(from, Math.min(ordered.size(), from + SHUFFLE_BLOCK)));
            Collections.shuffle(block, random);
            out.addAll(block);
        }
        // Redeliveries: ~5% of the records again, later in the same call.
        int redeliveries = count / 20;
        for (int i = 0; i < redeliveries; i++) {
            int from = random.nextInt(out.size());
            int to = Math.min(out.size(), from + 1 + random.nextInt(300));
            out.add(to, out.get(from));
        }
        return out;
    }

    /** For up to {@code count} users: an event with an old sequenceNumber and a new eventId (LATE_EVENT once the user's events are applied). */
    public List<byte[]> lateEvents(int count) {
        List<byte[]> out = new ArrayList<>();
        for (Map.Entry<String, UserState> e : new java.util.TreeMap<>(state).entrySet()) {
            UserState u = e.getValue();
            if (out.size() >= count || u.limits.isEmpty() || u.sequence < 3) {
                continue;
            }
            out.add(progress(e.getKey(), u.limits.get(0), 1, BASE_TIME, "late-" + (counter++), new BigDecimal("1.00"),
                    BigDecimal.ZERO));
        }
        return out;
    }

    /** Up to {@code count} records sent before, again (redeliveries after a restart). */
    public List<byte[]> redeliveriesOfEarlierRecords(int count) {
        List<byte[]> out = new ArrayList<>();
        for (UserState u : new java.util.TreeMap<>(state).values()) {
            if (out.size() < count && !u.sent.isEmpty()) {
                out.add(u.sent.get(0));
            }
        }
        return out;
    }

    /** A record of another event type, for the given partition key, at the given time: moves event time. */
    public static byte[] otherType(String userId, long createdAt, String eventId) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("eventId", eventId);
        o.put("type", "LIMIT_USER_PENDING_PAYMENT_CREATED");
        o.put("aggregateId", userId);
        o.put("sequenceNumber", 0);
        o.put("createdAt", createdAt);
        o.putObject("payload").put("userId", userId);
        return bytes(o);
    }

    /**
     * The end of a stream: one record of another type per shard (partition keys picked by their
     * hash), at {@code createdAt}, so that the watermark releases the last held events without
     * waiting for the processing-time bound. The eventIds carry {@code createdAt}, so a stream can be
     * pushed on more than once.
     */
    public static List<byte[]> endOfStream(List<Shard> shards, long createdAt) {
        MessageDigest md5;
        try {
            md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is part of every JDK", e);
        }
        List<byte[]> out = new ArrayList<>();
        for (Shard shard : shards) {
            BigInteger from = new BigInteger(shard.hashKeyRange().startingHashKey());
            BigInteger to = new BigInteger(shard.hashKeyRange().endingHashKey());
            for (int i = 0; ; i++) {
                String key = "end-of-stream-" + i;
                BigInteger hash = new BigInteger(1, md5.digest(key.getBytes(StandardCharsets.UTF_8)));
                if (hash.compareTo(from) >= 0 && hash.compareTo(to) <= 0) {
                    out.add(otherType(key, createdAt, "end-" + createdAt + "-" + shard.shardId()));
                    break;
                }
            }
        }
        return out;
    }

    /** Invalid records of every kind the contract names, each unique. */
    public byte[] invalidRecord() {
        int n = counter++;
        String user = userId(random.nextInt(users));
        switch (n % 7) {
            case 0:
                return ("{not json " + n).getBytes(StandardCharsets.UTF_8);
            case 1:
                return ("[\"an array\", " + n + "]").getBytes(StandardCharsets.UTF_8);
            case 2: {
                ObjectNode o = created(user, "lim-bad-" + n, 5, nextTime, "bad-" + n);
                o.remove("eventId");
                o.put("note", n);
                return bytes(o);
            }
            case 3: {
                ObjectNode o = created(user, "lim-bad-" + n, 5, nextTime, "bad-" + n);
                ((ObjectNode) o.get("payload")).put("value", "12,5");
                return bytes(o);
            }
            case 4: {
                ObjectNode o = created(user, "lim-bad-" + n, 5, nextTime, "bad-" + n);
                o.put("aggregateId", "someone-else");
                return bytes(o);
            }
            case 5: {
                ObjectNode o = created(user, "lim-bad-" + n, -5, nextTime, "bad-" + n);
                return bytes(o);
            }
            default:
                return new byte[] {(byte) 0xff, (byte) 0xfe, (byte) '{', (byte) (n & 0x7f), (byte) 0xc3};
        }
    }

    private byte[] nextRecord() {
        long createdAt = nextTime;
        nextTime += STEP_MS;
        if (random.nextInt(100) < 2) {
            return invalidRecord();
        }
        String user = userId(random.nextInt(users));
        UserState u = state.computeIfAbsent(user, k -> new UserState());
        u.sequence += 1 + random.nextInt(3);
        String eventId = "ev-" + (counter++);
        int r = random.nextInt(100);
        byte[] record;
        if (u.limits.isEmpty() || (r < 8 && u.limits.size() < 3)) {
            String limitId = "lim-" + user + "-" + (u.limits.size() + 1);
            u.limits.add(limitId);
            u.progress.put(limitId, BigDecimal.ZERO);
            record = bytes(created(user, limitId, u.sequence, createdAt, eventId));
        } else if (r < 12) {
            record = bytes(created(user, u.limits.get(0), u.sequence, createdAt, eventId)); // LIMIT_ALREADY_EXISTS
        } else if (r < 16) {
            record = progress(user, "lim-unknown", u.sequence, createdAt, eventId, new BigDecimal("3.00"), BigDecimal.ZERO);
        } else if (r < 25) {
            String limitId = u.limits.get(random.nextInt(u.limits.size()));
            u.progress.put(limitId, BigDecimal.ZERO);
            record = bytes(reset(user, limitId, u.sequence, createdAt, eventId));
        } else if (r < 32) {
            record = otherType(user, createdAt, eventId);
        } else {
            String limitId = u.limits.get(random.nextInt(u.limits.size()));
            BigDecimal previous = u.progress.get(limitId);
            if (random.nextInt(100) < 5) {
                previous = previous.add(BigDecimal.ONE); // upstream's view differs: applied anyway
            }
            BigDecimal amount = BigDecimal.valueOf(1 + random.nextInt(5000), 2);
            u.progress.put(limitId, previous.add(amount));
            record = progress(user, limitId, u.sequence, createdAt, eventId, amount, previous);
        }
        u.sent.add(record);
        return record;
    }

    private String userId(int i) {
        return String.format("%s%04d", userPrefix, i);
    }

    private ObjectNode envelope(String type, String user, long sequence, long createdAt, String eventId) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("eventId", eventId);
        o.put("type", type);
        o.put("aggregateId", user);
        o.put("sequenceNumber", sequence);
        o.put("createdAt", createdAt);
        o.put("source", "test");
        o.putObject("context").put("correlationId", "c-" + eventId);
        return o;
    }

    private ObjectNode created(String user, String limitId, long sequence, long createdAt, String eventId) {
        ObjectNode o = envelope("USER_LIMIT_CREATED", user, sequence, createdAt, eventId);
        ObjectNode p = o.putObject("payload");
        p.put("userId", user);
        p.put("userLimitId", limitId);
        p.put("brandId", "brand-1");
        p.put("currencyCode", "EUR");
        p.put("type", LIMIT_TYPES[Math.floorMod(limitId.hashCode(), LIMIT_TYPES.length)]);
        p.put("period", PERIODS[Math.floorMod(user.hashCode(), PERIODS.length)]);
        p.put("status", "ACTIVE");
        p.put("value", (100 + Math.floorMod(limitId.hashCode(), 900)) + ".00");
        p.put("activeFrom", createdAt);
        p.put("nextResetTime", createdAt + 86_400_000L);
        return o;
    }

    private byte[] progress(String user, String limitId, long sequence, long createdAt, String eventId,
            BigDecimal amount, BigDecimal previous) {
        ObjectNode o = envelope("USER_LIMIT_PROGRESS_CHANGED", user, sequence, createdAt, eventId);
        ObjectNode p = o.putObject("payload");
        p.put("userId", user);
        p.put("userLimitId", limitId);
        p.put("brandId", "brand-1");
        p.put("currencyCode", "EUR");
        p.put("amount", amount.toPlainString());
        p.put("previousProgress", previous.toPlainString());
        if (random.nextBoolean()) {
            p.put("nextResetTime", createdAt + 3_600_000L);
        }
        return bytes(o);
    }

    private ObjectNode reset(String user, String limitId, long sequence, long createdAt, String eventId) {
        ObjectNode o = envelope("USER_LIMIT_RESET", user, sequence, createdAt, eventId);
        ObjectNode p = o.putObject("payload");
        p.put("userId", user);
        p.put("userLimitId", limitId);
        p.put("brandId", "brand-1");
        p.put("currencyCode", "EUR");
        p.put("type", "DEPOSIT");
        p.put("period", "DAY");
        p.put("resetAmount", "10.00");
        p.put("unusedAmount", "0");
        p.put("nextResetTime", createdAt + 86_400_000L);
        return o;
    }

    private static byte[] bytes(ObjectNode o) {
        return o.toString().getBytes(StandardCharsets.UTF_8);
    }
}
