package com.rglimits.bench;

import com.rglimits.event.EventParser;
import com.rglimits.event.ParsedRecord;
import com.rglimits.job.UserState;
import com.rglimits.limit.LimitRules;
import com.rglimits.limit.RuleResult;
import com.rglimits.limit.UserLimit;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Random;

/**
 * The scale benchmark's stream, generated at the source from each record's position: deterministic,
 * never held in memory, so its length and its number of users are not bounded by the heap.
 *
 * <p>Each user has {@link #LIMITS} limits. Rounds 0 and 1 of a user are the USER_LIMIT_CREATED events
 * of its limits; they are not in the stream but in the state the run starts from
 * ({@link #initialState}, written into a savepoint by {@link Prefill}), so every user exists when the
 * stream starts, as on a platform that has run for a while. The stream carries rounds 2 and later:
 * USER_LIMIT_PROGRESS_CHANGED on the limits in turn, every sixth event of a limit a USER_LIMIT_RESET;
 * {@code previousProgress} always matches (computed from the amounts since the limit's last reset);
 * sequence numbers increase per user with gaps, or, on a {@link #complete} stream, without any after
 * the initial state's last. The content of a user's round is the same whichever shape carries it.
 * Event {@code g} (the {@code g}-th generated) has createdAt {@code BASE_TIME + g} ms with up to 199 ms
 * of jitter, and its eventId carries {@code g} (for latency, {@link #indexOf}).
 *
 * <ul>
 *   <li>{@link Shape#PLAIN}: round robin over all users, as on a shared stream: a user's next event
 *       comes {@code users} records later.
 *   <li>{@link Shape#SESSIONS}: users active {@value #SESSION_USERS} at a time for {@value #SESSION_ROUNDS}
 *       rounds (a betting session), then the next group; shuffled in blocks of {@value #BLOCK} records
 *       (about 2 s of createdAt, inside the out-of-orderness bound) and one record in ten of each block
 *       delivered a second time later in the block. Every event is still applied once.
 * </ul>
 */
final class GeneratedStream implements Serializable {
    private static final long serialVersionUID = 1L;

    enum Shape {
        PLAIN,
        SESSIONS
    }

    static final long BASE_TIME = BenchEvents.BASE_TIME;
    static final int LIMITS = 2;
    /** The first round in the stream: the rounds before it (the CREATED events) are the initial state. */
    static final int FIRST_ROUND = LIMITS;
    static final int SESSION_USERS = 1_000;
    static final int SESSION_ROUNDS = 10;
    static final int BLOCK = 2_000;
    static final int REDELIVERED_PER_BLOCK = BLOCK / 10;
    /** Generated indices of the initial state's CREATED events: above every index the stream reaches. */
    private static final long INITIAL_EVENTS = 1L << 46;
    private static final String BRAND = "000000000000000000000003";

    final int users;
    final Shape shape;
    final long seed;
    /**
     * Each user's events in the stream carry every number from the initial state's last on: a stream
     * on which the job's {@code ordering.complete-stream} may apply each event next in line at once.
     * The initial state is the same either way, so both streams restore the same savepoints.
     */
    final boolean complete;

    GeneratedStream(int users, Shape shape, long seed, boolean complete) {
        if (users < 1 || (shape == Shape.SESSIONS && users % sessionUsers(users) != 0)) {
            throw new IllegalArgumentException("users must be >= 1 and, for sessions, a multiple of " + SESSION_USERS);
        }
        this.users = users;
        this.shape = shape;
        this.seed = seed;
        this.complete = complete;
    }

    private static int sessionUsers(int users) {
        return Math.min(SESSION_USERS, users);
    }

    /** Stream positions per block: the block's events and their second copies. */
    int positionsPerBlock() {
        return shape == Shape.SESSIONS ? BLOCK + REDELIVERED_PER_BLOCK : 1;
    }

    /** How many records of the first {@code positions} are a second copy of an earlier one. */
    long redeliveriesIn(long positions) {
        if (shape != Shape.SESSIONS) {
            return 0;
        }
        int perBlock = positionsPerBlock();
        long full = positions / perBlock;
        long rest = positions % perBlock;
        if (rest == 0) {
            return full * REDELIVERED_PER_BLOCK;
        }
        long extra = 0;
        long[] order = new Cursor().block(full);
        for (int i = 0; i < rest; i++) {
            if (order[i] < 0) {
                extra++;
            }
        }
        return full * REDELIVERED_PER_BLOCK + extra;
    }

    int userOf(long g) {
        if (shape == Shape.PLAIN) {
            return (int) (g % users);
        }
        int active = sessionUsers(users);
        long perGroup = (long) active * SESSION_ROUNDS;
        long groupsPerCycle = users / active;
        long group = g / perGroup;
        return (int) ((group % groupsPerCycle) * active + (g % perGroup) % active);
    }

    long roundOf(long g) {
        if (shape == Shape.PLAIN) {
            return FIRST_ROUND + g / users;
        }
        int active = sessionUsers(users);
        long perGroup = (long) active * SESSION_ROUNDS;
        long cycle = g / perGroup / (users / active);
        return FIRST_ROUND + cycle * SESSION_ROUNDS + (g % perGroup) / active;
    }

