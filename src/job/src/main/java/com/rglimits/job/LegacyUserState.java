package com.rglimits.job;

import com.rglimits.limit.UserLimit;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;

/**
 * A user's limits and cursor as the releases up to 2026-11-30 kept them: one {@code limits} map
 * entry per limit and a {@code last-sequence} value ({@link Descriptors#LEGACY_LIMITS},
 * {@link Descriptors#LEGACY_LAST_SEQUENCE}). Read by the keyed operator for a user without
 * {@link UserState} and by {@code inspect-savepoint}, so that both see a user the same way.
 */
public final class LegacyUserState {
    private final MapState<String, UserLimit> limits;
    private final ValueState<Long> lastSequence;

    public LegacyUserState(MapState<String, UserLimit> limits, ValueState<Long> lastSequence) {
        this.limits = limits;
        this.lastSequence = lastSequence;
    }

    /** The current key's state in this layout, or null when it has none here. */
    public UserState read() throws Exception {
        Long last = lastSequence.value();
        List<UserLimit> found = new ArrayList<>();
        for (UserLimit l : limits.values()) {
            found.add(l);
        }
        if (last == null && found.isEmpty()) {
            return null;
        }
        UserState s = new UserState();
        s.lastSequence = last;
        s.limits = found;
        return s;
    }

    /** Removes the current key's state in this layout, once it is written as a {@link UserState}. */
    void clear() {
        limits.clear();
        lastSequence.clear();
    }
}
