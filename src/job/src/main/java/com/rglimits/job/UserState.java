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
    /** The user's limits, in no particular order. */
    public List<UserLimit> limits;

    public UserState() {}
}
