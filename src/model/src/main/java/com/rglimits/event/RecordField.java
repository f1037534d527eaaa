package com.rglimits.event;

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

    /** The field of that name in the envelope or in the payload; null for a field the contract does not read. */
    static RecordField named(String name, boolean inPayload) {
        return inPayload ? inPayload(name) : inEnvelope(name);
    }

    private static RecordField inEnvelope(String name) {
        switch (name) {
            case "type":
                return TYPE;
            case "eventId":
                return EVENT_ID;
            case "sequenceNumber":
                return SEQUENCE_NUMBER;
            case "createdAt":
                return CREATED_AT;
            case "source":
                return SOURCE;
            case "aggregateId":
                return AGGREGATE_ID;
            case "context":
                return CONTEXT;
            case "payload":
                return PAYLOAD;
            default:
                return null;
        }
    }

    private static RecordField inPayload(String name) {
        switch (name) {
            case "userId":
                return USER_ID;
            case "userLimitId":
                return USER_LIMIT_ID;
            case "brandId":
                return BRAND_ID;
            case "currencyCode":
                return CURRENCY_CODE;
            case "nextResetTime":
                return NEXT_RESET_TIME;
            case "type":
                return LIMIT_TYPE;
            case "period":
                return PERIOD;
            case "status":
                return STATUS;
            case "value":
                return VALUE;
            case "activeFrom":
                return ACTIVE_FROM;
            case "activeUntil":
                return ACTIVE_UNTIL;
            case "previousLimitValue":
                return PREVIOUS_LIMIT_VALUE;
            case "amount":
                return AMOUNT;
            case "previousProgress":
                return PREVIOUS_PROGRESS;
            case "remainingAmount":
                return REMAINING_AMOUNT;
            case "resetAmount":
                return RESET_AMOUNT;
            case "unusedAmount":
                return UNUSED_AMOUNT;
            case "resetPercentage":
                return RESET_PERCENTAGE;
            default:
                return null;
        }
    }
}
