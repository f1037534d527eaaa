package com.rglimits.ordering;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The event time of one input split (a Kinesis shard, an events file) as its own records establish
 * it, so that one record with a wrong clock cannot move it.
 *
 * <p>The split's event time (its <em>level</em>) follows the records' createdAt, except that it never
 * jumps ahead by more than {@code maxJumpMs} on the word of one key (user). The <em>reference</em> is
 * the time that {@code confirmingKeys} different keys have all reached (the smallest of the latest
 * createdAt of the most advanced keys); the level is never below it. A record at most
 * {@code maxJumpMs} ahead of the level moves it. A record further ahead is an <em>unconfirmed
 * jump</em>: it does not move the level, and it is
 * <ul>
 *   <li>confirmed once the level comes within {@code maxJumpMs} of it: other keys reached its time
 *       (after a quiet spell the first records of several keys confirm each other), or the stream
 *       moved up to it;
 *   <li>refuted once the level has moved {@code maxJumpMs} beyond where it stood when the record
 *       arrived without reaching it: the stream went on without it.
 * </ul>
 * The end of the input refutes the jumps still open ({@link #drain}); so does their age where the
 * caller counts it ({@link #refuteArrivedBefore}), and the {@value #MAX_OPEN_JUMPS}-th open jump the oldest.
 *
 * <p>Until {@code confirmingKeys} keys have been seen there is no reference: records neither move the
 * level nor count as jumps. When it forms, the level starts at the highest of those keys' times that
 * lies within {@code maxJumpMs} of it.
 *
 * <p>A record the caller knows to be current (within {@code maxJumpMs} of the wall clock: a live
 * stream) moves the level at once; the parser already refuses records too far ahead of the wall
 * clock. Bounded inputs never say so, and their event time depends on the records alone: the same
 * records give the same level and the same verdicts, whatever the machine.
 */
public final class EventClock {
    /** More open jumps than this on one split: the oldest is refuted (a bound on memory, never reached by real streams). */
    public static final int MAX_OPEN_JUMPS = 1_000;

    /** A record that arrived more than {@code maxJumpMs} ahead of the split's event time. */
    public static final class Jump {
        public final String key;
        /** The eventId of an event to give a verdict on; null for a record of another type. */
        public final String eventId;
        public final long createdAt;
        /** The split's event time when it arrived. */
        public final long from;
        /** Processing time of its arrival, as the caller gave it. */
        public final long arrivedAt;
        /** Set when it is settled. */
        private boolean confirmed;

        Jump(String key, String eventId, long createdAt, long from, long arrivedAt) {
            this.key = key;
            this.eventId = eventId;
            this.createdAt = createdAt;
            this.from = from;
            this.arrivedAt = arrivedAt;
        }

        public boolean confirmed() {
            return confirmed;
        }

        @Override
        public String toString() {
            return "Jump{key=" + key + ", eventId=" + eventId + ", createdAt=" + createdAt + ", from=" + from + "}";
        }
    }

    private final long maxJumpMs;
    private final int confirmingKeys;

    private long level = Long.MIN_VALUE;
    private long records;
    /** The most advanced keys, by their latest createdAt, highest first. */
    private final String[] topKeys;
    private final long[] topTimes;
    private int topSize;
    private final List<Jump> open = new ArrayList<>();
    private final List<Jump> settled = new ArrayList<>();

    public EventClock(long maxJumpMs, int confirmingKeys) {
        if (maxJumpMs < 0 || confirmingKeys < 1) {
            throw new IllegalArgumentException("maxJumpMs >= 0 and confirmingKeys >= 1 required");
        }
        this.maxJumpMs = maxJumpMs;
        this.confirmingKeys = confirmingKeys;
        this.topKeys = new String[confirmingKeys];
        this.topTimes = new long[confirmingKeys];
    }

    /**
     * Observes the split's next record.
     *
     * @param key the record's key (a user); null counts as one key of its own
     * @param current whether the caller knows the record to be current by the wall clock (never for bounded inputs)
     * @param eventId the event to give a verdict on should it be a jump; null for records that need none
     * @param arrivedAt processing time, for {@link #refuteArrivedBefore}
     * @return where the split's event time stood when the record is an unconfirmed jump, else {@link Long#MIN_VALUE}
     */
    public long observe(String key, long createdAt, boolean current, String eventId, long arrivedAt) {
        String k = key == null ? "" : key;
        records++;
        offer(k, createdAt);
        long reference = topSize == confirmingKeys ? topTimes[confirmingKeys - 1] : Long.MIN_VALUE;
        if (reference != Long.MIN_VALUE) {
            level = level == Long.MIN_VALUE ? startingLevel(reference) : Math.max(level, reference);
        }
        long jumpedFrom = Long.MIN_VALUE;
        if (current || (level != Long.MIN_VALUE && createdAt - level <= maxJumpMs)) {
            level = Math.max(level, createdAt);
        } else if (level != Long.MIN_VALUE) {
            jumpedFrom = level;
            open.add(new Jump(k, eventId, createdAt, level, arrivedAt));
            if (open.size() > MAX_OPEN_JUMPS) {
                settle(open.remove(0), false);
            }
        }
        settleOpenJumps();
        return jumpedFrom;
    }

    /** The highest of the most advanced keys' times within {@code maxJumpMs} of the reference. */
    private long startingLevel(long reference) {
        long start = reference;
        for (int i = 0; i < topSize; i++) {
            if (topTimes[i] - reference <= maxJumpMs) {
                start = Math.max(start, topTimes[i]);
            }
        }
        return start;
    }

    /** Keeps {@link #topKeys} the most advanced keys, highest first. */
    private void offer(String key, long createdAt) {
        for (int i = 0; i < topSize; i++) {
            if (topKeys[i].equals(key)) {
                if (createdAt > topTimes[i]) {
                    topTimes[i] = createdAt;
                    rise(i);
                }
                return;
            }
        }
        int at;
        if (topSize < confirmingKeys) {
            at = topSize++;
        } else if (createdAt > topTimes[confirmingKeys - 1]) {
            at = confirmingKeys - 1;
        } else {
            return;
        }
        topKeys[at] = key;
        topTimes[at] = createdAt;
        rise(at);
    }

    private void rise(int i) {
        for (int j = i; j > 0 && topTimes[j] > topTimes[j - 1]; j--) {
            String k = topKeys[j];
            topKeys[j] = topKeys[j - 1];
            topKeys[j - 1] = k;
            long t = topTimes[j];
            topTimes[j] = topTimes[j - 1];
            topTimes[j - 1] = t;
        }
    }

    /** Confirms the open jumps the level came near, refutes those it passed by; a confirmation can raise the level. */
    private void settleOpenJumps() {
        boolean raised = true;
        while (raised && !open.isEmpty()) {
            raised = false;
            for (Iterator<Jump> it = open.iterator(); it.hasNext(); ) {
                Jump j = it.next();
                if (j.createdAt - level <= maxJumpMs) {
                    it.remove();
                    settle(j, true);
                    if (j.createdAt > level) {
                        level = j.createdAt;
                        raised = true;
                    }
                } else if (level - j.from >= maxJumpMs) {
                    it.remove();
                    settle(j, false);
                }
            }
        }
    }

    private void settle(Jump j, boolean confirmed) {
        j.confirmed = confirmed;
        if (j.eventId != null) {
            settled.add(j);
        }
    }

    /** The jumps with an eventId settled since the last call, in the order they were settled. */
    public List<Jump> takeSettled() {
        if (settled.isEmpty()) {
            return List.of();
        }
        List<Jump> out = new ArrayList<>(settled);
        settled.clear();
        return out;
    }

    /** The end of the input: every open jump is refuted. Returns those with an eventId, and what {@link #takeSettled} had. */
    public List<Jump> drain() {
        for (Jump j : open) {
            settle(j, false);
        }
        open.clear();
        return takeSettled();
    }

    /** Refutes the open jumps that arrived before {@code time} (processing time): the stream never came back to them. */
    public List<Jump> refuteArrivedBefore(long time) {
        for (Iterator<Jump> it = open.iterator(); it.hasNext(); ) {
            Jump j = it.next();
            if (j.arrivedAt < time) {
                it.remove();
                settle(j, false);
            }
        }
        return takeSettled();
    }

    /** The split's event time: {@link Long#MIN_VALUE} until it is established. */
    public long level() {
        return level;
    }

    /** The watermark of a bounded out-of-orderness over the level (as Flink's bounded out-of-orderness watermarks). */
    public long watermark(long outOfOrdernessMs) {
        return level == Long.MIN_VALUE ? Long.MIN_VALUE : level - outOfOrdernessMs - 1;
    }

    /** Records observed: a restored copy with more has seen the split further. */
    public long records() {
        return records;
    }

    /** Open jumps now. */
    public int openJumps() {
        return open.size();
    }

    /** Writes the state (not the settings): level, records, the most advanced keys and the open jumps. */
    public void write(DataOutput out) throws IOException {
        out.writeLong(level);
        out.writeLong(records);
        out.writeInt(topSize);
        for (int i = 0; i < topSize; i++) {
            writeString(topKeys[i], out);
            out.writeLong(topTimes[i]);
        }
        out.writeInt(open.size());
        for (Jump j : open) {
            writeString(j.key, out);
            out.writeBoolean(j.eventId != null);
            if (j.eventId != null) {
                writeString(j.eventId, out);
            }
            out.writeLong(j.createdAt);
            out.writeLong(j.from);
            out.writeLong(j.arrivedAt);
        }
    }

    /** Reads what {@link #write} wrote, with these settings (a restore may change them: a smaller key count keeps the most advanced). */
    public static EventClock read(DataInput in, long maxJumpMs, int confirmingKeys) throws IOException {
        EventClock c = new EventClock(maxJumpMs, confirmingKeys);
        c.level = in.readLong();
        c.records = in.readLong();
        int keys = in.readInt();
        for (int i = 0; i < keys; i++) {
            c.offer(readString(in), in.readLong());
        }
        int jumps = in.readInt();
        for (int i = 0; i < jumps; i++) {
            String key = readString(in);
            String eventId = in.readBoolean() ? readString(in) : null;
            c.open.add(new Jump(key, eventId, in.readLong(), in.readLong(), in.readLong()));
        }
        return c;
    }

    /** As UTF-16 code units: exact for any string (an unpaired surrogate too), and of any length, unlike writeUTF. */
    private static void writeString(String s, DataOutput out) throws IOException {
        out.writeInt(s.length());
        out.writeChars(s);
    }

    private static String readString(DataInput in) throws IOException {
        char[] chars = new char[in.readInt()];
        for (int i = 0; i < chars.length; i++) {
            chars[i] = in.readChar();
        }
        return new String(chars);
    }
}
