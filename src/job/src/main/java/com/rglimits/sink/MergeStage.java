package com.rglimits.sink;

import com.rglimits.limit.UserLimit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sink's merge stage: the newest version of each limit waits here, in order of its limit's
 * first arrival, until the writer takes it ({@link #pollOldest}), and a newer version that arrives
 * meanwhile replaces it in place (keeping the place, so that a limit updated all the time still
 * leaves in turn). It holds the versions as the job emitted them, which no operator changes once
 * emitted, so that only those that leave are converted to items. It also remembers which limits left
 * within the last {@code quietMs} ({@link #leavesAtOnce}): a version of a limit written a while ago
 * has nothing to merge with, only its successors do. Not thread-safe: the writer uses it from the
 * task thread only.
 */
final class MergeStage {
    private final LinkedHashMap<LimitPutCoalescer.Key, Staged> staged = new LinkedHashMap<>();
    /** The limits that left within the last {@code quietMs}, by when, the earliest first. */
    private final LinkedHashMap<LimitPutCoalescer.Key, Long> left = new LinkedHashMap<>();
    private final long quietMs;

    /** @param quietMs how long after a limit left a new version of it is staged instead of leaving at once */
    MergeStage(long quietMs) {
        this.quietMs = quietMs;
    }

    private static final class Staged {
        UserLimit limit;
        final long arrivedAt;

        Staged(UserLimit limit, long arrivedAt) {
            this.limit = limit;
            this.arrivedAt = arrivedAt;
        }
    }

    /**
     * Stages {@code limit}: false if it merged with a staged version of its limit (the older of the
     * two is dropped; of two equal versions the staged one stays), true if its limit was not staged.
     */
    boolean offer(UserLimit limit, long now) {
        LimitPutCoalescer.Key key = LimitPutCoalescer.Key.of(limit);
        Staged s = staged.get(key);
        if (s == null) {
            staged.put(key, new Staged(limit, now));
            return true;
        }
        if (limit.lastSequenceNumber > s.limit.lastSequenceNumber) {
            s.limit = limit;
        }
        return false;
    }

    /**
     * Whether {@code limit} leaves at once instead of being staged: true, and remembered as left at
     * {@code now}, if no version of its limit is staged or left within the last {@code quietMs}.
     */
    boolean leavesAtOnce(UserLimit limit, long now) {
        forgetLeftBefore(now - quietMs);
        LimitPutCoalescer.Key key = LimitPutCoalescer.Key.of(limit);
        if (staged.containsKey(key) || left.containsKey(key)) {
            return false;
        }
        left.put(key, now);
        return true;
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

    /**
     * Removes and returns the newest version of the longest-staged limit, remembered as left at
     * {@code now}; only when not empty.
     */
    UserLimit pollOldest(long now) {
        Iterator<Map.Entry<LimitPutCoalescer.Key, Staged>> it = staged.entrySet().iterator();
        Map.Entry<LimitPutCoalescer.Key, Staged> oldest = it.next();
        it.remove();
        forgetLeftBefore(now - quietMs);
        // Removed first, so that the limit moves to the end: the map stays in order of leaving.
        left.remove(oldest.getKey());
        left.put(oldest.getKey(), now);
        return oldest.getValue().limit;
    }

    private void forgetLeftBefore(long time) {
        Iterator<Long> it = left.values().iterator();
        while (it.hasNext() && it.next() < time) {
            it.remove();
        }
    }

    /** The staged versions, oldest first (for checkpoints). */
    List<UserLimit> staged() {
        List<UserLimit> limits = new ArrayList<>(staged.size());
        for (Staged s : staged.values()) {
            limits.add(s.limit);
        }
        return limits;
    }
}
