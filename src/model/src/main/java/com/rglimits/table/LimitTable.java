package com.rglimits.table;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/** Creating, reading and exporting the limits table (key: userId, userLimitId). */
public final class LimitTable {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private LimitTable() {}

    /** Creates the table (on-demand capacity) unless it exists, and waits until it is active. */
    public static void create(DynamoDbClient client, String tableName) {
        try {
            client.createTable(b -> b.tableName(tableName)
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(
                            AttributeDefinition.builder().attributeName(LimitItems.USER_ID)
                                    .attributeType(ScalarAttributeType.S).build(),
                            AttributeDefinition.builder().attributeName(LimitItems.USER_LIMIT_ID)
                                    .attributeType(ScalarAttributeType.S).build())
                    .keySchema(
                            KeySchemaElement.builder().attributeName(LimitItems.USER_ID).keyType(KeyType.HASH).build(),
                            KeySchemaElement.builder().attributeName(LimitItems.USER_LIMIT_ID).keyType(KeyType.RANGE).build()));
        } catch (ResourceInUseException alreadyThere) {
            // Creating is idempotent for the local runs and tests that call it.
        }
        client.waiter().waitUntilTableExists(b -> b.tableName(tableName));
    }

    /** Every item of the table, sorted by userId then userLimitId. */
    public static List<Map<String, AttributeValue>> scanAll(DynamoDbClient client, String tableName) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        client.scanPaginator(b -> b.tableName(tableName).consistentRead(true)).items().forEach(items::add);
        items.sort(Comparator.<Map<String, AttributeValue>, String>comparing(i -> i.get(LimitItems.USER_ID).s())
                .thenComparing(i -> i.get(LimitItems.USER_LIMIT_ID).s()));
        return items;
    }

    /** One item as a JSON object: S attributes as strings, N attributes as numbers. */
    public static String toJson(Map<String, AttributeValue> item) {
        ObjectNode o = MAPPER.createObjectNode();
        item.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            AttributeValue v = e.getValue();
            if (v.s() != null) {
                o.put(e.getKey(), v.s());
            } else if (v.n() != null) {
                o.put(e.getKey(), Long.parseLong(v.n()));
            } else {
                throw new IllegalArgumentException("unexpected attribute type for " + e.getKey() + ": " + v);
            }
        });
        return o.toString();
    }
}
