package com.rglimits.event;

/**
 * What the parser makes of one input record: exactly one of an event to process, an event of
 * another type to skip, or an invalid record with what was wrong with it. A flat POJO rather than a class
 * hierarchy so that Flink serializes it without Kryo.
 */
public class ParsedRecord {
    public enum Kind {
        EVENT,
        SKIPPED,
        INVALID
    }

    public Kind kind;
    public LimitEvent event;
    public Rejection invalid;
    /** For SKIPPED: the envelope type, and createdAt when it had one (it still moves event time). */
    public String skippedType;
    public Long skippedCreatedAt;
    /** For SKIPPED: whose record it is (its aggregateId, payload.userId or eventId), for its split's event time. */
    public String skippedKey;
    /** For SKIPPED: where it was read. */
    public RecordSource skippedSource;
    /**
     * createdAt was further ahead of the processing time than the bound: for INVALID, the reason;
     * for SKIPPED, why it carries no event time.
     */
    public boolean createdAtAhead;

    public ParsedRecord() {}

    public static ParsedRecord event(LimitEvent event) {
        ParsedRecord r = new ParsedRecord();
        r.kind = Kind.EVENT;
        r.event = event;
        return r;
    }

    public static ParsedRecord skipped(String type, Long createdAt, String key, RecordSource source) {
        ParsedRecord r = new ParsedRecord();
        r.kind = Kind.SKIPPED;
        r.skippedType = type;
        r.skippedCreatedAt = createdAt;
        r.skippedKey = key;
        r.skippedSource = source;
        return r;
    }

    /** Another type whose createdAt is too far ahead: skipped as usual, but without an event time. */
    public static ParsedRecord skippedAhead(String type, String key, RecordSource source) {
        ParsedRecord r = skipped(type, null, key, source);
        r.createdAtAhead = true;
        return r;
    }

    public static ParsedRecord invalid(Rejection rejection) {
        ParsedRecord r = new ParsedRecord();
        r.kind = Kind.INVALID;
        r.invalid = rejection;
        return r;
    }

    /** Whose record this is, for its split's event time: the user of an event; null for an invalid record. */
    public String timeKey() {
        return kind == Kind.EVENT ? event.userId : kind == Kind.SKIPPED ? skippedKey : null;
    }

    /** Where it was read. */
    public RecordSource source() {
        return kind == Kind.EVENT ? event.source : kind == Kind.SKIPPED ? skippedSource : invalid.source;
    }

    /** The event time this record carries, or Long.MIN_VALUE when it has none. */
    public long eventTime() {
        if (kind == Kind.EVENT) {
            return event.createdAt;
        }
        return skippedCreatedAt != null ? skippedCreatedAt : Long.MIN_VALUE;
    }

    @Override
    public String toString() {
        return kind + (kind == Kind.EVENT ? " " + event : kind == Kind.INVALID ? " " + invalid : " " + skippedType);
    }
}
