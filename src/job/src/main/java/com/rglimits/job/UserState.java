package com.rglimits.job;

import com.rglimits.limit.UserLimit;
import java.util.List;

/**
 * One user's limits and sequence cursor, kept as one value of keyed state: read with one lookup
 * when the user is not cached, written with one put per checkpoint when it changed.
 */
public class UserState {
    /** The highest sequenceNumber taken in order (applied or rejected by a rule); null before the first. */
    public Long lastSequence;
    /**
     * On a complete stream ({@code ordering.complete-stream}): the highest sequenceNumber up to which
     * every number of the user is accounted for, when records of other types took numbers after
     * {@link #lastSequence}; null when it is not above {@code lastSequence}.
     */
    public Long seenThrough;
    /** The user's limits, in no particular order. */
    public List<UserLimit> limits;

    public UserState() {}
}
