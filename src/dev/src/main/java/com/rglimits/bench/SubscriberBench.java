package com.rglimits.bench;

import com.rglimits.config.JobConfig;
import com.rglimits.config.JobOptions;
import com.rglimits.config.Settings;
import com.rglimits.localaws.Dynalite;
import com.rglimits.localaws.ElasticMq;
import com.rglimits.table.SubscriptionItems;
import com.rglimits.table.UndeliveredItems;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The benchmark's subscriber scenario: the full job (RocksDB, discarding limits sink) with the
 * subscriber feed on and {@value #SUBSCRIBERS} subscribers on all users, each with its FIFO queue in
 * ElasticMQ (in this JVM, behind a counting front); subscriptions in dynalite. Reports events/s and
 * SQS requests per event beside the same job without subscribers.
 */
final class SubscriberBench {
    static final int SUBSCRIBERS = 10;
    static final String NAME = "Full job, RocksDB, " + SUBSCRIBERS + " subscribers on all users (SQS FIFO in ElasticMQ)";

    private SubscriberBench() {}

    static Benchmark.Result run(BenchEvents events, Benchmark.Options o) throws Exception {
        try (Dynalite dynamo = Dynalite.start(); DynamoDbClient client = dynamo.client();
                ElasticMq elasticMq = ElasticMq.start(); SqsClient sqs = elasticMq.client();
                SqsRequestCounter counter = new SqsRequestCounter(elasticMq.endpoint())) {
            SubscriptionItems.create(client, "bench-subscriptions");
            UndeliveredItems.create(client, "bench-undelivered");
            for (int i = 0; i < SUBSCRIBERS; i++) {
                String name = "bench-" + i;
                String queue = ElasticMq.createFifoQueue(sqs, name + ".fifo");
                client.putItem(b -> b.tableName("bench-subscriptions").item(Map.of(
                        SubscriptionItems.SUBSCRIBER, s(name), SubscriptionItems.ENTRY, s(SubscriptionItems.SUBSCRIBER_ENTRY),
                        SubscriptionItems.QUEUE_URL, s(queue))));
                client.putItem(b -> b.tableName("bench-subscriptions").item(Map.of(
                        SubscriptionItems.SUBSCRIBER, s(name), SubscriptionItems.ENTRY, s(SubscriptionItems.ALL_USERS_ENTRY),
                        SubscriptionItems.USER_ID, s(SubscriptionItems.ALL_USERS))));
            }
            Map<String, String> settings = new LinkedHashMap<>();
            dynamo.awsProperties().forEach((k, v) -> settings.put((String) k, (String) v));
            settings.put(JobOptions.SOURCE_FILE.key(), "in-memory");
            settings.put(JobOptions.TABLE_NAME.key(), "unused");
            settings.put(JobOptions.CHECKPOINT_INTERVAL.key(), Long.toString(o.checkpointMs));
            settings.put(JobOptions.PARALLELISM.key(), Integer.toString(o.parallelism));
            settings.put(JobOptions.SUBSCRIBERS_TABLE.key(), "bench-subscriptions");
            settings.put(JobOptions.SUBSCRIBERS_UNDELIVERED_TABLE.key(), "bench-undelivered");
            settings.put(JobOptions.SUBSCRIBERS_SQS_ENDPOINT.key(), counter.endpoint().toString());
            JobConfig config = JobConfig.from(new Settings(settings, k -> k));

            Benchmark.Result r = Benchmark.runJob(NAME, events, events.events, true, BenchSinks::discarding, config, o, "subscribers");
            long requests = counter.requests.get();
            long undelivered = client.scan(b -> b.tableName("bench-undelivered").select("COUNT")).count();
            r.accounting += String.format(Locale.ROOT, "; SQS requests=%d (%.3f per event), undelivered=%d",
                    requests, (double) requests / r.events, undelivered);
            System.err.println("  " + r.accounting);
            return r;
        }
    }

    private static AttributeValue s(String value) {
        return AttributeValue.builder().s(value).build();
    }
}
