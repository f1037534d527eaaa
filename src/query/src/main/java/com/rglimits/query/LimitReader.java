package com.rglimits.query;

import com.rglimits.table.LimitItems;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/** Reads limits from the table: a Query on the partition key, or a GetItem on the full key. */
final class LimitReader {
    private final DynamoDbClient client;
    private final String tableName;
    private final boolean consistentRead;

    LimitReader(DynamoDbClient client, String tableName, boolean consistentRead) {
        this.client = client;
        this.tableName = tableName;
        this.consistentRead = consistentRead;
    }

    /**
     * The user's limits in sort-key order. The filters run in DynamoDB as a filter expression, so
     * non-matching items are not sent back. A user's limits fit in one 1 MB page in practice; the
     * loop follows further pages all the same, so nothing is cut off silently.
     */
    List<Map<String, AttributeValue>> limitsOf(String userId, LimitFilter filter) {
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        names.put("#u", LimitItems.USER_ID);
        values.put(":u", AttributeValue.builder().s(userId).build());
        List<String> conditions = new ArrayList<>();
        // type, period and status are DynamoDB reserved words: always go through names.
        addCondition(conditions, names, values, "#t", ":t", LimitItems.TYPE, filter.type);
        addCondition(conditions, names, values, "#p", ":p", LimitItems.PERIOD, filter.period);
        addCondition(conditions, names, values, "#s", ":s", LimitItems.STATUS, filter.status);

        QueryRequest.Builder request = QueryRequest.builder()
                .tableName(tableName)
                .keyConditionExpression("#u = :u")
                .expressionAttributeNames(names)
                .expressionAttributeValues(values)
                .consistentRead(consistentRead);
        if (!conditions.isEmpty()) {
            request.filterExpression(String.join(" AND ", conditions));
        }
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        Map<String, AttributeValue> startKey = null;
        do {
            QueryResponse page = client.query(request.exclusiveStartKey(startKey).build());
            items.addAll(page.items());
            startKey = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (startKey != null);
        return items;
    }

    Optional<Map<String, AttributeValue>> limit(String userId, String userLimitId) {
        GetItemResponse response = client.getItem(b -> b.tableName(tableName)
                .key(Map.of(
                        LimitItems.USER_ID, AttributeValue.builder().s(userId).build(),
                        LimitItems.USER_LIMIT_ID, AttributeValue.builder().s(userLimitId).build()))
                .consistentRead(consistentRead));
        return response.hasItem() && !response.item().isEmpty() ? Optional.of(response.item()) : Optional.empty();
    }

    private static void addCondition(List<String> conditions, Map<String, String> names,
            Map<String, AttributeValue> values, String name, String placeholder, String attribute, Enum<?> value) {
        if (value != null) {
            names.put(name, attribute);
            values.put(placeholder, AttributeValue.builder().s(value.name()).build());
            conditions.add(name + " = " + placeholder);
        }
    }
}
