package com.rglimits.tools;

import com.rglimits.aws.AwsClients;
import com.rglimits.aws.AwsSettings;
import com.rglimits.config.ConfigReaders;
import com.rglimits.config.Settings;
import com.rglimits.config.TableNames;
import com.rglimits.table.UndeliveredItems;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Sends a subscriber's undeliverable messages (the job's undelivered table) to its queue again, once
 * the cause is fixed, and removes each from the table when SQS took it: per user in version order,
 * with the original message group and de-duplication id (so within SQS's 5-minute window a message
 * that did arrive is not delivered twice). {@code --subscriber NAME} (required),
 * {@code --subscribers.undelivered-table T} as for the job (default {@value UndeliveredItems#DEFAULT_TABLE};
 * {@code --table T} until the next release), {@code --queue-url URL} (default: the queue
 * it failed on), {@code --sqs.endpoint URL}, {@code --dry-run true}; {@code aws.*} as for the job.
 *
 * <pre>
 * mvn -q compile exec:java@replay-undelivered -Dexec.args="--subscriber payments"
 * </pre>
 */
public final class ReplayUndelivered {
    /** This tool's former name of the job's {@link TableNames#UNDELIVERED_TABLE}. */
    static final String DEPRECATED_TABLE = "table";

    private ReplayUndelivered() {}

    public static void main(String[] args) {
        Tools.main(a -> System.out.println(run(a)), args);
    }

    public static String run(String[] args) {
        Settings s = ConfigReaders.fromArgs(args);
        String subscriber = s.required("subscriber");
        String table = s.string(TableNames.UNDELIVERED_TABLE, DEPRECATED_TABLE, TableNames.DEFAULT_UNDELIVERED_TABLE,
                warning -> System.err.println("warning: " + warning));
        String queueUrl = s.string("queue-url", null);
        String sqsEndpoint = s.string("sqs.endpoint", null);
        boolean dryRun = Boolean.parseBoolean(s.string("dry-run", "false"));
        AwsSettings aws = AwsSettings.of(s.withPrefix(AwsSettings.PREFIX));
        s.rejectUnknown();
        AwsSettings sqsAws = sqsEndpoint != null ? aws.with(AwsSettings.ENDPOINT, sqsEndpoint) : aws;
        try (DynamoDbClient dynamo = AwsClients.sync(aws, DynamoDbClient.builder());
                SqsClient sqs = AwsClients.sync(sqsAws, SqsClient.builder())) {
            List<Map<String, AttributeValue>> items = new ArrayList<>();
            dynamo.queryPaginator(b -> b.tableName(table).consistentRead(true).keyConditionExpression("#s = :s")
                            .expressionAttributeNames(Map.of("#s", UndeliveredItems.SUBSCRIBER))
                            .expressionAttributeValues(Map.of(":s", AttributeValue.builder().s(subscriber).build())))
                    .items().forEach(items::add);
            items.sort(Comparator.<Map<String, AttributeValue>, String>comparing(i -> i.get(UndeliveredItems.GROUP_ID).s())
                    .thenComparingLong(i -> Long.parseLong(i.get(UndeliveredItems.SEQUENCE_NUMBER).n()))
                    .thenComparing(i -> i.get(UndeliveredItems.MESSAGE_ID).s()));
            if (dryRun) {
                return items.size() + " undeliverable message(s) of subscriber " + subscriber + " (dry run: nothing sent)";
            }
            for (Map<String, AttributeValue> item : items) {
                String target = queueUrl != null ? queueUrl : item.get(UndeliveredItems.QUEUE_URL).s();
                sqs.sendMessage(b -> b.queueUrl(target).messageBody(item.get(UndeliveredItems.BODY).s())
                        .messageGroupId(item.get(UndeliveredItems.GROUP_ID).s())
                        .messageDeduplicationId(item.get(UndeliveredItems.MESSAGE_ID).s()));
                dynamo.deleteItem(b -> b.tableName(table).key(Map.of(
                        UndeliveredItems.SUBSCRIBER, item.get(UndeliveredItems.SUBSCRIBER),
                        UndeliveredItems.MESSAGE_ID, item.get(UndeliveredItems.MESSAGE_ID))));
            }
            return "sent " + items.size() + " message(s) of subscriber " + subscriber + " and removed them from " + table;
        }
    }
}
