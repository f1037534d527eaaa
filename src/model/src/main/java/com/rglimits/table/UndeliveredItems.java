package com.rglimits.table;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * The table of subscriber messages that could not be delivered (the subscribers' dead letters):
 * key {@code subscriber} + {@code messageId}, so a message undeliverable twice (a replay) is one
 * item. Written by the job's SQS sink, read and emptied by the replay tool.
 */
public final class UndeliveredItems {
    public static final String DEFAULT_TABLE = "user-limits-undelivered";

    public static final String SUBSCRIBER = "subscriber";
    public static final String MESSAGE_ID = "messageId";
    public static final String QUEUE_URL = "queueUrl";
    public static final String GROUP_ID = "groupId";
    public static final String SEQUENCE_NUMBER = "sequenceNumber";
    public static final String BODY = "body";
    public static final String REASON = "reason";
    public static final String ERROR = "error";
    public static final String FAILED_AT = "failedAt";

    private UndeliveredItems() {}

    public static void create(DynamoDbClient client, String tableName) {
        createKeyed(client, tableName, SUBSCRIBER, MESSAGE_ID);
    }

    /** Creates a table keyed by two strings (on demand) unless it exists, and waits until it is active. */
    public static void createKeyed(DynamoDbClient client, String tableName, String hashKey, String rangeKey) {
        try {
            client.createTable(b -> b.tableName(tableName)
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(
                            AttributeDefinition.builder().attributeName(hashKey).attributeType(ScalarAttributeType.S).build(),
                            AttributeDefinition.builder().attributeName(rangeKey).attributeType(ScalarAttributeType.S).build())
                    .keySchema(
                            KeySchemaElement.builder().attributeName(hashKey).keyType(KeyType.HASH).build(),
                            KeySchemaElement.builder().attributeName(rangeKey).keyType(KeyType.RANGE).build()));
        } catch (ResourceInUseException alreadyThere) {
            // Idempotent for the local stack and tests.
        }
        client.waiter().waitUntilTableExists(b -> b.tableName(tableName));
    }
}