    /**
     * Reads a shape's positions in order: which generated event each carries. Not thread-safe; one
     * per source reader.
     */
    final class Cursor {
        private long block = -1;
        private long[] order;

        /** The generated index of the event at this stream position. */
        long eventAt(long position) {
            if (shape == Shape.PLAIN) {
                return position;
            }
            int perBlock = positionsPerBlock();
            long b = position / perBlock;
            if (b != block) {
                order = block(b);
                block = b;
            }
            long g = order[(int) (position % perBlock)];
            return g < 0 ? -g - 1 : g;
        }

        /**
         * The block's events shuffled, each second copy placed up to {@value #BLOCK}/2 records after a
         * random record (copies as {@code -g - 1}); from the seed and the block alone.
         */
        long[] block(long b) {
            Random random = new Random(seed * 31 + b);
            long first = b * BLOCK;
            long[] shuffled = new long[BLOCK];
            for (int i = 0; i < BLOCK; i++) {
                shuffled[i] = first + i;
            }
            for (int i = BLOCK - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                long t = shuffled[i];
                shuffled[i] = shuffled[j];
                shuffled[j] = t;
            }
            // Sort keys: an original at 2i, a copy of the record at i after the original at j (2j + 1).
            ArrayList<long[]> keyed = new ArrayList<>(BLOCK + REDELIVERED_PER_BLOCK);
            for (int i = 0; i < BLOCK; i++) {
                keyed.add(new long[] {2L * i, shuffled[i]});
            }
            for (int n = 0; n < REDELIVERED_PER_BLOCK; n++) {
                int at = random.nextInt(BLOCK);
                int after = Math.min(BLOCK - 1, at + 1 + random.nextInt(BLOCK / 2));
                keyed.add(new long[] {2L * after + 1, -shuffled[at] - 1});
            }
            keyed.sort((x, y) -> Long.compare(x[0], y[0]));
            long[] out = new long[keyed.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = keyed.get(i)[1];
            }
            return out;
        }
    }

    /** The record of generated event {@code g}, as UTF-8 JSON. */
    byte[] record(long g, AsciiWriter w) {
        int user = userOf(g);
        long round = roundOf(g);
        long createdAt = BASE_TIME + g - mix(g * 31 + 7) % 200;
        writeEvent(w, g, user, round, createdAt);
        return w.toBytes();
    }

    /** A user's limits and cursor after its CREATED events (rounds 0 and 1): the state a run starts from. */
    UserState initialState(int user, AsciiWriter w) {
        UserState s = new UserState();
        s.limits = new ArrayList<>(LIMITS);
        for (int round = 0; round < LIMITS; round++) {
            long g = INITIAL_EVENTS + (long) user * LIMITS + round;
            writeEvent(w, g, user, round, BASE_TIME - 86_400_000L + round);
            ParsedRecord p = EventParser.parse(w.toBytes(), null, 0);
            RuleResult r = LimitRules.apply(null, p.event);
            UserLimit limit = r.limit();
            s.limits.add(limit);
            s.lastSequence = limit.lastSequenceNumber;
        }
        return s;
    }

    private void writeEvent(AsciiWriter w, long g, int user, long round, long createdAt) {
        int limit = (int) (round % LIMITS);
        long step = (round - LIMITS) / LIMITS; // the how-manieth follow-up event of this limit
        String type = round < LIMITS ? "USER_LIMIT_CREATED"
                : step % 6 == 5 ? "USER_LIMIT_RESET" : "USER_LIMIT_PROGRESS_CHANGED";
        w.reset();
        w.ascii("{\"eventId\":\"").eventId(g, user).ascii("\",\"type\":\"").ascii(type)
                .ascii("\",\"aggregateId\":\"").hex24(userKey(user))
                .ascii("\",\"sequenceNumber\":").number(sequenceNumber(user, round))
                .ascii(",\"createdAt\":").number(createdAt)
                .ascii(",\"source\":\"limitUser\",\"context\":{\"correlationId\":\"c-").number(g)
                .ascii("\"},\"payload\":{\"userId\":\"").hex24(userKey(user))
                .ascii("\",\"userLimitId\":\"").hex24(limitKey(user, limit))
                .ascii("\",\"brandId\":\"").ascii(BRAND)
                .ascii("\",\"currencyCode\":\"EUR\"");
        long nextReset = createdAt - Math.floorMod(createdAt, 86_400_000L) + 86_400_000L;
        if (round < LIMITS) {
            w.ascii(",\"type\":\"").ascii(limit == 0 ? "DEPOSIT" : "LOSS")
                    .ascii("\",\"period\":\"").ascii(limit == 0 ? "DAY" : "CALENDAR_WEEK")
                    .ascii("\",\"status\":\"ACTIVE\",\"value\":\"").number(100 + mix(user) % 9900)
                    .ascii(".00\",\"activeFrom\":").number(createdAt - 1000)
                    .ascii(",\"nextResetTime\":").number(nextReset);
        } else if (step % 6 == 5) {
            w.ascii(",\"type\":\"").ascii(limit == 0 ? "DEPOSIT" : "LOSS")
                    .ascii("\",\"period\":\"").ascii(limit == 0 ? "DAY" : "CALENDAR_WEEK")
                    .ascii("\",\"resetAmount\":\"").cents(progressBefore(user, limit, step))
                    .ascii("\",\"unusedAmount\":\"0\",\"nextResetTime\":").number(nextReset);
        } else {
            w.ascii(",\"amount\":\"").cents(amount(user, limit, step))
                    .ascii("\",\"previousProgress\":\"").cents(progressBefore(user, limit, step)).ascii("\"");
        }
        w.ascii("}}");
    }

