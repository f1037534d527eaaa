package com.rglimits.sink;

import com.rglimits.limit.UserLimit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Only the newest version of a limit needs writing: within one batch of the writer, and in the
 * merge stage before it ({@link MergeStage}, by the same {@link Key}).
 */
final class LimitPutCoalescer {
    private LimitPutCoalescer() {}

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

        static Key of(UserLimit limit) {
            return new Key(limit.userId, limit.userLimitId);
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
