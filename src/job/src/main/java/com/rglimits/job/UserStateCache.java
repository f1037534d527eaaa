package com.rglimits.job;

import com.rglimits.limit.UserLimit;
import com.rglimits.ordering.HoldingArea;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ValueState;

/**
 * The limits and sequence cursor of recently active users, in memory: read from keyed state
 * ({@link UserState}, one value per user) on a user's first event since the task started (or since
 * the user was evicted), written back when a checkpoint is taken. The hashes of the eventIds seen
 * since the last write-back are kept here too and written to the user's dedup set at the write-back
 * (below). Written back, an entry stays as a read cache: this operator is the only writer of its
 * keys, so a clean entry equals the state until the task ends, and an active user costs no state
 * read at all. A failure
 * loses nothing the checkpoint does not also forget, because the job restarts from that
 * checkpoint, in a new task with an empty cache.
 *
 * <p>The user's dedup set has two parts: up to {@value #STORED_SEEN} of its latest eventId hashes in the
 * user's value itself ({@link UserState#seenHashes}), and the rest in {@code seen-event-hashes}. At a
 * write-back the hashes seen since the last one join those in the value when they fit there; else they
 * are appended to {@code seen-event-hashes}. So a user with few events (a few a week, most of a
 * platform's users) costs one put per write-back, where it cost a put and a merge, and its redelivered
 * events are found without a read. A hash in the value counts as seen until its write-back time plus
 * the dedup retention, as one in {@code seen-event-hashes} does; expired ones are dropped at the
 * user's next write-back.
 *
 * <p>A user without a {@link UserState} is read from the layout of the releases up to 2026-11-30
 * ({@link LegacyUserState}), when the task restored one; its first write-back moves it to the new layout.
 *
 * <p>An entry is also where the {@link HoldingArea} keeps the user's held events, so the operator
 * finds everything of a user with one lookup.
 *
 * <p>At most {@code maxUsers} entries: when full, the operator writes the changes back and the least
 * recently used quarter is evicted. Users that hold events are not evicted, nor those whose held events
 * are still in keyed state (until the next checkpoint takes them out); should they fill the
 * cache on their own, it grows by a quarter beyond them before it is full again. At most
 * {@code maxPendingSeen} hashes not written yet (checkpoints far apart or off, or more events than
 * that between two): then those hashes alone are written, and every user stays cached; evicting
 * there would make busy users read again at their next event.
 *
 * <p>The cache sets the operator's current key itself, through {@code setKey}, before it reads or
 * writes a user's state: most events touch no state at all, and setting the key (serializing it for
 * RocksDB) is not free.
 */
final class UserStateCache {
    /** About 8 MiB of eventId hashes between two write-backs. */
    static final int MAX_PENDING_SEEN = 1 << 20;
    /** The most eventId hashes a user's value holds (about 150 bytes), the rest going to {@code seen-event-hashes}. */
    static final int STORED_SEEN = 16;

    /**
     * One user's cached state, and its held events: the operator's one object per user, found with
     * one lookup per arriving event.
     */
    static final class Entry extends HoldingArea.Holder {
        private final String userId;
        /**
         * {@link #NONE} before the first. Primitive, as is seenThrough: a boxed number would be a new
         * object per event stored into this long-lived one, which costs the collector more than the box.
         */
        private long lastSequence = NONE;
        /** See {@link UserState#seenThrough}; may be at or below lastSequence here (then it says nothing); {@link #NONE} when unknown. */
        private long seenThrough = NONE;
        /** The user's limits, in no particular order: a user has a handful, found by a scan. */
        private UserLimit[] limits = NO_LIMITS;
        private int limitCount;
        /** The limits or the cursor changed since the last write-back. */
        private boolean changed;
        /** Read from the legacy layout: cleared there when first written in the new one. */
        private boolean inLegacyLayout;
        /**
         * Hashes of eventIds: first the {@link #storedSeen} of the user's value, then those seen since the
         * last write-back, in arrival order.
         */
        private long[] seen = NONE_SEEN;
        /** When each of the stored hashes was written: see {@link UserState#seenAt}. */
        private long[] seenAt = NONE_SEEN;
        private int storedSeen;
        private int seenCount;
        /** The operator wrote held events of this user to keyed state (which it must clear once it holds none). */
        boolean heldInState;
        /** Used since it was put in the cache or last passed over by an eviction: then it is not evicted yet. */
        private boolean usedAgain;

