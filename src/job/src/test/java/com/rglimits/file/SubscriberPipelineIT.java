package com.rglimits.file;

import static org.assertj.core.api.Assertions.assertThat;

import com.rglimits.config.JobConfig;
import com.rglimits.config.JobOptions;
import com.rglimits.config.Settings;
import com.rglimits.localaws.Dynalite;
import com.rglimits.localaws.ElasticMq;
import com.rglimits.subscribe.MessageKind;
import com.rglimits.subscribe.Thresholds;
import com.rglimits.table.LimitTable;
import com.rglimits.table.SubscriptionItems;
import com.rglimits.table.UndeliveredItems;
import com.rglimits.testing.GeneratedEvents;
import com.rglimits.testing.Subscribers;
import com.rglimits.testing.TestBeds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The whole job with subscribers (MiniCluster, parallelism 2, dynalite, ElasticMQ): a shuffled
 * stream with redeliveries and late events; each subscriber's queue holds, per user, exactly the
 * messages of the in-order model that its subscriptions select, in order, each once.
 */
class SubscriberPipelineIT {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static Dynalite dynalite;
    private static DynamoDbClient dynamo;
    private static ElasticMq elasticMq;
    private static SqsClient sqs;

    @BeforeAll
    static void start() throws Exception {
        dynalite = TestBeds.dynalite();
        dynamo = dynalite.client();
        elasticMq = TestBeds.elasticMq();
        sqs = elasticMq.client();
    }

    @AfterAll
    static void closeClients() {
        if (dynamo != null) {
            dynamo.close();
        }
        if (sqs != null) {
            sqs.close();
        }
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void eachSubscriberGetsExactlyItsMessagesPerUserInOrder(@TempDir Path dir) throws Exception {
        GeneratedEvents generated = GeneratedEvents.generate(11, 5, 150, 4_000);
        Path input = dir.resolve("events.ndjson");
        Files.write(input, generated.ndjson());
        String limits = TestBeds.uniqueName("limits");
        String subscriptions = TestBeds.uniqueName("subscriptions");
        String undelivered = TestBeds.uniqueName("undelivered");
        LimitTable.create(dynamo, limits);
        SubscriptionItems.create(dynamo, subscriptions);
        UndeliveredItems.create(dynamo, undelivered);
        String everything = ElasticMq.createFifoQueue(sqs, TestBeds.uniqueName("everything") + ".fifo");
        String alerts = ElasticMq.createFifoQueue(sqs, TestBeds.uniqueName("alerts") + ".fifo");
        String oneUser = ElasticMq.createFifoQueue(sqs, TestBeds.uniqueName("one-user") + ".fifo");
        Subscribers.subscriber(dynamo, subscriptions, "everything", everything);
        Subscribers.subscription(dynamo, subscriptions, "everything", SubscriptionItems.ALL_USERS, null, null);
        Subscribers.subscriber(dynamo, subscriptions, "alerts", alerts);
        Subscribers.subscription(dynamo, subscriptions, "alerts", SubscriptionItems.ALL_USERS, null, "LIMIT_THRESHOLD_REACHED");
        Subscribers.subscriber(dynamo, subscriptions, "one-user", oneUser);
        Subscribers.subscription(dynamo, subscriptions, "one-user", "user-2", null, null);
        // A subscription of a subscriber that is gone (deleted meanwhile) selects nothing.
        Subscribers.subscription(dynamo, subscriptions, "gone", SubscriptionItems.ALL_USERS, null, null);

        Map<String, String> settings = new HashMap<>();
        dynalite.awsProperties().forEach((k, v) -> settings.put((String) k, (String) v));
        settings.put(JobOptions.SOURCE_FILE.key(), input.toString());
        settings.put(JobOptions.TABLE_NAME.key(), limits);
        settings.put(JobOptions.PARALLELISM.key(), "2");
        settings.put(JobOptions.CHECKPOINT_INTERVAL.key(), "500");
        settings.put(JobOptions.MAX_HOLD.key(), "600000");
        settings.put(JobOptions.SUBSCRIBERS_TABLE.key(), subscriptions);
        settings.put(JobOptions.SUBSCRIBERS_UNDELIVERED_TABLE.key(), undelivered);
        settings.put(JobOptions.SUBSCRIBERS_SQS_ENDPOINT.key(), elasticMq.endpoint().toString());
        settings.put(JobOptions.SUBSCRIBERS_THRESHOLDS.key(), "2,5,10");
        JobConfig config = JobConfig.from(new Settings(settings, key -> key));

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        FileJob.build(env, config, input, dir.resolve("dlq"));
        env.execute("subscriber pipeline test");

        // The in-order model: per user, every applied version's messages, in order (low thresholds: the
        // generated progress stays far below the limits' values).
        Thresholds thresholds = Thresholds.parse("2,5,10");
        Map<String, List<String>> all = Subscribers.expected(generated.expectedVersions, thresholds, null);
        Map<String, List<String>> thresholdOnly =
                Subscribers.expected(generated.expectedVersions, thresholds, MessageKind.LIMIT_THRESHOLD_REACHED);
        long alertsExpected = thresholdOnly.values().stream().mapToLong(List::size).sum();
        assertThat(alertsExpected).as("the stream crosses thresholds").isGreaterThan(10);

        assertThat(Subscribers.receivedByUser(sqs, everything)).isEqualTo(all);
        assertThat(Subscribers.receivedByUser(sqs, alerts)).isEqualTo(thresholdOnly);
        assertThat(Subscribers.receivedByUser(sqs, oneUser)).isEqualTo(Map.of("user-2", all.get("user-2")));
        assertThat(dynamo.scan(b -> b.tableName(undelivered)).items()).isEmpty();
    }
}
