package com.rglimits.limit;

import com.rglimits.deadletter.DeadLetterReason;

/** The result of applying one event to one limit: the new limit, or why the event was rejected. */
public final class RuleResult {
    private final UserLimit limit;
    private final DeadLetterReason rejection;
    private final String error;
    private final boolean progressMismatch;

    private RuleResult(UserLimit limit, DeadLetterReason rejection, String error, boolean progressMismatch) {
        this.limit = limit;
        this.rejection = rejection;
        this.error = error;
        this.progressMismatch = progressMismatch;
    }

    static RuleResult applied(UserLimit limit, boolean progressMismatch) {
        return new RuleResult(limit, null, null, progressMismatch);
    }

    static RuleResult rejected(DeadLetterReason reason, String error) {
        return new RuleResult(null, reason, error, false);
    }

    public boolean isApplied() {
        return limit != null;
    }

    /** The limit after the event; only when applied. */
    public UserLimit limit() {
        return limit;
    }

    public DeadLetterReason rejection() {
        return rejection;
    }

    public String error() {
        return error;
    }

    /** Upstream's previousProgress differed from the stored progress (applied anyway). */
    public boolean progressMismatch() {
        return progressMismatch;
    }
}
