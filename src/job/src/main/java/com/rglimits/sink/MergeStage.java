package com.rglimits.sink;

import com.rglimits.limit.UserLimit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The sink's merge stage: the newest version of each limit waits here, in order of its limit's
 * first arrival, until the writer takes it ({@link #pollOldest}), and a newer version that arrives
 * meanwhile replaces it in place (keeping the place, so that a limit updated all the time still
 * leaves in turn). It holds the versions as the job emitted them, which no operator changes once
 * emitted, so that only those that leave are converted to items. Not thread-safe: the writer uses
 * it from the task thread only.
 */
final class MergeStage {
    private final LinkedHashMap<LimitPutCoalescer.Key, Staged> staged = new LinkedHashMap<>();

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
    UserLimit pollOldest() {
        Iterator<Staged> it = staged.values().iterator();
        UserLimit limit = it.next().limit;
        it.remove();
        return limit;
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
