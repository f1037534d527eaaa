package com.rglimits.sink;

import com.rglimits.table.LimitItems;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * One buffered request entry of {@link LimitsDynamoDbSink}: the full DynamoDB item of one limit
 * version, to be written with a conditional PutItem. The key and the version
 * ({@code lastSequenceNumber}) are read from the item once, here.
 *
 * <p>Only string (S) and number (N) attributes are supported, which is all {@link LimitItems}
 * produces; {@link LimitPutStateSerializer} relies on that.
 */
public final class LimitPut implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String userId;
    private final String userLimitId;
    private final long sequenceNumber;
    private final Map<String, AttributeValue> item;
    private final long sizeInBytes;

    private LimitPut(Map<String, AttributeValue> item) {
        this.item = Collections.unmodifiableMap(new HashMap<>(item));
        this.userId = requiredString(item, LimitItems.USER_ID);
        this.userLimitId = requiredString(item, LimitItems.USER_LIMIT_ID);
        AttributeValue seq = item.get(LimitItems.LAST_SEQUENCE_NUMBER);
        if (seq == null || seq.n() == null) {
            throw new IllegalArgumentException("item of " + userId + "/" + userLimitId
                    + " has no numeric " + LimitItems.LAST_SEQUENCE_NUMBER);
        }
        this.sequenceNumber = Long.parseLong(seq.n());
        long size = 0;
        for (Map.Entry<String, AttributeValue> e : item.entrySet()) {
            size += utf8Length(e.getKey()) + utf8Length(scalar(e.getKey(), e.getValue()));
        }
        this.sizeInBytes = size;
    }

    /** The entry for an item as built by {@link LimitItems#toItem}. */
    public static LimitPut of(Map<String, AttributeValue> item) {
        return new LimitPut(item);
    }

    public String userId() {
        return userId;
    }

    public String userLimitId() {
        return userLimitId;
    }

    /** The version of the item: its {@code lastSequenceNumber}. */
    public long sequenceNumber() {
        return sequenceNumber;
    }

    /** The item, unmodifiable. */
    public Map<String, AttributeValue> item() {
        return item;
    }

    /** Approximate DynamoDB item size: attribute names plus values, in UTF-8 bytes. */
    public long sizeInBytes() {
        return sizeInBytes;
    }

    /** The value of an S or N attribute; anything else is rejected. */
    static String scalar(String name, AttributeValue v) {
        if (v.s() != null) {
            return v.s();
        }
        if (v.n() != null) {
            return v.n();
        }
        throw new IllegalArgumentException("attribute " + name + " is neither S nor N: " + v);
    }

    private static String requiredString(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        if (v == null || v.s() == null) {
            throw new IllegalArgumentException("item has no string key attribute " + name + ": " + item);
        }
        return v.s();
    }

    private static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof LimitPut)) {
            return false;
        }
        return item.equals(((LimitPut) o).item);
    }

    @Override
    public int hashCode() {
        return Objects.hash(userId, userLimitId, sequenceNumber);
    }

    @Override
    public String toString() {
        return "LimitPut{" + userId + "/" + userLimitId + " v" + sequenceNumber + "}";
    }
}