    /** Strictly increasing per user; after the initial state, without gaps on a complete stream. */
    long sequenceNumber(int user, long round) {
        if (complete && round >= FIRST_ROUND) {
            return withGaps(user, FIRST_ROUND - 1) + round - (FIRST_ROUND - 1);
        }
        return withGaps(user, round);
    }

    /** With gaps: numbers other event types took. */
    private static long withGaps(int user, long round) {
        return 1 + round * 3 + (mix(user * 31L + round) & 1);
    }

    /** Cents of the step-th follow-up event of a limit (when it is a progress change). */
    private static long amount(int user, int limit, long step) {
        return 1 + mix((user * 8L + limit) * 1_000_003L + step) % 5000;
    }

    /** The limit's progress before its step-th follow-up event: the amounts since its last reset (every sixth step). */
    private static long progressBefore(int user, int limit, long step) {
        long sum = 0;
        for (long t = step - step % 6; t < step; t++) {
            sum += amount(user, limit, t);
        }
        return sum;
    }

    private static long userKey(int user) {
        return 0x5f0000000000L + user;
    }

    private static long limitKey(int user, int limit) {
        return 0x6a0000000000L + (long) user * 8 + limit;
    }

    static String userId(int user) {
        return String.format("%024x", userKey(user));
    }

    /** The generated index an eventId made here carries, or -1. */
    static long indexOf(String eventId) {
        if (eventId == null || eventId.length() != 36) {
            return -1;
        }
        // Digit by digit: the probe calls this for every limit, and a substring per limit showed in the keyed thread's profile.
        long index = 0;
        for (int i = 24; i < 36; i++) {
            int digit = Character.digit(eventId.charAt(i), 16);
            if (digit < 0) {
                return -1;
            }
            index = index << 4 | digit;
        }
        return index;
    }

    /** A cheap deterministic hash (SplitMix64's finalizer), non-negative. */
    static long mix(long x) {
        x = (x ^ (x >>> 30)) * 0xbf58476d1ce4e5b9L;
        x = (x ^ (x >>> 27)) * 0x94d049bb133111ebL;
        return (x ^ (x >>> 31)) & Long.MAX_VALUE;
    }

    /** Writes ASCII JSON into a reused buffer: no String per record. */
    static final class AsciiWriter {
        private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        private byte[] buf = new byte[512];
        private int pos;

        void reset() {
            pos = 0;
        }

        byte[] toBytes() {
            return Arrays.copyOf(buf, pos);
        }

        private void room(int n) {
            if (pos + n > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
            }
        }

        AsciiWriter ascii(String s) {
            int n = s.length();
            room(n);
            for (int i = 0; i < n; i++) {
                buf[pos++] = (byte) s.charAt(i);
            }
            return this;
        }

        AsciiWriter number(long v) {
            if (v < 0) {
                room(1);
                buf[pos++] = '-';
                v = -v;
            }
            room(20);
            int start = pos;
            do {
                buf[pos++] = (byte) ('0' + v % 10);
                v /= 10;
            } while (v > 0);
            for (int i = start, j = pos - 1; i < j; i++, j--) {
                byte t = buf[i];
                buf[i] = buf[j];
                buf[j] = t;
            }
            return this;
        }

        AsciiWriter cents(long cents) {
            number(cents / 100);
            room(3);
            buf[pos++] = '.';
            buf[pos++] = (byte) ('0' + cents % 100 / 10);
            buf[pos++] = (byte) ('0' + cents % 10);
            return this;
        }

        AsciiWriter hex(long v, int digits) {
            room(digits);
            for (int i = digits - 1; i >= 0; i--) {
                buf[pos + i] = HEX[(int) (v & 0xf)];
                v >>>= 4;
            }
            pos += digits;
            return this;
        }

        AsciiWriter hex24(long v) {
            return hex(0, 8).hex(v, 16);
        }

        /** UUID-shaped, carrying {@code g} in its last 12 hex digits. */
        AsciiWriter eventId(long g, int user) {
            return hex(mix(user) & 0xffffffffL, 8).ascii("-").hex(g >>> 16, 4).ascii("-4").hex(g, 3)
                    .ascii("-8000-").hex(g, 12);
        }
    }
}
