package com.rglimits.tools;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rglimits.event.LimitPeriod;
import com.rglimits.event.LimitStatus;
import com.rglimits.event.LimitType;
import com.rglimits.limit.UserLimit;
import com.rglimits.table.LimitItems;
import com.rglimits.table.LimitTable;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The limits export format, one JSON object per line: the DynamoDB item of a limit with the
 * attribute names of EVENTS.md, exactly as {@code LocalRun --export.file} and
 * {@link LimitTable#toJson} write it (decimals as decimal strings, times and the version as numbers).
 * A DynamoDB table export line ({@code {"Item": {"userId": {"S": "..."}, "createdAt": {"N": "..."}}}})
 * is read too, so the export of a table in the job's shape can be used as it is.
 */
public final class LimitExport {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern DECIMAL = Pattern.compile("-?\\d+(\\.\\d+)?");

    private LimitExport() {}

    /** A line that is not a limit: the message says which attribute and what is wrong. */
    public static final class BadLine extends Exception {
        public BadLine(String message) {
            super(message);
        }
    }

    /** The export line of a limit. */
    public static String toJson(UserLimit limit) {
        return LimitTable.toJson(LimitItems.toItem(limit));
    }

    /** Reads one export line into a limit, validating every attribute. */
    public static UserLimit parse(String line) throws BadLine {
        JsonNode node;
        try {
            node = MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            throw new BadLine("not JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new BadLine("not a JSON object");
        }
        if (node.size() == 1 && node.has("Item")) {
            node = fromDynamoDbJson(node.get("Item"));
        }
        UserLimit l = new UserLimit();
        l.userId = text(node, LimitItems.USER_ID);
        l.userLimitId = text(node, LimitItems.USER_LIMIT_ID);
        l.brandId = text(node, LimitItems.BRAND_ID);
        l.currencyCode = text(node, LimitItems.CURRENCY_CODE);
        l.type = enumValue(node, LimitItems.TYPE, LimitType.class);
        l.period = enumValue(node, LimitItems.PERIOD, LimitPeriod.class);
        l.status = enumValue(node, LimitItems.STATUS, LimitStatus.class);
        l.value = decimal(node, LimitItems.VALUE);
        if (l.value.signum() < 0) {
            throw new BadLine("'" + LimitItems.VALUE + "' must be >= 0, got " + l.value.toPlainString());
        }
        l.progress = decimal(node, LimitItems.PROGRESS);
        if (node.hasNonNull(LimitItems.REMAINING)) {
            BigDecimal remaining = decimal(node, LimitItems.REMAINING);
            if (remaining.compareTo(l.remaining()) != 0) {
                throw new BadLine("'" + LimitItems.REMAINING + "' is " + remaining.toPlainString() + " but value - progress is "
                        + l.remaining().toPlainString());
            }
        }
        l.activeFrom = optionalLong(node, LimitItems.ACTIVE_FROM);
        l.activeUntil = optionalLong(node, LimitItems.ACTIVE_UNTIL);
        l.nextResetTime = optionalLong(node, LimitItems.NEXT_RESET_TIME);
        l.createdAt = requiredLong(node, LimitItems.CREATED_AT);
        l.updatedAt = requiredLong(node, LimitItems.UPDATED_AT);
        l.lastEventId = text(node, LimitItems.LAST_EVENT_ID);
        l.lastSequenceNumber = requiredLong(node, LimitItems.LAST_SEQUENCE_NUMBER);
        if (l.lastSequenceNumber < 0) {
            throw new BadLine("'" + LimitItems.LAST_SEQUENCE_NUMBER + "' must be >= 0, got " + l.lastSequenceNumber);
        }
        return l;
    }

    /** Unwraps DynamoDB JSON ({"S": ...} / {"N": ...}) into the plain export shape. */
    private static JsonNode fromDynamoDbJson(JsonNode item) throws BadLine {
        if (!item.isObject()) {
            throw new BadLine("'Item' is not a JSON object");
        }
        com.fasterxml.jackson.databind.node.ObjectNode plain = MAPPER.createObjectNode();
        Iterator<Map.Entry<String, JsonNode>> fields = item.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            JsonNode typed = f.getValue();
            if (typed.isObject() && typed.size() == 1 && typed.has("S") && typed.get("S").isTextual()) {
                plain.put(f.getKey(), typed.get("S").asText());
            } else if (typed.isObject() && typed.size() == 1 && typed.has("N") && typed.get("N").isTextual()) {
                try {
                    plain.put(f.getKey(), Long.parseLong(typed.get("N").asText()));
                } catch (NumberFormatException e) {
                    throw new BadLine("'" + f.getKey() + "' is not a whole number: " + typed.get("N").asText());
                }
            } else if (typed.isObject() && typed.has("NULL")) {
                plain.putNull(f.getKey());
            } else {
                throw new BadLine("'" + f.getKey() + "' is not a DynamoDB S or N attribute: " + typed);
            }
        }
        return plain;
    }

    private static String text(JsonNode node, String name) throws BadLine {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            throw new BadLine("'" + name + "' is missing");
        }
        if (!v.isTextual()) {
            throw new BadLine("'" + name + "' must be a string, got " + v);
        }
        if (v.asText().isBlank()) {
            throw new BadLine("'" + name + "' is blank");
        }
        return v.asText();
    }

    private static <E extends Enum<E>> E enumValue(JsonNode node, String name, Class<E> type) throws BadLine {
        String v = text(node, name);
        try {
            return Enum.valueOf(type, v);
        } catch (IllegalArgumentException e) {
            throw new BadLine("'" + name + "' is not one of " + java.util.Arrays.toString(type.getEnumConstants()) + ": " + v);
        }
    }

    private static BigDecimal decimal(JsonNode node, String name) throws BadLine {
        String v = text(node, name);
        if (!DECIMAL.matcher(v).matches()) {
            throw new BadLine("'" + name + "' is not a decimal string: " + v);
        }
        return new BigDecimal(v);
    }

    private static Long optionalLong(JsonNode node, String name) throws BadLine {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new BadLine("'" + name + "' must be a whole number, got " + v);
        }
        return v.asLong();
    }

    private static long requiredLong(JsonNode node, String name) throws BadLine {
        Long v = optionalLong(node, name);
        if (v == null) {
            throw new BadLine("'" + name + "' is missing");
        }
        return v;
    }
}
