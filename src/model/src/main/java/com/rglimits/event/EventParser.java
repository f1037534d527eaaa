package com.rglimits.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.Arrays;

/**
 * Turns one raw record into a {@link ParsedRecord}: a validated event, a skipped event of another
 * type, or a rejection naming the field that broke the contract of EVENTS.md (an INVALID_EVENT once routed).
 * Never throws for bad input. Thread-safe.
 *
 * <p>A record is read first in one pass of Jackson's streaming parser ({@link StreamedFields}), which
 * keeps only the fields the contract reads; where that pass declines (anything to reject, and the
 * values it would have to describe), it is read again into Jackson's tree ({@link TreeFields}), which
 * says what is wrong. The same checks run on both.
 */
public final class EventParser {
    private static final ObjectMapper MAPPER =
            new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final String A_STRING = "a string";

    private EventParser() {}

    /**
     * Without a bound on how far createdAt may be ahead of {@code now}: for tools and models that
     * parse records outside the job. The job's sources use {@link #parse(byte[], RecordSource, long, long)}.
     */
    public static ParsedRecord parse(byte[] raw, RecordSource source, long now) {
        return parse(raw, source, now, Long.MAX_VALUE);
    }

    /**
     * @param now the processing time at the source (epoch ms): when a record is rejected, and what
     *     createdAt is compared with
     * @param maxAheadMs how far createdAt may be ahead of {@code now}. A record beyond it must not
     *     move the watermark: an event of the three types is an INVALID_EVENT, a record of another
     *     type is skipped without an event time. Both are flagged {@link ParsedRecord#createdAtAhead}.
     *     There is no bound in the past: replays of old records must work.
     */
    public static ParsedRecord parse(byte[] raw, RecordSource source, long now, long maxAheadMs) {
        ParsedRecord streamed = parseStreamed(raw, source, now, maxAheadMs);
        return streamed != null ? streamed : parseTree(raw, source, now, maxAheadMs);
    }

    /**
     * The record read in one streaming pass; null where it does not pass the contract or holds a value
     * that the tree must describe, which {@link #parseTree} then reads again and judges.
     */
    static ParsedRecord parseStreamed(byte[] raw, RecordSource source, long now, long maxAheadMs) {
        StreamedFields fields = StreamedFields.read(MAPPER.getFactory(), raw);
        if (fields == null) {
            return null;
        }
        try {
            return read(fields, raw, source, now, maxAheadMs);
        } catch (InvalidEventException e) {
            return null;
        }
    }

    /** The record read into Jackson's tree, which can say what is wrong with any of it. */
    static ParsedRecord parseTree(byte[] raw, RecordSource source, long now, long maxAheadMs) {
        JsonNode root;
        try {
            root = MAPPER.readTree(raw);
        } catch (JsonProcessingException e) {
            return invalid(raw, source, now, "record is not valid JSON: " + e.getOriginalMessage(), null);
        } catch (IOException e) {
            return invalid(raw, source, now, "record could not be read: " + e.getMessage(), null);
        }
        if (root == null || root.isMissingNode()) {
            return invalid(raw, source, now, "record is empty", null);
        }
        if (!root.isObject()) {
            return invalid(raw, source, now, "record is not a JSON object but " + TreeFields.describe(root), null);
        }
        try {
            return read(new TreeFields(root), raw, source, now, maxAheadMs);
        } catch (InvalidEventException e) {
            ParsedRecord r = invalid(raw, source, now, e.getMessage(), root);
            r.createdAtAhead = e.createdAtAhead;
            return r;
        }
    }

    private static ParsedRecord read(RecordFields f, byte[] raw, RecordSource source, long now, long maxAheadMs)
            throws InvalidEventException {
        String typeName = requiredString(f, RecordField.TYPE);
        EventType type = processedType(typeName);
        if (type == null) {
            Long createdAt = f.integerOrNull(RecordField.CREATED_AT);
            String userId = userOf(f);
            String key = userId != null ? userId : f.stringOrNull(RecordField.EVENT_ID);
            Long sequenceNumber = userId != null ? f.integerOrNull(RecordField.SEQUENCE_NUMBER) : null;
            if (sequenceNumber != null && sequenceNumber < 0) {
                sequenceNumber = null;
            }
            if (createdAt != null && ahead(createdAt, now) > maxAheadMs) {
                return ParsedRecord.skippedAhead(typeName, key, sequenceNumber, source);
            }
            return ParsedRecord.skipped(typeName, createdAt, key, sequenceNumber, source);
        }
        LimitEvent event = event(f, type, raw, source);
        long ahead = ahead(event.createdAt, now);
        if (ahead > maxAheadMs) {
            throw new InvalidEventException("field 'createdAt' is " + ahead
                    + " ms ahead of the processing time (at most " + maxAheadMs + " ms allowed)", true);
        }
        return ParsedRecord.event(event);
    }

