package com.rglimits.table;

import com.rglimits.event.LimitPeriod;
import com.rglimits.event.LimitStatus;
import com.rglimits.event.LimitType;
import com.rglimits.limit.UserLimit;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The DynamoDB item of a limit, with the attribute names of EVENTS.md: decimals as decimal strings
 * (S), times and the version as numbers (N), absent times left out.
 */
public final class LimitItems {
    public static final String USER_ID = "userId";
    public static final String USER_LIMIT_ID = "userLimitId";
    public static final String BRAND_ID = "brandId";
    public static final String CURRENCY_CODE = "currencyCode";
    public static final String TYPE = "type";
    public static final String PERIOD = "period";
    public static final String STATUS = "status";
    public static final String VALUE = "value";
    public static final String PROGRESS = "progress";
    public static final String REMAINING = "remaining";
    public static final String ACTIVE_FROM = "activeFrom";
    public static final String ACTIVE_UNTIL = "activeUntil";
    public static final String NEXT_RESET_TIME = "nextResetTime";
    public static final String CREATED_AT = "createdAt";
    public static final String UPDATED_AT = "updatedAt";
    public static final String LAST_EVENT_ID = "lastEventId";
    public static final String LAST_SEQUENCE_NUMBER = "lastSequenceNumber";

    private LimitItems() {}

    public static Map<String, AttributeValue> toItem(UserLimit l) {
        Map<String, AttributeValue> item = new HashMap<>(24);
        item.put(USER_ID, s(l.userId));
        item.put(USER_LIMIT_ID, s(l.userLimitId));
        item.put(BRAND_ID, s(l.brandId));
        item.put(CURRENCY_CODE, s(l.currencyCode));
        item.put(TYPE, s(l.type.name()));
        item.put(PERIOD, s(l.period.name()));
        item.put(STATUS, s(l.status.name()));
        item.put(VALUE, s(l.value.toPlainString()));
        item.put(PROGRESS, s(l.progress.toPlainString()));
        item.put(REMAINING, s(l.remaining().toPlainString()));
        putTime(item, ACTIVE_FROM, l.activeFrom);
        putTime(item, ACTIVE_UNTIL, l.activeUntil);
        putTime(item, NEXT_RESET_TIME, l.nextResetTime);
        item.put(CREATED_AT, n(l.createdAt));
        item.put(UPDATED_AT, n(l.updatedAt));
        item.put(LAST_EVENT_ID, s(l.lastEventId));
        item.put(LAST_SEQUENCE_NUMBER, n(l.lastSequenceNumber));
        return item;
    }

    public static UserLimit fromItem(Map<String, AttributeValue> item) {
        UserLimit l = new UserLimit();
        l.userId = item.get(USER_ID).s();
        l.userLimitId = item.get(USER_LIMIT_ID).s();
        l.brandId = item.get(BRAND_ID).s();
        l.currencyCode = item.get(CURRENCY_CODE).s();
        l.type = LimitType.valueOf(item.get(TYPE).s());
        l.period = LimitPeriod.valueOf(item.get(PERIOD).s());
        l.status = LimitStatus.valueOf(item.get(STATUS).s());
        l.value = new BigDecimal(item.get(VALUE).s());
        l.progress = new BigDecimal(item.get(PROGRESS).s());
        l.activeFrom = time(item, ACTIVE_FROM);
        l.activeUntil = time(item, ACTIVE_UNTIL);
        l.nextResetTime = time(item, NEXT_RESET_TIME);
        l.createdAt = Long.parseLong(item.get(CREATED_AT).n());
        l.updatedAt = Long.parseLong(item.get(UPDATED_AT).n());
        l.lastEventId = item.get(LAST_EVENT_ID).s();
        l.lastSequenceNumber = Long.parseLong(item.get(LAST_SEQUENCE_NUMBER).n());
        return l;
    }

    private static AttributeValue s(String value) {
        return AttributeValue.builder().s(value).build();
    }

    private static AttributeValue n(long value) {
        return AttributeValue.builder().n(Long.toString(value)).build();
    }

    private static void putTime(Map<String, AttributeValue> item, String name, Long value) {
        if (value != null) {
            item.put(name, n(value));
        }
    }

    private static Long time(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? null : Long.parseLong(v.n());
    }
}
