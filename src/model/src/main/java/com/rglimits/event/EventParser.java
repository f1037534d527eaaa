package com.rglimits.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Locale;

/**
 * Turns one raw record into a {@link ParsedRecord}: a validated event, a skipped event of another
 * type, or a rejection naming the field that broke the contract of EVENTS.md (an INVALID_EVENT once routed).
 * Never throws for bad input. Thread-safe.
 */
public final class EventParser {
    private static final ObjectMapper MAPPER =
            new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

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
            return invalid(raw, source, now, "record is not a JSON object but " + describe(root), null);
        }
        try {
            String typeName = requiredString(root, "type", "type");
            EventType type = processedType(typeName);
            if (type == null) {
                Long createdAt = optionalLongOrNull(root.get("createdAt"));
                String key = keyOf(root);
                if (createdAt != null && ahead(createdAt, now) > maxAheadMs) {
                    return ParsedRecord.skippedAhead(typeName, key, source);
                }
                return ParsedRecord.skipped(typeName, createdAt, key, source);
            }
            LimitEvent event = event(root, type, raw, source);
            long ahead = ahead(event.createdAt, now);
            if (ahead > maxAheadMs) {
                ParsedRecord r = invalid(raw, source, now, "field 'createdAt' is " + ahead
                        + " ms ahead of the processing time (at most " + maxAheadMs + " ms allowed)", root);
                r.createdAtAhead = true;
                return r;
            }
            return ParsedRecord.event(event);
        } catch (InvalidEventException e) {
            return invalid(raw, source, now, e.getMessage(), root);
        }
    }

    /** How far createdAt is ahead of now, 0 when it is not; with now >= 0 (a clock) this cannot overflow. */
    private static long ahead(long createdAt, long now) {
        return createdAt > now ? createdAt - now : 0;
    }

    private static LimitEvent event(JsonNode root, EventType type, byte[] raw, RecordSource source)
            throws InvalidEventException {
        LimitEvent e = new LimitEvent();
        e.type = type;
        e.eventId = requiredString(root, "eventId", "eventId");
        e.sequenceNumber = requiredLong(root, "sequenceNumber", "sequenceNumber");
        if (e.sequenceNumber < 0) {
            throw new InvalidEventException("field 'sequenceNumber' must be >= 0, got " + e.sequenceNumber);
        }
        e.createdAt = requiredLong(root, "createdAt", "createdAt");
        optionalString(root, "source", "source");
        JsonNode context = present(root.get("context"));
        if (context != null && !context.isObject()) {
            throw wrongType("context", "an object", context);
        }
        JsonNode payload = required(present(root.get("payload")), "payload");
        if (!payload.isObject()) {
            throw wrongType("payload", "an object", payload);
        }
        e.userId = requiredString(payload, "userId", "payload.userId");
        String aggregateId = optionalString(root, "aggregateId", "aggregateId");
        if (aggregateId != null && !aggregateId.equals(e.userId)) {
            throw new InvalidEventException("field 'aggregateId' (" + aggregateId
                    + ") differs from 'payload.userId' (" + e.userId + ")");
        }
        e.userLimitId = requiredString(payload, "userLimitId", "payload.userLimitId");
        e.brandId = requiredString(payload, "brandId", "payload.brandId");
        e.currencyCode = requiredString(payload, "currencyCode", "payload.currencyCode");
        e.nextResetTime = optionalLong(payload, "nextResetTime", "payload.nextResetTime");
        switch (type) {
            case USER_LIMIT_CREATED:
                e.limitType = requiredEnum(payload, "type", "payload.type", LimitType.class);
                e.period = requiredEnum(payload, "period", "payload.period", LimitPeriod.class);
                e.status = requiredEnum(payload, "status", "payload.status", LimitStatus.class);
                e.value = requiredDecimal(payload, "value", "payload.value");
                if (e.value.signum() < 0) {
                    throw new InvalidEventException("field 'payload.value' must be >= 0, got " + e.value.toPlainString());
                }
                e.activeFrom = requiredLong(payload, "activeFrom", "payload.activeFrom");
                e.activeUntil = optionalLong(payload, "activeUntil", "payload.activeUntil");
                e.previousLimitValue = optionalDecimal(payload, "previousLimitValue", "payload.previousLimitValue");
                break;
            case USER_LIMIT_PROGRESS_CHANGED:
                e.amount = requiredDecimal(payload, "amount", "payload.amount");
                e.previousProgress = requiredDecimal(payload, "previousProgress", "payload.previousProgress");
                e.remainingAmount = optionalDecimal(payload, "remainingAmount", "payload.remainingAmount");
                break;
            case USER_LIMIT_RESET:
                e.limitType = requiredEnum(payload, "type", "payload.type", LimitType.class);
                e.period = requiredEnum(payload, "period", "payload.period", LimitPeriod.class);
                e.resetAmount = requiredDecimal(payload, "resetAmount", "payload.resetAmount");
                e.unusedAmount = requiredDecimal(payload, "unusedAmount", "payload.unusedAmount");
                e.resetPercentage = optionalDecimal(payload, "resetPercentage", "payload.resetPercentage");
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

    /** JSON null counts as absent. */
    private static JsonNode present(JsonNode node) {
        return node == null || node.isNull() ? null : node;
    }

    private static <T> T required(T value, String path) throws InvalidEventException {
        if (value == null) {
            throw new InvalidEventException("field '" + path + "' is missing");
        }
        return value;
    }

    private static String requiredString(JsonNode parent, String name, String path) throws InvalidEventException {
        String value = required(optionalString(parent, name, path), path);
        if (value.isBlank()) {
            throw new InvalidEventException("field '" + path + "' is blank");
        }
        return value;
    }

    private static String optionalString(JsonNode parent, String name, String path) throws InvalidEventException {
        JsonNode node = present(parent.get(name));
        if (node == null) {
            return null;
        }
        if (!node.isTextual()) {
            throw wrongType(path, "a string", node);
        }
        return node.textValue();
    }

    private static long requiredLong(JsonNode parent, String name, String path) throws InvalidEventException {
        return required(optionalLong(parent, name, path), path);
    }

    private static Long optionalLong(JsonNode parent, String name, String path) throws InvalidEventException {
        JsonNode node = present(parent.get(name));
        if (node == null) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw wrongType(path, "an integer", node);
        }
        return node.longValue();
    }

    /** For a skipped record's event time: its createdAt when it is a usable integer, else none. */
    private static Long optionalLongOrNull(JsonNode node) {
        return node != null && node.isIntegralNumber() && node.canConvertToLong() ? node.longValue() : null;
    }

    private static BigDecimal requiredDecimal(JsonNode parent, String name, String path) throws InvalidEventException {
        return required(optionalDecimal(parent, name, path), path);
    }

    private static BigDecimal optionalDecimal(JsonNode parent, String name, String path) throws InvalidEventException {
        JsonNode node = present(parent.get(name));
        if (node == null) {
            return null;
        }
        if (!node.isTextual()) {
            throw wrongType(path, "a decimal string", node);
        }
        String text = node.textValue();
        if (!isPlainDecimal(text)) {
            throw new InvalidEventException("field '" + path + "' is not a decimal: \"" + abbreviate(text) + "\"");
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

    private static <E extends Enum<E>> E requiredEnum(JsonNode parent, String name, String path, Class<E> type)
            throws InvalidEventException {
        String value = requiredString(parent, name, path);
        try {
            return Enum.valueOf(type, value);
        } catch (IllegalArgumentException e) {
            throw new InvalidEventException("field '" + path + "' has value \"" + abbreviate(value)
                    + "\", not one of " + Arrays.toString(type.getEnumConstants()));
        }
    }

    private static InvalidEventException wrongType(String path, String expected, JsonNode actual) {
        return new InvalidEventException("field '" + path + "' must be " + expected + ", got " + describe(actual));
    }

    private static String describe(JsonNode node) {
        JsonNodeType t = node.getNodeType();
        switch (t) {
            case STRING:
                return "string \"" + abbreviate(node.textValue()) + "\"";
            case NUMBER:
                return "number " + node.asText();
            case BOOLEAN:
                return "boolean " + node.asText();
            default:
                return t.name().toLowerCase(Locale.ROOT);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }

    private static ParsedRecord invalid(byte[] raw, RecordSource source, long now, String error, JsonNode root) {
        Rejection d = new Rejection();
        d.error = error;
        d.record = raw;
        d.source = source;
        d.rejectedAt = now;
        if (root != null) {
            d.eventId = textOrNull(root.get("eventId"));
            d.type = textOrNull(root.get("type"));
            JsonNode payload = root.get("payload");
            d.userId = payload != null ? textOrNull(payload.get("userId")) : null;
            if (d.userId == null) {
                d.userId = textOrNull(root.get("aggregateId"));
            }
            d.sequenceNumber = optionalLongOrNull(root.get("sequenceNumber"));
        }
        return ParsedRecord.invalid(d);
    }

    /** Whose record of another type this is: its aggregateId, else payload.userId, else its eventId (null: none of them). */
    private static String keyOf(JsonNode root) {
        String key = textOrNull(root.get("aggregateId"));
        if (key == null) {
            JsonNode payload = root.get("payload");
            key = payload != null ? textOrNull(payload.get("userId")) : null;
        }
        return key != null ? key : textOrNull(root.get("eventId"));
    }

    private static String textOrNull(JsonNode node) {
        return node != null && node.isTextual() ? node.textValue() : null;
    }
}