    /** How far createdAt is ahead of now, 0 when it is not; with now >= 0 (a clock) this cannot overflow. */
    private static long ahead(long createdAt, long now) {
        return createdAt > now ? createdAt - now : 0;
    }

    private static LimitEvent event(RecordFields f, EventType type, byte[] raw, RecordSource source)
            throws InvalidEventException {
        LimitEvent e = new LimitEvent();
        e.type = type;
        e.eventId = requiredString(f, RecordField.EVENT_ID);
        e.sequenceNumber = requiredLong(f, RecordField.SEQUENCE_NUMBER);
        if (e.sequenceNumber < 0) {
            throw new InvalidEventException("field 'sequenceNumber' must be >= 0, got " + e.sequenceNumber);
        }
        e.createdAt = requiredLong(f, RecordField.CREATED_AT);
        // Neither source nor context is kept, but the contract gives their types.
        f.text(RecordField.SOURCE, A_STRING);
        f.object(RecordField.CONTEXT);
        if (!f.object(RecordField.PAYLOAD)) {
            throw missing(RecordField.PAYLOAD);
        }
        e.userId = requiredString(f, RecordField.USER_ID);
        String aggregateId = f.text(RecordField.AGGREGATE_ID, A_STRING);
        if (aggregateId != null && !aggregateId.equals(e.userId)) {
            throw new InvalidEventException("field 'aggregateId' (" + aggregateId
                    + ") differs from 'payload.userId' (" + e.userId + ")");
        }
        e.userLimitId = requiredString(f, RecordField.USER_LIMIT_ID);
        e.brandId = requiredString(f, RecordField.BRAND_ID);
        e.currencyCode = requiredString(f, RecordField.CURRENCY_CODE);
        e.nextResetTime = f.integer(RecordField.NEXT_RESET_TIME);
        switch (type) {
            case USER_LIMIT_CREATED:
                e.limitType = requiredEnum(f, RecordField.LIMIT_TYPE, LimitType.class);
                e.period = requiredEnum(f, RecordField.PERIOD, LimitPeriod.class);
                e.status = requiredEnum(f, RecordField.STATUS, LimitStatus.class);
                e.value = requiredDecimal(f, RecordField.VALUE);
                if (e.value.signum() < 0) {
                    throw new InvalidEventException("field 'payload.value' must be >= 0, got " + e.value.toPlainString());
                }
                e.activeFrom = requiredLong(f, RecordField.ACTIVE_FROM);
                e.activeUntil = f.integer(RecordField.ACTIVE_UNTIL);
                e.previousLimitValue = optionalDecimal(f, RecordField.PREVIOUS_LIMIT_VALUE);
                break;
            case USER_LIMIT_PROGRESS_CHANGED:
                e.amount = requiredDecimal(f, RecordField.AMOUNT);
                e.previousProgress = requiredDecimal(f, RecordField.PREVIOUS_PROGRESS);
                e.remainingAmount = optionalDecimal(f, RecordField.REMAINING_AMOUNT);
                break;
            case USER_LIMIT_RESET:
                e.limitType = requiredEnum(f, RecordField.LIMIT_TYPE, LimitType.class);
                e.period = requiredEnum(f, RecordField.PERIOD, LimitPeriod.class);
                e.resetAmount = requiredDecimal(f, RecordField.RESET_AMOUNT);
                e.unusedAmount = requiredDecimal(f, RecordField.UNUSED_AMOUNT);
                e.resetPercentage = optionalDecimal(f, RecordField.RESET_PERCENTAGE);
                break;
            default:
                throw new IllegalStateException("unhandled type " + type);
        }
        e.raw = raw;
        e.source = source;
        return e;
    }

