package com.rglimits.subscribe;

import com.rglimits.aws.AwsClients;
import com.rglimits.aws.AwsSettings;
import com.rglimits.table.SubscriptionItems;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
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
        long readAt = System.currentTimeMillis();
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            ScanResponse page = client.scan(b -> b.tableName(table).consistentRead(true).exclusiveStartKey(from)).join();
            items.addAll(page.items());
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return toSnapshot(items, readAt);
    }

    static SubscriptionSnapshot toSnapshot(List<Map<String, AttributeValue>> items, long readAt) {
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
            subscriptions.add(Subscription.of(subscriber, queues.get(subscriber), item.get(SubscriptionItems.USER_ID).s(),
                    names(item.get(SubscriptionItems.LIMIT_TYPES)), names(item.get(SubscriptionItems.KINDS))));
        }
        return SubscriptionSnapshot.of(subscriptions.toArray(new Subscription[0]), readAt);
    }

    private static String[] names(AttributeValue value) {
        return value == null || value.s() == null || value.s().isEmpty() ? new String[0] : value.s().split(",");
    }

    @Override
    public void close() {
        client.close();
    }
}
