package com.rglimits.tools;

import com.rglimits.config.ConfigReaders;
import com.rglimits.config.Settings;
import com.rglimits.config.TableNames;
import com.rglimits.table.UndeliveredItems;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
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
        Map<String, String> aws = s.withPrefix("aws.");
        s.rejectUnknown();
        try (DynamoDbClient dynamo = configure(DynamoDbClient.builder(), aws, aws.get("aws.endpoint"))
                        .httpClientBuilder(ApacheHttpClient.builder()).build();
                SqsClient sqs = configure(SqsClient.builder(), aws, sqsEndpoint != null ? sqsEndpoint : aws.get("aws.endpoint"))
                        .httpClientBuilder(ApacheHttpClient.builder()).build()) {
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

    /** Region, endpoint and credentials from the job's {@code aws.*} keys (BASIC or the SDK's default chain). */
    private static <B extends AwsClientBuilder<B, ?>> B configure(B builder, Map<String, String> aws, String endpoint) {
        if (aws.containsKey("aws.region")) {
            builder.region(Region.of(aws.get("aws.region")));
        }
        if (endpoint != null) {
            builder.endpointOverride(URI.create(endpoint));
        }
        AwsCredentialsProvider credentials = "BASIC".equals(aws.get("aws.credentials.provider"))
                ? StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        aws.get("aws.credentials.provider.basic.accesskeyid"), aws.get("aws.credentials.provider.basic.secretkey")))
                : DefaultCredentialsProvider.create();
        return builder.credentialsProvider(credentials);
    }
}
