package com.rglimits.localstack;

import com.rglimits.aws.AwsClients;
import com.rglimits.aws.AwsSettings;
import com.rglimits.config.ConfigReaders;
import com.rglimits.config.JobOptions;
import com.rglimits.config.Settings;
import com.rglimits.config.TableNames;
import com.rglimits.kinesis.StreamReader;
import com.rglimits.localaws.Kinesalite;
import com.rglimits.localaws.LocalEmulators;
import com.rglimits.table.LimitTable;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * Watches a running local stack: prints each dead letter as it arrives on the dead-letter stream,
 * and every few seconds each limit item of the table that changed since the last scan.
 *
 * <pre>
 * mvn -q compile exec:java@watch
 * </pre>
 * Settings: {@code dlq.stream}, {@code table.name}, {@code aws.*} (defaults: the local stack's),
 * {@code interval.ms} (default 2000), {@code config} a properties file.
 */
public final class Watch {
    private Watch() {}

    public static void main(String[] args) throws Exception {
        Kinesalite.disableCbor();
        Settings s = ConfigReaders.fromArgs(args);
        String dlq = s.string(JobOptions.DLQ_STREAM.key(), LocalStack.DLQ_STREAM);
        String table = s.string(TableNames.TABLE_NAME, TableNames.DEFAULT_TABLE);
        long interval = s.longValue("interval.ms", 2_000, 100);
        Properties given = LocalEmulators.awsProperties(URI.create("http://127.0.0.1:" + LocalStack.DEFAULT_PORT));
        given.putAll(s.withPrefix(AwsSettings.PREFIX));
        s.rejectUnknown();
        AwsSettings aws = AwsSettings.of(given);
        try (KinesisClient kinesis = AwsClients.sync(aws, KinesisClient.builder());
                DynamoDbClient dynamoDb = AwsClients.sync(aws, DynamoDbClient.builder())) {
            StreamReader deadLetters = new StreamReader(kinesis, dlq);
            Map<String, String> seen = new HashMap<>();
            System.out.println("watching dead-letter stream " + dlq + " and table " + table + " (Ctrl-C to stop)");
            while (true) {
                for (StreamReader.Read r : deadLetters.poll()) {
                    System.out.println("DEAD LETTER " + new String(r.record.data().asByteArray(), StandardCharsets.UTF_8));
                }
                List<Map<String, AttributeValue>> items = LimitTable.scanAll(dynamoDb, table);
                int changed = 0;
                for (Map<String, AttributeValue> item : items) {
                    String json = LimitTable.toJson(item);
                    String key = item.get("userId").s() + "/" + item.get("userLimitId").s();
                    if (!json.equals(seen.put(key, json))) {
                        System.out.println("LIMIT " + json);
                        changed++;
                    }
                }
                if (changed > 0) {
                    System.out.println("table " + table + ": " + items.size() + " items, " + changed + " changed");
                }
                Thread.sleep(interval);
            }
        }
    }
}