        private Entry(String userId) {
            this.userId = userId;
        }

        String userId() {
            return userId;
        }

        /** The highest sequenceNumber taken in order, or {@link #NONE}. */
        long lastSequence() {
            return lastSequence;
        }

        /**
         * The highest sequenceNumber up to which every number of the user is accounted for (taken in
         * order, or seen on a record of another type), or {@link #NONE} when unknown: an event
         * with the next number is next in line.
         */
        long inOrderThrough() {
            return Math.max(seenThrough, lastSequence);
        }
    }

    /** No sequenceNumber: numbers are never negative. */
    static final long NONE = Long.MIN_VALUE;
    private static final UserLimit[] NO_LIMITS = new UserLimit[0];
    private static final long[] NONE_SEEN = new long[0];
    /** The largest array of hashes an entry keeps across write-backs. */
    private static final int REUSED_SEEN = 16;

    private final ValueState<UserState> userState;
    private final LegacyUserState legacy;
    private final ListState<Long> seenHashes;
    private final long dedupRetentionMs;
    /** Processing time, ms: the clock of the write-backs' times and of the retention of the hashes in the value. */
    private final LongSupplier clock;
    private final int maxUsers;
    private final int maxPendingSeen;
    private final Consumer<String> setKey;
    /**
     * In the order put, with a second chance (an approximation of least recently used): eviction takes
     * entries from the front, without sorting all of them (at millions of users the cache turns over
     * every second or two), and moves to the back, instead, those used again since they were put or
     * last passed over. A use only sets a flag: keeping the map in access order moved the entry to the
     * end of the map's list on every event, several references stored between long-lived objects, each
     * a card the garbage collector must then refine.
     */
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(1024);
    private final List<Entry> dirtyUsers = new ArrayList<>();
    private int pendingSeen;
    /** Entries at which the cache is full: above maxUsers when users that hold events filled it (they stay). */
    private int fullAt;

    /** @param legacy the legacy layout's state when the task restored some, else null */
    UserStateCache(ValueState<UserState> userState, LegacyUserState legacy, ListState<Long> seenHashes,
            long dedupRetentionMs, LongSupplier clock, int maxUsers, Consumer<String> setKey) {
        this(userState, legacy, seenHashes, dedupRetentionMs, clock, maxUsers, MAX_PENDING_SEEN, setKey);
    }

    UserStateCache(ValueState<UserState> userState, LegacyUserState legacy, ListState<Long> seenHashes,
            long dedupRetentionMs, LongSupplier clock, int maxUsers, int maxPendingSeen, Consumer<String> setKey) {
        this.userState = userState;
        this.legacy = legacy;
        this.seenHashes = seenHashes;
        this.dedupRetentionMs = dedupRetentionMs;
        this.clock = clock;
        this.maxUsers = maxUsers;
        this.maxPendingSeen = maxPendingSeen;
        this.fullAt = maxUsers;
        this.setKey = setKey;
    }

    /** The user's entry, read from the backend on first use. */
    Entry of(String userId) throws Exception {
        Entry e = entries.get(userId);
        if (e == null) {
            e = new Entry(userId);
            setKey.accept(userId);
            UserState stored = userState.value();
            if (stored == null && legacy != null) {
                stored = legacy.read();
                e.inLegacyLayout = stored != null;
            }
            if (stored != null) {
                e.lastSequence = stored.lastSequence != null ? stored.lastSequence : NONE;
                e.seenThrough = stored.seenThrough != null ? stored.seenThrough : NONE;
                e.limits = stored.limits.toArray(NO_LIMITS);
                e.limitCount = e.limits.length;
                if (stored.seenHashes != null) {
                    // Copies: the heap backend hands out the object it keeps, and the entry changes its arrays in place.
                    e.seen = stored.seenHashes.clone();
                    e.seenAt = stored.seenAt.clone();
                    e.storedSeen = e.seen.length;
                    e.seenCount = e.storedSeen;
                }
            }
            entries.put(userId, e);
        } else {
            e.usedAgain = true;
        }
        return e;
    }

