package com.rglimits.job;

import com.rglimits.limit.UserLimit;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;

/**
 * The limits and sequence cursor of the users touched since the last checkpoint, in memory, written
 * back to keyed state when a checkpoint is taken (or when more than {@code maxUsers} are cached).
 * A user's state is read from the backend once per checkpoint interval and written once, however
 * many of its events arrive in between; a failure loses nothing the checkpoint does not also forget,
 * because the job restarts from that checkpoint and re-reads what came after it.
 *
 * <p>Every method that reads state must be called with the user as the operator's current key.
 */
final class UserStateCache {
    /** One user's cached state. */
    static final class Entry {
        private Long lastSequence;
        private boolean sequenceChanged;
        private final Map<String, UserLimit> limits = new HashMap<>(4);
        private final Set<String> changedLimits = new HashSet<>(4);

        Long lastSequence() {
            return lastSequence;
        }

        void lastSequence(long sequence) {
            if (lastSequence == null || lastSequence != sequence) {
                lastSequence = sequence;
                sequenceChanged = true;
            }
        }
    }

    private final MapState<String, UserLimit> limits;
    private final ValueState<Long> lastSequence;
    private final int maxUsers;
    private final Map<String, Entry> entries = new HashMap<>();

    UserStateCache(MapState<String, UserLimit> limits, ValueState<Long> lastSequence, int maxUsers) {
        this.limits = limits;
        this.lastSequence = lastSequence;
        this.maxUsers = maxUsers;
    }

    /** The user's entry, read from the backend on first use since the last write-back. */
    Entry of(String userId) throws Exception {
        Entry e = entries.get(userId);
        if (e == null) {
            e = new Entry();
            e.lastSequence = lastSequence.value();
            entries.put(userId, e);
        }
        return e;
    }

    UserLimit limit(Entry e, String userLimitId) throws Exception {
        UserLimit l = e.limits.get(userLimitId);
        if (l == null && !e.limits.containsKey(userLimitId)) {
            l = limits.get(userLimitId);
            e.limits.put(userLimitId, l);
        }
        return l;
    }

    void put(Entry e, UserLimit limit) {
        e.limits.put(limit.userLimitId, limit);
        e.changedLimits.add(limit.userLimitId);
    }

    boolean full() {
        return entries.size() >= maxUsers;
    }

    /** Writes every change back to keyed state and empties the cache; {@code setKey} switches the current key. */
    void writeBack(Consumer<String> setKey) throws Exception {
        for (Map.Entry<String, Entry> user : entries.entrySet()) {
            Entry e = user.getValue();
            if (!e.sequenceChanged && e.changedLimits.isEmpty()) {
                continue;
            }
            setKey.accept(user.getKey());
            if (e.sequenceChanged) {
                lastSequence.update(e.lastSequence);
            }
            for (String id : e.changedLimits) {
                limits.put(id, e.limits.get(id));
            }
        }
        entries.clear();
    }
}
