package com.rglimits.event;

import java.util.HashMap;
import java.util.Map;

/** A field of a record that the event contract reads: where it sits, its name, and what it must hold. */
enum RecordField {
    TYPE(Kind.STRING, false, "type"),
    EVENT_ID(Kind.STRING, false, "eventId"),
    SEQUENCE_NUMBER(Kind.INTEGER, false, "sequenceNumber"),
    CREATED_AT(Kind.INTEGER, false, "createdAt"),
    SOURCE(Kind.STRING, false, "source"),
    AGGREGATE_ID(Kind.STRING, false, "aggregateId"),
    CONTEXT(Kind.OBJECT, false, "context"),
    PAYLOAD(Kind.OBJECT, false, "payload"),
    USER_ID(Kind.STRING, true, "userId"),
    USER_LIMIT_ID(Kind.STRING, true, "userLimitId"),
    BRAND_ID(Kind.STRING, true, "brandId"),
    CURRENCY_CODE(Kind.STRING, true, "currencyCode"),
    NEXT_RESET_TIME(Kind.INTEGER, true, "nextResetTime"),
    LIMIT_TYPE(Kind.STRING, true, "type"),
    PERIOD(Kind.STRING, true, "period"),
    STATUS(Kind.STRING, true, "status"),
    VALUE(Kind.STRING, true, "value"),
    ACTIVE_FROM(Kind.INTEGER, true, "activeFrom"),
    ACTIVE_UNTIL(Kind.INTEGER, true, "activeUntil"),
    PREVIOUS_LIMIT_VALUE(Kind.STRING, true, "previousLimitValue"),
    AMOUNT(Kind.STRING, true, "amount"),
    PREVIOUS_PROGRESS(Kind.STRING, true, "previousProgress"),
    REMAINING_AMOUNT(Kind.STRING, true, "remainingAmount"),
    RESET_AMOUNT(Kind.STRING, true, "resetAmount"),
    UNUSED_AMOUNT(Kind.STRING, true, "unusedAmount"),
    RESET_PERCENTAGE(Kind.STRING, true, "resetPercentage");

    /** What a value of the field must be for the contract; decimals are strings too. */
    enum Kind {
        STRING,
        INTEGER,
        OBJECT
    }

    final Kind kind;
    /** A field of the payload, rather than of the envelope. */
    final boolean inPayload;
    final String name;
    /** How error messages name it. */
    final String path;

    RecordField(Kind kind, boolean inPayload, String name) {
        this.kind = kind;
        this.inPayload = inPayload;
        this.name = name;
        this.path = inPayload ? "payload." + name : name;
    }

    private static final Map<String, RecordField> IN_ENVELOPE = new HashMap<>();
    private static final Map<String, RecordField> IN_PAYLOAD = new HashMap<>();

    static {
        for (RecordField field : values()) {
            (field.inPayload ? IN_PAYLOAD : IN_ENVELOPE).put(field.name, field);
        }
    }

    /** The field of that name in the envelope or in the payload; null for a field the contract does not read. */
    static RecordField named(String name, boolean inPayload) {
        return (inPayload ? IN_PAYLOAD : IN_ENVELOPE).get(name);
    }
}