    /** {@link HoldingArea#readAhead}, and the user's limits, which applying its released events reads. */
    static int readAhead(Entry e) {
        int x = HoldingArea.readAhead(e);
        for (int i = 0; i < e.limitCount; i++) {
            UserLimit l = e.limits[i];
            x += l.userLimitId.hashCode() + (l.progress != null ? l.progress.signum() : 0);
        }
        return x;
    }

    /** The user's limit, or null when it has none of that id. */
    UserLimit limit(Entry e, String userLimitId) {
        int i = indexOf(e, userLimitId);
        return i >= 0 ? e.limits[i] : null;
    }

    void put(Entry e, UserLimit limit) {
        int i = indexOf(e, limit.userLimitId);
        if (i < 0) {
            if (e.limitCount == e.limits.length) {
                e.limits = Arrays.copyOf(e.limits, Math.max(2, e.limitCount * 2));
            }
            i = e.limitCount++;
        }
        e.limits[i] = limit;
        changed(e);
    }

    private static int indexOf(Entry e, String userLimitId) {
        // A String keeps its hash: comparing it first spares most of the character comparisons.
        int hash = userLimitId.hashCode();
        for (int i = 0; i < e.limitCount; i++) {
            String id = e.limits[i].userLimitId;
            if (id.hashCode() == hash && id.equals(userLimitId)) {
                return i;
            }
        }
        return -1;
    }

    void lastSequence(Entry e, long sequence) {
        if (e.lastSequence != sequence) {
            e.lastSequence = sequence;
            changed(e);
        }
    }

    /** A record of another type took the user's next number: every number up to it is accounted for. */
    void seenThrough(Entry e, long sequence) {
        e.seenThrough = sequence;
        changed(e);
    }

    /** Remembers an eventId hash of the user: in memory until the next write-back. */
    void seen(Entry e, long hash) {
        listIfClean(e);
        if (e.seenCount == e.seen.length) {
            e.seen = Arrays.copyOf(e.seen, Math.max(4, e.seenCount * 2));
        }
        e.seen[e.seenCount++] = hash;
        pendingSeen++;
    }

    /** Whether the user's dedup set (in memory or in state, within the retention) has the hash. */
    boolean seenBefore(Entry e, long hash) throws Exception {
        long now = clock.getAsLong();
        for (int i = 0; i < e.seenCount; i++) {
            boolean stored = i < e.storedSeen;
            if (e.seen[i] == hash && (!stored || !UserState.seenHashExpired(e.seenAt[i], dedupRetentionMs, now))) {
                return true;
            }
        }
        setKey.accept(e.userId);
        for (Long h : seenHashes.get()) {
            if (h == hash) {
                return true;
            }
        }
        return false;
    }

    private void changed(Entry e) {
        listIfClean(e);
        e.changed = true;
    }

    /** Lists the user for the next write-back on its first change or seen id since the last one. */
    private void listIfClean(Entry e) {
        if (!e.changed && e.seenCount == e.storedSeen) {
            dirtyUsers.add(e);
        }
    }

    /** Users with changes or eventId hashes not written back yet. */
    int dirtyUsers() {
        return dirtyUsers.size();
    }

    /** Whether the cache holds as many users as it may: then the operator writes back and evicts. */
    boolean full() {
        return entries.size() >= fullAt;
    }

    /** Whether the hashes not written yet reached their bound: then the operator has {@link #writeBackSeen} write them. */
    boolean tooManyUnwrittenHashes() {
        return pendingSeen >= maxPendingSeen;
    }

    /** Appends the hashes seen since the last write-back to the users' dedup sets; other changes wait for the next write-back. */
    void writeBackSeen() throws Exception {
        for (Entry e : dirtyUsers) {
            if (e.seenCount > e.storedSeen) {
                setKey.accept(e.userId);
                appendSeen(e);
            }
        }
        dirtyUsers.removeIf(e -> !e.changed);
        pendingSeen = 0;
    }

