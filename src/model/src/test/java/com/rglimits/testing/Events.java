package com.rglimits.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rglimits.event.EventParser;
import com.rglimits.event.LimitEvent;
import com.rglimits.event.ParsedRecord;
import com.rglimits.event.RecordSource;
import java.nio.charset.StandardCharsets;

/** Builds event records in the shape of EVENTS.md for tests. */
public final class Events {
    public static final ObjectMapper MAPPER = new ObjectMapper();
    public static final String BRAND = "000000000000000000000003";

    private Events() {}

    public static ObjectNode envelope(String eventId, String type, String userId, long seq, long createdAt) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("eventId", eventId);
        o.put("type", type);
        o.put("aggregateId", userId);
        o.put("sequenceNumber", seq);
        o.put("createdAt", createdAt);
        o.put("source", "limitUser");
        o.putObject("context").put("correlationId", "c-" + eventId);
        ObjectNode p = o.putObject("payload");
        p.put("userId", userId);
        p.put("brandId", BRAND);
        p.put("currencyCode", "EUR");
        return o;
    }

    public static ObjectNode created(String eventId, String userId, String limitId, long seq, long createdAt, String value) {
        ObjectNode o = envelope(eventId, "USER_LIMIT_CREATED", userId, seq, createdAt);
        ObjectNode p = (ObjectNode) o.get("payload");
        p.put("userLimitId", limitId);
        p.put("type", "DEPOSIT");
        p.put("period", "DAY");
        p.put("status", "ACTIVE");
        p.put("value", value);
        p.put("activeFrom", createdAt - 10);
        p.put("nextResetTime", createdAt + 86_400_000L);
        return o;
    }

    public static ObjectNode progress(String eventId, String userId, String limitId, long seq, long createdAt,
            String previousProgress, String amount) {
        ObjectNode o = envelope(eventId, "USER_LIMIT_PROGRESS_CHANGED", userId, seq, createdAt);
        ObjectNode p = (ObjectNode) o.get("payload");
        p.put("userLimitId", limitId);
        p.put("amount", amount);
        p.put("previousProgress", previousProgress);
        return o;
    }

    public static ObjectNode reset(String eventId, String userId, String limitId, long seq, long createdAt) {
        ObjectNode o = envelope(eventId, "USER_LIMIT_RESET", userId, seq, createdAt);
        ObjectNode p = (ObjectNode) o.get("payload");
        p.put("userLimitId", limitId);
        p.put("type", "DEPOSIT");
        p.put("period", "DAY");
        p.put("resetAmount", "0");
        p.put("unusedAmount", "0");
        p.put("nextResetTime", createdAt + 86_400_000L);
        return o;
    }

    public static byte[] bytes(ObjectNode node) {
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }

    public static ParsedRecord parse(ObjectNode node) {
        return EventParser.parse(bytes(node), RecordSource.fileLine("test", 1), 0L);
    }

    /** Parses a node that must be a valid event. */
    public static LimitEvent event(ObjectNode node) {
        ParsedRecord r = parse(node);
        if (r.kind != ParsedRecord.Kind.EVENT) {
            throw new AssertionError("not a valid event: " + r + " from " + node);
        }
        return r.event;
    }
}
