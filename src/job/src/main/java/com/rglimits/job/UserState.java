package com.rglimits.job;

import com.rglimits.limit.UserLimit;
import java.util.List;

/**
 * One user's limits, sequence cursor and latest eventId hashes, kept as one value of keyed state:
 * read with one lookup when the user is not cached, written with one put per checkpoint when it
 * changed.
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
    /**
     * The {@link com.rglimits.ordering.EventIdHash}es of the user's latest eventIds, kept in the value
     * itself so that a user with few events costs no write to the dedup set of its own (see
     * {@code UserStateCache}); null when none. The rest of the user's dedup set is in
     * {@code seen-event-hashes}.
     */
    public long[] seenHashes;
    /**
     * When each of {@link #seenHashes} was written (processing time, ms, in the order of the hashes):
     * a hash counts as seen until then plus the dedup retention, as an entry of {@code
     * seen-event-hashes} does; null exactly when seenHashes is.
     */
    public long[] seenAt;

    public UserState() {}

    /**
     * Whether a hash of {@link #seenHashes} written at that time is past the dedup retention: the rule
     * Flink's state TTL applies to an entry of {@code seen-event-hashes} (expired once its write time plus
     * the retention is reached).
     */
    public static boolean seenHashExpired(long writtenAt, long retentionMs, long now) {
        return writtenAt + retentionMs <= now;
    }
}
