package com.rglimits.sink;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Only the newest version of a limit needs writing. Statically, within one batch; as an instance,
 * the sink's merge stage: the newest version of each limit waits here, in order of its limit's
 * first arrival, until the writer takes it ({@link #pollOldest}), and a newer version that arrives
 * meanwhile replaces it in place (keeping the place, so that a limit updated all the time still
 * leaves in turn). Not thread-safe: the writer uses it from the task thread only.
 */
final class LimitPutCoalescer {
    private final LinkedHashMap<Key, Staged> staged = new LinkedHashMap<>();

    private static final class Staged {
        LimitPut put;
        final long arrivedAt;

        Staged(LimitPut put, long arrivedAt) {
            this.put = put;
            this.arrivedAt = arrivedAt;
        }
    }

    /**
     * Stages {@code put}: false if it merged with a staged version of its limit (the older of the
     * two is dropped; of two equal versions the staged one stays), true if its limit was not staged.
     */
    boolean offer(LimitPut put, long now) {
        Key key = Key.of(put);
        Staged s = staged.get(key);
        if (s == null) {
            staged.put(key, new Staged(put, now));
            return true;
        }
        if (put.sequenceNumber() > s.put.sequenceNumber()) {
            s.put = put;
        }
        return false;
    }

    int size() {
        return staged.size();
    }

    boolean isEmpty() {
        return staged.isEmpty();
    }

    /** When the longest-staged limit arrived; only when not empty. */
    long oldestArrival() {
        return staged.values().iterator().next().arrivedAt;
    }

    /** Removes and returns the newest version of the longest-staged limit; only when not empty. */
    LimitPut pollOldest() {
        Iterator<Staged> it = staged.values().iterator();
        LimitPut put = it.next().put;
        it.remove();
        return put;
    }

    /** The staged versions, oldest first (for checkpoints). */
    List<LimitPut> staged() {
        List<LimitPut> puts = new ArrayList<>(staged.size());
        for (Staged s : staged.values()) {
            puts.add(s.put);
        }
        return puts;
    }

    /**
     * The entry with the highest {@code lastSequenceNumber} of every key (userId, userLimitId), in
     * the order the keys first appear. Of two entries with the same version the first one stays
     * (the same version is the same item).
     */
    static List<LimitPut> latestPerKey(List<LimitPut> entries) {
        Map<Key, LimitPut> latest = new LinkedHashMap<>(entries.size() * 2);
        for (LimitPut put : entries) {
            latest.merge(Key.of(put), put,
                    (kept, candidate) -> candidate.sequenceNumber() > kept.sequenceNumber() ? candidate : kept);
        }
        return new ArrayList<>(latest.values());
    }

    /** A limit: (userId, userLimitId). */
    static final class Key {
        private final String userId;
        private final String userLimitId;

        private Key(String userId, String userLimitId) {
            this.userId = userId;
            this.userLimitId = userLimitId;
        }

        static Key of(LimitPut put) {
            return new Key(put.userId(), put.userLimitId());
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Key)) {
                return false;
            }
            Key k = (Key) o;
            return userId.equals(k.userId) && userLimitId.equals(k.userLimitId);
        }

        @Override
        public int hashCode() {
            return 31 * userId.hashCode() + userLimitId.hashCode();
        }
    }
}
