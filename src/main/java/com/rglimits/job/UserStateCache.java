package com.rglimits.job;

import com.rglimits.limit.UserLimit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ValueState;

/**
 * The limits and sequence cursor of recently active users, in memory: read from keyed state
 * ({@link UserState}, one value per user) on a user's first event since the task started (or since
 * the user was evicted), written back when a checkpoint is taken. The hashes of the eventIds seen
 * since the last write-back are kept here too and appended to the user's dedup set at the
 * write-back: per user and checkpoint, one put and one merge, whatever the user did. Written back,
 * an entry stays as a read cache: this operator is the only writer of its keys, so a clean entry
 * equals the state until the task ends, and an active user costs no state read at all. A failure
 * loses nothing the checkpoint does not also forget, because the job restarts from that
 * checkpoint, in a new task with an empty cache.
 *
 * <p>A user without a {@link UserState} is read from the layout of the releases up to 2026-11-30
 * ({@link LegacyUserState}), when the task restored one; its first write-back moves it to the new layout.
 *
 * <p>At most {@code maxUsers} entries and {@link #MAX_PENDING_SEEN} hashes not written yet (should
 * checkpoints be far apart or off): when full, the operator writes the changes back and the least
 * recently used quarter is evicted. The cache sets the operator's current key itself, through
 * {@code setKey}, before it reads or writes a user's state: most events touch no state at all, and
 * setting the key (serializing it for RocksDB) is not free.
 */
final class UserStateCache {
    /** About 8 MiB of eventId hashes between two write-backs. */
    static final int MAX_PENDING_SEEN = 1 << 20;

    /** One user's cached state. */
    static final class Entry {
        private final String userId;
        private Long lastSequence;
        private final Map<String, UserLimit> limits = new HashMap<>(4);
        /** The limits or the cursor changed since the last write-back. */
        private boolean changed;
        /** Read from the legacy layout: cleared there when first written in the new one. */
        private boolean inLegacyLayout;
        /** Hashes of eventIds seen since the last write-back, in arrival order. */
        private long[] seen = NONE_SEEN;
        private int seenCount;

        private Entry(String userId) {
            this.userId = userId;
        }

        Long lastSequence() {
            return lastSequence;
        }
    }

    private static final long[] NONE_SEEN = new long[0];

    private final ValueState<UserState> userState;
    private final LegacyUserState legacy;
    private final ListState<Long> seenHashes;
    private final int maxUsers;
    private final Consumer<String> setKey;
    /** In access order: the eldest is the least recently used. */
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(1024, 0.75f, true);
    private final List<String> dirtyUsers = new ArrayList<>();
    private int pendingSeen;

    /** @param legacy the legacy layout's state when the task restored some, else null */
    UserStateCache(ValueState<UserState> userState, LegacyUserState legacy, ListState<Long> seenHashes, int maxUsers,
            Consumer<String> setKey) {
        this.userState = userState;
        this.legacy = legacy;
        this.seenHashes = seenHashes;
        this.maxUsers = maxUsers;
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
                e.lastSequence = stored.lastSequence;
                for (UserLimit l : stored.limits) {
                    e.limits.put(l.userLimitId, l);
                }
            }
            entries.put(userId, e);
        }
        return e;
    }

    /** The user's limit, or null when it has none of that id. */
    UserLimit limit(Entry e, String userLimitId) {
        return e.limits.get(userLimitId);
    }

    void put(Entry e, UserLimit limit) {
        e.limits.put(limit.userLimitId, limit);
        changed(e);
    }

    void lastSequence(Entry e, long sequence) {
        if (e.lastSequence == null || e.lastSequence != sequence) {
            e.lastSequence = sequence;
            changed(e);
        }
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
        for (int i = 0; i < e.seenCount; i++) {
            if (e.seen[i] == hash) {
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
        if (!e.changed && e.seenCount == 0) {
            dirtyUsers.add(e.userId);
        }
    }

    boolean full() {
        return entries.size() >= maxUsers || pendingSeen >= MAX_PENDING_SEEN;
    }

    /** Writes every change back to keyed state. */
    void writeBack() throws Exception {
        for (String userId : dirtyUsers) {
            Entry e = entries.get(userId);
            setKey.accept(userId);
            if (e.changed) {
                UserState s = new UserState();
                s.lastSequence = e.lastSequence;
                s.limits = new ArrayList<>(e.limits.values());
                userState.update(s);
                if (e.inLegacyLayout) {
                    legacy.clear();
                    e.inLegacyLayout = false;
                }
                e.changed = false;
            }
            if (e.seenCount > 0) {
                List<Long> hashes = new ArrayList<>(e.seenCount);
                for (int i = 0; i < e.seenCount; i++) {
                    hashes.add(e.seen[i]);
                }
                seenHashes.addAll(hashes);
                e.seen = NONE_SEEN;
                e.seenCount = 0;
            }
        }
        dirtyUsers.clear();
        pendingSeen = 0;
    }

    /** Evicts the least recently used quarter of the entries; only after {@link #writeBack}, which leaves none changed. */
    void evictLeastRecentlyUsed() {
        if (!dirtyUsers.isEmpty()) {
            throw new IllegalStateException("changes not written back: evicting would lose them");
        }
        int evict = Math.max(1, entries.size() / 4);
        Iterator<Entry> eldest = entries.values().iterator();
        for (int i = 0; i < evict && eldest.hasNext(); i++) {
            eldest.next();
            eldest.remove();
        }
    }
}
