package com.rglimits.subscribe;

import static org.assertj.core.api.Assertions.assertThat;

import com.rglimits.aws.AwsSettings;
import com.rglimits.localaws.Dynalite;
import com.rglimits.table.SubscriptionItems;
import com.rglimits.testing.Subscribers;
import com.rglimits.testing.TestBeds;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The control stream in a running job: the whole table at start, then each change to it (a
 * subscription added, a subscriber deleted) as a new complete snapshot, without a restart.
 */
class SubscriptionsSourceIT {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(1).build());

    /** What the job's sink saw: one line per snapshot ("subscriber->user ..."), in order. */
    static final List<String> SEEN = new CopyOnWriteArrayList<>();

    private static final String CONTROL = TestBeds.uniqueName("control");

    private static Dynalite dynalite;
    private static DynamoDbClient dynamo;

    @BeforeAll
    static void start() throws Exception {
        dynalite = TestBeds.dynalite();
        dynamo = dynalite.client();
        SubscriptionItems.create(dynamo, CONTROL);
    }

    @AfterAll
    static void closeClient() {
        dynamo.close();
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void theRunningJobSeesEveryChangeAsAWholeSnapshot() throws Exception {
        Subscribers.subscriber(dynamo, CONTROL, "a", "http://q/a.fifo");
        Subscribers.subscription(dynamo, CONTROL, "a", "*", null, null);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.getConfig().disableGenericTypes();
        env.fromSource(new SubscriptionsSource(AwsSettings.of(dynalite.awsProperties()), CONTROL, 200, false),
                        WatermarkStrategy.noWatermarks(), "subscriptions", SubscriberFeed.SNAPSHOT_TYPE)
                .map(s -> Arrays.stream(s.subscriptions).map(x -> x.subscriber + "->" + x.userId).collect(Collectors.joining(" ")),
                        Types.STRING)
                .sinkTo(new Collect());
        JobClient job = env.executeAsync("control stream");
        try {
            awaitSeen(List.of("a->*"));
            Subscribers.subscriber(dynamo, CONTROL, "b", "http://q/b.fifo");
            Subscribers.subscription(dynamo, CONTROL, "b", "u-1", "DEPOSIT", null);
            awaitSeen(List.of("a->*", "a->* b->u-1"));
            dynamo.deleteItem(b -> b.tableName(CONTROL).key(Map.of(
                    SubscriptionItems.SUBSCRIBER, av("a"), SubscriptionItems.ENTRY, av(SubscriptionItems.SUBSCRIBER_ENTRY))));
            awaitSeen(List.of("a->*", "a->* b->u-1", "b->u-1"));
            Thread.sleep(1_000);
            assertThat(SEEN).as("no snapshot without a change").hasSize(3);
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    private static AttributeValue av(String s) {
        return AttributeValue.builder().s(s).build();
    }

    private static void awaitSeen(List<String> expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (SEEN.size() < expected.size() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(new ArrayList<>(SEEN)).isEqualTo(expected);
    }

    /** Collects into {@link #SEEN}: the MiniCluster runs in this JVM. */
    private static final class Collect implements Sink<String> {
        @Override
        public SinkWriter<String> createWriter(InitContext context) {
            return new SinkWriter<>() {
                @Override
                public void write(String element, Context ctx) {
                    SEEN.add(element);
                }

                @Override
                public void flush(boolean endOfInput) {}

                @Override
                public void close() {}
            };
        }
    }
}
