package com.rglimits.query;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rglimits.limit.UserLimit;
import com.rglimits.table.LimitItems;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A limit as the API returns it: the item's attributes with their EVENTS.md names (decimals as
 * strings, times and the version as numbers, absent times left out) plus {@code percentageUsed}.
 */
final class LimitJson {
    static final String PERCENTAGE_USED = "percentageUsed";
    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    private LimitJson() {}

    static ObjectNode toJson(Map<String, AttributeValue> item) {
        // Going through the typed mapping checks the item's shape instead of echoing whatever is stored.
        UserLimit l = LimitItems.fromItem(item);
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put(LimitItems.USER_ID, l.userId);
        o.put(LimitItems.USER_LIMIT_ID, l.userLimitId);
        o.put(LimitItems.BRAND_ID, l.brandId);
        o.put(LimitItems.CURRENCY_CODE, l.currencyCode);
        o.put(LimitItems.TYPE, l.type.name());
        o.put(LimitItems.PERIOD, l.period.name());
        o.put(LimitItems.STATUS, l.status.name());
        o.put(LimitItems.VALUE, l.value.toPlainString());
        o.put(LimitItems.PROGRESS, l.progress.toPlainString());
        o.put(LimitItems.REMAINING, l.remaining().toPlainString());
        String percentage = percentageUsed(l.progress, l.value);
        if (percentage != null) {
            o.put(PERCENTAGE_USED, percentage);
        }
        putTime(o, LimitItems.ACTIVE_FROM, l.activeFrom);
        putTime(o, LimitItems.ACTIVE_UNTIL, l.activeUntil);
        putTime(o, LimitItems.NEXT_RESET_TIME, l.nextResetTime);
        o.put(LimitItems.CREATED_AT, l.createdAt);
        o.put(LimitItems.UPDATED_AT, l.updatedAt);
        o.put(LimitItems.LAST_EVENT_ID, l.lastEventId);
        o.put(LimitItems.LAST_SEQUENCE_NUMBER, l.lastSequenceNumber);
        return o;
    }

    /**
     * progress / value * 100, rounded half-up to two decimals, as a plain decimal string; null when
     * value is 0 (no meaningful share). Not capped: above 100 means the limit is overspent.
     */
    static String percentageUsed(BigDecimal progress, BigDecimal value) {
        if (value.signum() == 0) {
            return null;
        }
        return progress.multiply(HUNDRED).divide(value, 2, RoundingMode.HALF_UP).toPlainString();
    }

    private static void putTime(ObjectNode o, String name, Long value) {
        if (value != null) {
            o.put(name, value);
        }
    }
}