    private static EventType processedType(String name) {
        switch (name) {
            case "USER_LIMIT_CREATED":
                return EventType.USER_LIMIT_CREATED;
            case "USER_LIMIT_PROGRESS_CHANGED":
                return EventType.USER_LIMIT_PROGRESS_CHANGED;
            case "USER_LIMIT_RESET":
                return EventType.USER_LIMIT_RESET;
            default:
                return null;
        }
    }

    private static <T> T required(T value, RecordField field) throws InvalidEventException {
        if (value == null) {
            throw missing(field);
        }
        return value;
    }

    private static InvalidEventException missing(RecordField field) {
        return new InvalidEventException("field '" + field.path + "' is missing");
    }

    private static String requiredString(RecordFields f, RecordField field) throws InvalidEventException {
        String value = required(f.text(field, A_STRING), field);
        if (value.isBlank()) {
            throw new InvalidEventException("field '" + field.path + "' is blank");
        }
        return value;
    }

    private static long requiredLong(RecordFields f, RecordField field) throws InvalidEventException {
        return required(f.integer(field), field);
    }

    private static BigDecimal requiredDecimal(RecordFields f, RecordField field) throws InvalidEventException {
        return required(optionalDecimal(f, field), field);
    }

    private static BigDecimal optionalDecimal(RecordFields f, RecordField field) throws InvalidEventException {
        String text = f.text(field, "a decimal string");
        if (text == null) {
            return null;
        }
        if (!isPlainDecimal(text)) {
            throw new InvalidEventException("field '" + field.path + "' is not a decimal: \"" + abbreviate(text) + "\"");
        }
        return new BigDecimal(text);
    }

    /**
     * Plain decimal notation only: {@code -?[0-9]+(\.[0-9]+)?}, no exponent, no NaN, no leading '+'.
     * Written out rather than a regular expression: every event has up to three decimals, and a
     * matcher per field was a tenth of the parser's allocation.
     */
    static boolean isPlainDecimal(String text) {
        int n = text.length();
        int i = n > 0 && text.charAt(0) == '-' ? 1 : 0;
        int integerDigits = digits(text, i);
        i += integerDigits;
        if (integerDigits == 0) {
            return false;
        }
        if (i == n) {
            return true;
        }
        if (text.charAt(i) != '.') {
            return false;
        }
        int fractionDigits = digits(text, i + 1);
        return fractionDigits > 0 && i + 1 + fractionDigits == n;
    }

    /** How many ASCII digits start at {@code from}. */
    private static int digits(String text, int from) {
        int i = from;
        while (i < text.length() && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
            i++;
        }
        return i - from;
    }

    private static <E extends Enum<E>> E requiredEnum(RecordFields f, RecordField field, Class<E> type)
            throws InvalidEventException {
        String value = requiredString(f, field);
        try {
            return Enum.valueOf(type, value);
        } catch (IllegalArgumentException e) {
            throw new InvalidEventException("field '" + field.path + "' has value \"" + abbreviate(value)
                    + "\", not one of " + Arrays.toString(type.getEnumConstants()));
        }
    }

    static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }

    private static ParsedRecord invalid(byte[] raw, RecordSource source, long now, String error, JsonNode root) {
        Rejection d = new Rejection();
        d.error = error;
        d.record = raw;
        d.source = source;
        d.rejectedAt = now;
        if (root != null) {
            TreeFields f = new TreeFields(root);
            d.eventId = f.stringOrNull(RecordField.EVENT_ID);
            d.type = f.stringOrNull(RecordField.TYPE);
            d.userId = f.stringOrNull(RecordField.USER_ID);
            if (d.userId == null) {
                d.userId = f.stringOrNull(RecordField.AGGREGATE_ID);
            }
            d.sequenceNumber = f.integerOrNull(RecordField.SEQUENCE_NUMBER);
        }
        return ParsedRecord.invalid(d);
    }

    /** The user a record of another type names: its aggregateId, else payload.userId (null: neither). */
    private static String userOf(RecordFields f) throws InvalidEventException {
        String user = f.stringOrNull(RecordField.AGGREGATE_ID);
        return user != null ? user : f.stringOrNull(RecordField.USER_ID);
    }
}
