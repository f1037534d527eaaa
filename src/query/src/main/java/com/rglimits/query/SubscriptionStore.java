package com.rglimits.query;

import com.rglimits.table.SubscriptionItems;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

/** The subscriptions table ({@link SubscriptionItems}) as the subscription endpoints use it. */
final class SubscriptionStore {
    private final DynamoDbClient client;
    private final String table;

    SubscriptionStore(DynamoDbClient client, String table) {
        this.client = client;
        this.table = table;
    }

    /** Every item of the subscriber (its own item first), strongly consistent; empty: unknown. */
    List<Map<String, AttributeValue>> entries(String subscriber) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        client.queryPaginator(QueryRequest.builder().tableName(table).consistentRead(true)
                        .keyConditionExpression("#s = :s")
                        .expressionAttributeNames(Map.of("#s", SubscriptionItems.SUBSCRIBER))
                        .expressionAttributeValues(Map.of(":s", s(subscriber)))
                        .build())
                .items().forEach(items::add);
        return items;
    }

    Optional<Map<String, AttributeValue>> subscriber(String name) {
        Map<String, AttributeValue> item = client.getItem(b -> b.tableName(table).consistentRead(true)
                .key(key(name, SubscriptionItems.SUBSCRIBER_ENTRY))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(item);
    }

    /** Writes the subscriber unless it exists; returns whether it was written. {@code principalArn} may be null. */
    boolean createSubscriber(String name, String queueUrl, boolean queueCreated, String principalArn, long now) {
        Map<String, AttributeValue> item = key(name, SubscriptionItems.SUBSCRIBER_ENTRY);
        item.put(SubscriptionItems.QUEUE_URL, s(queueUrl));
        if (principalArn != null) {
            item.put(SubscriptionItems.PRINCIPAL_ARN, s(principalArn));
        }
        item.put(SubscriptionItems.QUEUE_CREATED, AttributeValue.builder().bool(queueCreated).build());
        item.put(SubscriptionItems.CREATED_AT, AttributeValue.builder().n(Long.toString(now)).build());
        try {
            client.putItem(b -> b.tableName(table).item(item).conditionExpression("attribute_not_exists(#s)")
                    .expressionAttributeNames(Map.of("#s", SubscriptionItems.SUBSCRIBER)));
            return true;
        } catch (ConditionalCheckFailedException exists) {
            return false;
        }
    }

    /**
     * Writes (or replaces) a subscription, only while its subscriber exists. A replaced one is a new
     * subscription: pending again (no {@code activeAt}) until the job takes it up.
     *
     * @param snapshot whether it starts with the current state of the limits it selects
     */
    boolean putSubscription(String subscriber, String userId, List<String> limitTypes, List<String> kinds,
            boolean snapshot, long now) {
        Map<String, AttributeValue> item = key(subscriber, SubscriptionItems.entry(userId));
        item.put(SubscriptionItems.USER_ID, s(userId));
        item.put(SubscriptionItems.SUBSCRIBED_AT, AttributeValue.builder().n(Long.toString(now)).build());
        if (snapshot) {
            item.put(SubscriptionItems.START, s(SubscriptionItems.START_SNAPSHOT));
        }
        if (!limitTypes.isEmpty()) {
            item.put(SubscriptionItems.LIMIT_TYPES, s(String.join(",", limitTypes)));
        }
        if (!kinds.isEmpty()) {
            item.put(SubscriptionItems.KINDS, s(String.join(",", kinds)));
        }
        if (subscriber(subscriber).isEmpty()) {
            return false;
        }
        client.putItem(b -> b.tableName(table).item(item));
        return true;
    }

    void deleteEntry(String subscriber, String entry) {
        client.deleteItem(b -> b.tableName(table).key(key(subscriber, entry)));
    }

    /** Deletes the subscriptions, then the subscriber: the job ignores subscriptions without one. */
    void deleteSubscriber(String name, List<Map<String, AttributeValue>> entries) {
        for (Map<String, AttributeValue> e : entries) {
            String entry = e.get(SubscriptionItems.ENTRY).s();
            if (!entry.equals(SubscriptionItems.SUBSCRIBER_ENTRY)) {
                deleteEntry(name, entry);
            }
        }
        deleteEntry(name, SubscriptionItems.SUBSCRIBER_ENTRY);
    }

    private static Map<String, AttributeValue> key(String subscriber, String entry) {
        Map<String, AttributeValue> key = new HashMap<>();
        key.put(SubscriptionItems.SUBSCRIBER, s(subscriber));
        key.put(SubscriptionItems.ENTRY, s(entry));
        return key;
    }

    private static AttributeValue s(String value) {
        return AttributeValue.builder().s(value).build();
    }
}
