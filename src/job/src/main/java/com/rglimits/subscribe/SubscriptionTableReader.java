package com.rglimits.subscribe;

import com.rglimits.aws.AwsClients;
import com.rglimits.aws.AwsSettings;
import com.rglimits.table.SubscriptionItems;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/** Reads the whole subscriptions table into a {@link SubscriptionSnapshot}, with the job's {@code aws.*} settings. */
final class SubscriptionTableReader implements AutoCloseable {
    private final DynamoDbAsyncClient client;
    private final String table;

    SubscriptionTableReader(AwsSettings aws, String table) {
        this.table = table;
        client = AwsClients.async(aws, DynamoDbAsyncClient.builder());
    }

    /** A consistent scan of every item; a subscription whose subscriber item is gone is left out. */
    SubscriptionSnapshot read() {
        return read(new HashSet<>());
    }

    /** {@link #read()}, also giving the ids of the subscriptions that are not yet marked active. */
    SubscriptionSnapshot read(Set<String> pending) {
        long readAt = System.currentTimeMillis();
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            ScanResponse page = client.scan(b -> b.tableName(table).consistentRead(true).exclusiveStartKey(from)).join();
            items.addAll(page.items());
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return toSnapshot(items, readAt, pending);
    }

    /**
     * @param pending receives the {@link Subscription#id}s of the subscriptions not yet marked active
     */
    static SubscriptionSnapshot toSnapshot(List<Map<String, AttributeValue>> items, long readAt, Set<String> pending) {
        Map<String, String> queues = new HashMap<>();
        for (Map<String, AttributeValue> item : items) {
            if (SubscriptionItems.SUBSCRIBER_ENTRY.equals(item.get(SubscriptionItems.ENTRY).s())) {
                queues.put(item.get(SubscriptionItems.SUBSCRIBER).s(), item.get(SubscriptionItems.QUEUE_URL).s());
            }
        }
        List<Subscription> subscriptions = new ArrayList<>();
        for (Map<String, AttributeValue> item : items) {
            String subscriber = item.get(SubscriptionItems.SUBSCRIBER).s();
            if (SubscriptionItems.SUBSCRIBER_ENTRY.equals(item.get(SubscriptionItems.ENTRY).s()) || !queues.containsKey(subscriber)) {
                continue;
            }
            AttributeValue start = item.get(SubscriptionItems.START);
            AttributeValue subscribedAt = item.get(SubscriptionItems.SUBSCRIBED_AT);
            subscriptions.add(Subscription.of(subscriber, queues.get(subscriber), item.get(SubscriptionItems.USER_ID).s(),
                            names(item.get(SubscriptionItems.LIMIT_TYPES)), names(item.get(SubscriptionItems.KINDS)))
                    .startingWith(start == null ? null : start.s(),
                            subscribedAt == null ? 0 : Long.parseLong(subscribedAt.n())));
            if (!item.containsKey(SubscriptionItems.ACTIVE_AT)) {
                pending.add(subscriptions.get(subscriptions.size() - 1).id());
            }
        }
        return SubscriptionSnapshot.of(subscriptions.toArray(new Subscription[0]), readAt);
    }

    /**
     * Marks the subscription active since {@code activeAt}, unless it is already, or was deleted or
     * written again meanwhile (then it is another subscription, with its own mark to come).
     */
    void markActive(Subscription s, long activeAt) {
        Map<String, AttributeValue> key = Map.of(
                SubscriptionItems.SUBSCRIBER, AttributeValue.fromS(s.subscriber),
                SubscriptionItems.ENTRY, AttributeValue.fromS(SubscriptionItems.entry(s.userId)));
        Map<String, String> names = new HashMap<>(Map.of("#u", SubscriptionItems.USER_ID,
                "#s", SubscriptionItems.SUBSCRIBED_AT, "#a", SubscriptionItems.ACTIVE_AT));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":a", AttributeValue.fromN(Long.toString(activeAt))));
        String sameWrite;
        if (s.subscribedAt == 0) {
            sameWrite = "attribute_not_exists(#s)";
        } else {
            sameWrite = "#s = :s";
            values.put(":s", AttributeValue.fromN(Long.toString(s.subscribedAt)));
        }
        try {
            client.updateItem(b -> b.tableName(table).key(key).updateExpression("SET #a = :a")
                    .conditionExpression("attribute_exists(#u) AND " + sameWrite + " AND attribute_not_exists(#a)")
                    .expressionAttributeNames(names).expressionAttributeValues(values)).join();
        } catch (CompletionException e) {
            if (!(e.getCause() instanceof ConditionalCheckFailedException)) {
                throw e;
            }
        }
    }

    private static String[] names(AttributeValue value) {
        return value == null || value.s() == null || value.s().isEmpty() ? new String[0] : value.s().split(",");
    }

    @Override
    public void close() {
        client.close();
    }
}
