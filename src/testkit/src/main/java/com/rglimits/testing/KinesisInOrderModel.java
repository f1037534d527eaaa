package com.rglimits.testing;

import com.rglimits.deadletter.DeadLetterReason;
import com.rglimits.event.EventParser;
import com.rglimits.event.LimitEvent;
import com.rglimits.event.ParsedRecord;
import com.rglimits.limit.LimitRules;
import com.rglimits.limit.RuleResult;
import com.rglimits.limit.UserLimit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The expected result of the job, computed the simple way: per user, the events of a phase in
 * {@code sequenceNumber} order (then createdAt, then arrival), duplicates by eventId dropped at
 * first sight, {@link LimitRules} applied one after another. Phases are applied one after the
 * other, as when a test waits for the job to settle before it publishes the next batch.
 */
public final class KinesisInOrderModel {
    /** A dead letter the job must write: why, and the original record (Base64, so any bytes compare). */
    public static final class ExpectedDeadLetter {
        public final DeadLetterReason reason;
        public final String recordBase64;

        ExpectedDeadLetter(DeadLetterReason reason, byte[] record) {
            this.reason = reason;
            this.recordBase64 = Base64.getEncoder().encodeToString(record);
        }

        /** The form tests compare: {@code REASON recordBase64}. */
        public String key() {
            return reason + " " + recordBase64;
        }
    }

    private final Map<String, Map<String, UserLimit>> limits = new HashMap<>();
    private final Map<String, Long> lastSequence = new HashMap<>();
    private final Set<String> seenEventIds = new HashSet<>();
    private final List<UserLimit> appliedVersions = new ArrayList<>();
    private final List<ExpectedDeadLetter> deadLetters = new ArrayList<>();
    private int skipped;
    private int duplicates;

    /** Takes one phase of records, in the order the job reads them. */
    public KinesisInOrderModel applyPhase(List<byte[]> records) {
        Map<String, List<LimitEvent>> byUser = new TreeMap<>();
        Map<LimitEvent, Integer> arrival = new HashMap<>();
        for (byte[] raw : records) {
            ParsedRecord parsed = EventParser.parse(raw, null, 0);
            switch (parsed.kind) {
                case INVALID:
                    deadLetters.add(new ExpectedDeadLetter(DeadLetterReason.INVALID_EVENT, raw));
                    break;
                case SKIPPED:
                    skipped++;
                    break;
                case EVENT:
                    LimitEvent e = parsed.event;
                    if (!seenEventIds.add(e.userId + "\u0000" + e.eventId)) {
                        duplicates++;
                        break;
                    }
                    arrival.put(e, arrival.size());
                    byUser.computeIfAbsent(e.userId, u -> new ArrayList<>()).add(e);
                    break;
                default:
                    throw new IllegalStateException();
            }
        }
        for (List<LimitEvent> events : byUser.values()) {
            events.sort(Comparator.<LimitEvent>comparingLong(e -> e.sequenceNumber)
                    .thenComparingLong(e -> e.createdAt)
                    .thenComparing(arrival::get));
            for (LimitEvent e : events) {
                Long last = lastSequence.get(e.userId);
                if (last != null && e.sequenceNumber <= last) {
                    deadLetters.add(new ExpectedDeadLetter(DeadLetterReason.LATE_EVENT, e.raw));
                    continue;
                }
                lastSequence.put(e.userId, e.sequenceNumber);
                Map<String, UserLimit> userLimits = limits.computeIfAbsent(e.userId, u -> new HashMap<>());
                RuleResult result = LimitRules.apply(userLimits.get(e.userLimitId), e);
                if (result.isApplied()) {
                    userLimits.put(e.userLimitId, result.limit());
                    appliedVersions.add(result.limit());
                } else {
                    deadLetters.add(new ExpectedDeadLetter(result.rejection(), e.raw));
                }
            }
        }
        return this;
    }

    /**
     * Takes records whose createdAt is too far ahead of the clock: those of the three processed types
     * (and invalid ones) are {@code INVALID_EVENT}s, the others skipped. Returns the dead-lettered ones.
     */
    public List<byte[]> aheadOfClockPhase(List<byte[]> records) {
        List<byte[]> deadLettered = new ArrayList<>();
        for (byte[] raw : records) {
            if (EventParser.parse(raw, null, 0).kind == ParsedRecord.Kind.SKIPPED) {
                skipped++;
            } else {
                deadLetters.add(new ExpectedDeadLetter(DeadLetterReason.INVALID_EVENT, raw));
                deadLettered.add(raw);
            }
        }
        return deadLettered;
    }

    /** The table: {@code userId/userLimitId} to the limit. */
    public Map<String, UserLimit> limits() {
        Map<String, UserLimit> out = new TreeMap<>();
        limits.values().forEach(m -> m.values().forEach(l -> out.put(key(l), l)));
        return out;
    }

    /** Every limit version the job must emit, per user in the order it applies them (the subscriber feed's order). */
    public List<UserLimit> appliedVersions() {
        return new ArrayList<>(appliedVersions);
    }

    /** Every limit version the job must emit, each exactly once: {@code userId/userLimitId@sequenceNumber}. */
    public List<String> appliedVersionKeys() {
        List<String> out = new ArrayList<>();
        appliedVersions.forEach(l -> out.add(versionKey(l)));
        out.sort(null);
        return out;
    }

    /**
     * How {@code emitted} differs from {@link #appliedVersionKeys()}, as a multiset: versions never
     * emitted, and versions emitted but not expected or emitted more than once. Empty when they agree.
     * Short enough for a CI log, where the full lists of a failed equality would be cut off.
     */
    public String versionDifferences(List<String> emitted) {
        List<String> missing = missingVersions(emitted);
        List<String> extra = unexpectedVersions(emitted);
        return missing.isEmpty() && extra.isEmpty() ? ""
                : "missing " + missing.size() + " " + missing + "; unexpected or repeated " + extra.size() + " " + extra;
    }

    /** Versions the job should have emitted and did not. */
    public List<String> missingVersions(List<String> emitted) {
        return difference(appliedVersionKeys(), emitted);
    }

    /** Versions the job emitted that it should not have, or emitted more than once. */
    public List<String> unexpectedVersions(List<String> emitted) {
        return difference(emitted, appliedVersionKeys());
    }

    /** {@code a} minus {@code b}, as multisets. */
    private static List<String> difference(List<String> a, List<String> b) {
        Map<String, Integer> count = new TreeMap<>();
        a.forEach(k -> count.merge(k, 1, Integer::sum));
        b.forEach(k -> count.merge(k, -1, Integer::sum));
        List<String> out = new ArrayList<>();
        count.forEach((k, n) -> {
            for (int i = 0; i < n; i++) {
                out.add(k);
            }
        });
        return out;
    }

    public int appliedCount() {
        return appliedVersions.size();
    }

    public List<ExpectedDeadLetter> deadLetters() {
        return deadLetters;
    }

    public List<String> deadLetterKeys() {
        List<String> out = new ArrayList<>();
        deadLetters.forEach(d -> out.add(d.key()));
        out.sort(null);
        return out;
    }

    public int skipped() {
        return skipped;
    }

    public int duplicates() {
        return duplicates;
    }

    public static String key(UserLimit l) {
        return l.userId + "/" + l.userLimitId;
    }

    public static String versionKey(UserLimit l) {
        return key(l) + "@" + l.lastSequenceNumber;
    }
}