    /** Writes every change back to keyed state. */
    void writeBack() throws Exception {
        long now = clock.getAsLong();
        for (Entry e : dirtyUsers) {
            setKey.accept(e.userId);
            if (e.seenCount > e.storedSeen) {
                dropExpiredStoredSeen(e, now);
                if (e.seenCount <= STORED_SEEN) {
                    if (e.seenAt.length < e.seenCount) {
                        e.seenAt = Arrays.copyOf(e.seenAt, e.seen.length);
                    }
                    Arrays.fill(e.seenAt, e.storedSeen, e.seenCount, now);
                    e.storedSeen = e.seenCount;
                    e.changed = true;
                } else {
                    appendSeen(e);
                }
            }
            if (e.changed) {
                UserState s = new UserState();
                s.lastSequence = e.lastSequence != NONE ? e.lastSequence : null;
                s.seenThrough = e.seenThrough > e.lastSequence ? e.seenThrough : null;
                s.limits = new ArrayList<>(Arrays.asList(e.limits).subList(0, e.limitCount));
                if (e.storedSeen > 0) {
                    s.seenHashes = Arrays.copyOf(e.seen, e.storedSeen);
                    s.seenAt = Arrays.copyOf(e.seenAt, e.storedSeen);
                }
                userState.update(s);
                if (e.inLegacyLayout) {
                    legacy.clear();
                    e.inLegacyLayout = false;
                }
                e.changed = false;
            }
        }
        dirtyUsers.clear();
        pendingSeen = 0;
    }

    /** Drops the stored hashes past the retention, keeping the order of the rest; the value changes if any went. */
    private void dropExpiredStoredSeen(Entry e, long now) {
        int kept = 0;
        for (int i = 0; i < e.storedSeen; i++) {
            if (!UserState.seenHashExpired(e.seenAt[i], dedupRetentionMs, now)) {
                e.seen[kept] = e.seen[i];
                e.seenAt[kept] = e.seenAt[i];
                kept++;
            }
        }
        if (kept < e.storedSeen) {
            System.arraycopy(e.seen, e.storedSeen, e.seen, kept, e.seenCount - e.storedSeen);
            e.seenCount -= e.storedSeen - kept;
            e.storedSeen = kept;
            e.changed = true;
        }
    }

    /**
     * Appends the user's hashes seen since the last write-back to {@code seen-event-hashes}, where each
     * expires on its own; its key is the current one.
     */
    private void appendSeen(Entry e) throws Exception {
        List<Long> hashes = new ArrayList<>(e.seenCount - e.storedSeen);
        for (int i = e.storedSeen; i < e.seenCount; i++) {
            hashes.add(e.seen[i]);
        }
        seenHashes.addAll(hashes);
        e.seenCount = e.storedSeen;
        // Kept for the user's next hashes (a new array per user and checkpoint would live until the next one).
        if (e.seen.length > REUSED_SEEN) {
            e.seen = e.storedSeen > 0 ? Arrays.copyOf(e.seen, e.storedSeen) : NONE_SEEN;
            e.seenAt = e.storedSeen > 0 ? Arrays.copyOf(e.seenAt, e.storedSeen) : NONE_SEEN;
        }
    }

    /**
     * Evicts a quarter of the entries, the least recently used first (with a second chance: see
     * {@link #entries}), users that hold events excepted (their held events point to their entries);
     * only after {@link #writeBack}, which leaves none changed.
     */
    void evictLeastRecentlyUsed() {
        if (!dirtyUsers.isEmpty()) {
            throw new IllegalStateException("changes not written back: evicting would lose them");
        }
        int evict = Math.max(1, entries.size() / 4);
        List<Entry> secondChance = new ArrayList<>();
        // A pass that gave no second chance evicted every evictable entry it met: nothing more to find.
        for (boolean gaveAny = true; evict > 0 && gaveAny; ) {
            gaveAny = false;
            for (Iterator<Entry> front = entries.values().iterator(); evict > 0 && front.hasNext(); ) {
                Entry e = front.next();
                if (!evictable(e)) {
                    continue;
                }
                front.remove();
                if (e.usedAgain) {
                    e.usedAgain = false;
                    secondChance.add(e);
                    gaveAny = true;
                } else {
                    evict--;
                }
            }
            for (Entry e : secondChance) {
                entries.put(e.userId, e);
            }
            secondChance.clear();
        }
        fullAt = Math.max(maxUsers, entries.size() + Math.max(1, maxUsers / 4));
    }

    /** For tests: the cached users, in the order eviction meets them. */
    List<String> cachedUserIds() {
        return new ArrayList<>(entries.keySet());
    }

    private static boolean evictable(Entry e) {
        return !e.holdsEvents() && !e.heldInState;
    }
}
