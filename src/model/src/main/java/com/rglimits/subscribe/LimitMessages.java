package com.rglimits.subscribe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rglimits.limit.UserLimit;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns one applied limit version into the feed's messages: always a {@code LIMIT_CHANGED}, then a
 * {@code LIMIT_THRESHOLD_REACHED} per threshold the change crossed, ascending. Plain Java: the same
 * input gives the same messages, ids and bytes, which is what makes replays and restores
 * de-duplicate in SQS.
 */
public final class LimitMessages {
    /** Version of the message schema (field {@code schemaVersion}); bumped only on incompatible changes. */
    public static final int SCHEMA_VERSION = 1;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private LimitMessages() {}

    /**
     * @param previousProgress the limit's progress before this version, or null when the limit is
     *     new or the feed has not seen it before ({@link Thresholds#crossed})
     */
    public static List<FeedMessage> of(UserLimit limit, BigDecimal previousProgress, Thresholds thresholds) {
        List<FeedMessage> out = new ArrayList<>(3);
        out.add(message(limit, MessageKind.LIMIT_CHANGED, null));
        for (BigDecimal p : thresholds.crossed(limit.value, previousProgress, limit.progress)) {
            out.add(message(limit, MessageKind.LIMIT_THRESHOLD_REACHED, p));
        }
        return out;
    }

    /**
     * The {@code LIMIT_SNAPSHOT} of one limit for one subscription ({@link Subscription#id}). Its id
     * depends on the subscription and the limit only, not on the state: a snapshot taken again after
     * a restore from an earlier checkpoint (at another point of the stream) has the same id, so SQS
     * drops it within its de-duplication window.
     */
    public static FeedMessage snapshot(UserLimit limit, String subscriptionId) {
        return message(limit, MessageKind.LIMIT_SNAPSHOT, null,
                sha256Hex(SCHEMA_VERSION + "|" + MessageKind.LIMIT_SNAPSHOT + "|" + limit.userId + "|" + limit.userLimitId
                        + "|" + subscriptionId));
    }

    /**
     * SHA-256 (hex, 64 characters: a valid SQS de-duplication id) of what identifies the message:
     * schema version, kind, user, limit, the causing event's sequence number and id, and the
     * threshold.
     */
    static String messageId(UserLimit limit, MessageKind kind, BigDecimal threshold) {
        return sha256Hex(SCHEMA_VERSION + "|" + kind + "|" + limit.userId + "|" + limit.userLimitId
                + "|" + limit.lastSequenceNumber + "|" + limit.lastEventId
                + (threshold == null ? "" : "|" + threshold.toPlainString()));
    }

    private static String sha256Hex(String identity) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
            StringBuilder hex = new StringBuilder(64);
            for (byte b : digest) {
                hex.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
            }
            return hex.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static FeedMessage message(UserLimit l, MessageKind kind, BigDecimal threshold) {
        return message(l, kind, threshold, messageId(l, kind, threshold));
    }

    private static FeedMessage message(UserLimit l, MessageKind kind, BigDecimal threshold, String id) {
        ObjectNode m = MAPPER.createObjectNode();
        m.put("schemaVersion", SCHEMA_VERSION);
        m.put("messageId", id);
        m.put("kind", kind.name());
        m.put("userId", l.userId);
        m.put("userLimitId", l.userLimitId);
        ObjectNode limit = m.putObject("limit");
        limit.put("brandId", l.brandId);
        limit.put("currencyCode", l.currencyCode);
        limit.put("type", l.type.name());
        limit.put("period", l.period.name());
        limit.put("status", l.status.name());
        limit.put("value", l.value.toPlainString());
        limit.put("progress", l.progress.toPlainString());
        limit.put("remaining", l.remaining().toPlainString());
        putTime(limit, "activeFrom", l.activeFrom);
        putTime(limit, "activeUntil", l.activeUntil);
        putTime(limit, "nextResetTime", l.nextResetTime);
        limit.put("createdAt", l.createdAt);
        limit.put("updatedAt", l.updatedAt);
        limit.put("lastEventId", l.lastEventId);
        limit.put("lastSequenceNumber", l.lastSequenceNumber);
        ObjectNode cause = m.putObject("cause");
        cause.put("eventId", l.lastEventId);
        if (l.lastEventType != null) {
            cause.put("type", l.lastEventType.name());
        }
        cause.put("sequenceNumber", l.lastSequenceNumber);
        cause.put("createdAt", l.updatedAt);
        if (threshold != null) {
            ObjectNode t = m.putObject("threshold");
            t.put("percentage", threshold.toPlainString());
            t.put("amount", Thresholds.amount(l.value, threshold).toPlainString());
        }
        try {
            return new FeedMessage(kind, id, l.userId, l.type, l.lastSequenceNumber, MAPPER.writeValueAsString(m));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings and numbers always serializes", e);
        }
    }

    private static void putTime(ObjectNode node, String name, Long value) {
        if (value != null) {
            node.put(name, value);
        }
    }
}
