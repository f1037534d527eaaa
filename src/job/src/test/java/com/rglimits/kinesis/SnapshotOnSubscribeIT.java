package com.rglimits.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import com.rglimits.config.JobConfig;
import com.rglimits.config.JobOptions;
import com.rglimits.config.Settings;
import com.rglimits.job.UserLimitsPipeline;
import com.rglimits.limit.UserLimit;
import com.rglimits.localaws.ElasticMq;
import com.rglimits.localaws.StreamAdmin;
import com.rglimits.subscribe.FeedMessage;
import com.rglimits.subscribe.LimitMessages;
import com.rglimits.subscribe.SubscriberConnectors;
import com.rglimits.subscribe.Thresholds;
import com.rglimits.table.SubscriptionItems;
import com.rglimits.table.UndeliveredItems;
import com.rglimits.testing.KinesisBed;
import com.rglimits.testing.KinesisInOrderModel;
import com.rglimits.testing.KinesisTestEvents;
import com.rglimits.testing.RecordingLimitsSink;
import com.rglimits.testing.Subscribers;
import com.rglimits.testing.TestBeds;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.flink.api.common.JobID;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Snapshot on subscribe on a running job (kinesalite, 2 shards, parallelism 2, dynalite, ElasticMQ):
 * a subscriber that subscribes with {@code start: snapshot} after a first phase of events receives,
 * per user, a {@code LIMIT_SNAPSHOT} of each of its limits as the job had them, then exactly the
 * later changes, in order, each once; the job marks the subscription active in the table.
 */
class SnapshotOnSubscribeIT {
    private static final Thresholds THRESHOLDS = Thresholds.parse("2,5,10");

    @RegisterExtension
    static final MiniClusterExtension FLINK = KinesisJobTests.miniClusterWithoutRestarts(2);

    private static KinesisBed emulators;
    private static KinesisClient kinesis;
    private static DynamoDbClient dynamo;
    private static SqsClient sqs;
    private static String sqsEndpoint;

    @BeforeAll
    static void startEmulators() throws Exception {
        emulators = TestBeds.kinesis();
        kinesis = emulators.kinesisClient();
        dynamo = emulators.dynamoDbClient();
        sqs = TestBeds.elasticMq().client();
        sqsEndpoint = TestBeds.elasticMq().endpoint().toString();
    }

    @AfterAll
    static void closeClients() {
        for (AutoCloseable c : new AutoCloseable[] {kinesis, dynamo, sqs}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // closing a test client
            }
        }
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void aSnapshotSubscriberGetsEachUsersStateThenExactlyTheLaterChanges(@InjectClusterClient ClusterClient<?> cluster)
            throws Exception {
        String input = TestBeds.uniqueName("snapshot-input");
        String dlq = TestBeds.uniqueName("snapshot-dlq");
        String subscriptions = TestBeds.uniqueName("subscriptions");
        String undelivered = TestBeds.uniqueName("undelivered");
        StreamAdmin.createStream(kinesis, input, 2, Duration.ofSeconds(30));
        StreamAdmin.createStream(kinesis, dlq, 1, Duration.ofSeconds(30));
        SubscriptionItems.create(dynamo, subscriptions);
        UndeliveredItems.create(dynamo, undelivered);
        String queue = ElasticMq.createFifoQueue(sqs, TestBeds.uniqueName("crm") + ".fifo");
        Subscribers.subscriber(dynamo, subscriptions, "crm", queue);

        KinesisTestEvents events = new KinesisTestEvents(27, 20);
        List<byte[]> phase1 = new ArrayList<>(events.next(400));
        // Pushes every shard's watermark past the phase, so that all of it is applied before the subscription.
        phase1.addAll(KinesisJobTests.endOfStream(kinesis, input, events.time() + 30_000));
        events.skip(31_000);
        List<byte[]> phase2 = new ArrayList<>(events.next(300));
        phase2.addAll(KinesisJobTests.endOfStream(kinesis, input, events.time() + 30_000));
        KinesisInOrderModel model = new KinesisInOrderModel().applyPhase(phase1);
        int phase1Applied = model.appliedCount();
        model.applyPhase(phase2);

        JobConfig config = config(input, dlq, subscriptions, undelivered);
        RecordingLimitsSink recorder = new RecordingLimitsSink("snapshot-" + input);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        UserLimitsPipeline.configure(env, config);
        UserLimitsPipeline.build(env, KinesisSourceFactory.create(config), recorder, DeadLetterSinkFactory.create(config),
                SubscriberConnectors.fromConfig(config, false), config);
        JobID job = cluster.submitJob(env.getStreamGraph().getJobGraph()).get();
        try {
            RecordPublisher.publish(kinesis, input, phase1, 0);
            await(() -> recorder.versions().size() >= phase1Applied, "phase 1 applied");

            long subscribedAt = System.currentTimeMillis();
            dynamo.putItem(b -> b.tableName(subscriptions).item(Map.of(
                    SubscriptionItems.SUBSCRIBER, s("crm"),
                    SubscriptionItems.ENTRY, s(SubscriptionItems.ALL_USERS_ENTRY),
                    SubscriptionItems.USER_ID, s(SubscriptionItems.ALL_USERS),
                    SubscriptionItems.START, s(SubscriptionItems.START_SNAPSHOT),
                    SubscriptionItems.SUBSCRIBED_AT, AttributeValue.fromN(Long.toString(subscribedAt)))));
            await(() -> activeAt(subscriptions) != null, "the subscription marked active");
            long activeAt = activeAt(subscriptions);
            assertThat(activeAt).isBetween(subscribedAt, System.currentTimeMillis());

            RecordPublisher.publish(kinesis, input, phase2, 0);
            await(() -> recorder.versions().size() >= model.appliedCount(), "phase 2 applied");
            Map<String, List<String>> received = new TreeMap<>();
            String id = "crm|*|" + subscribedAt;
            Map<String, List<String>> expected = new TreeMap<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            do {
                Subscribers.receivedByUser(sqs, queue).forEach((user, bodies) ->
                        received.computeIfAbsent(user, u -> new ArrayList<>()).addAll(bodies));
                expected = expected(model.appliedVersions(), received, id);
            } while (!received.equals(expected) && System.nanoTime() < deadline);
            Thread.sleep(1_000);
            Subscribers.receivedByUser(sqs, queue).forEach((user, bodies) ->
                    received.computeIfAbsent(user, u -> new ArrayList<>()).addAll(bodies));

            assertThat(received).as("per user: the snapshot, then exactly the later changes, in order, once").isEqualTo(expected);
            long snapshotUsers = received.values().stream().filter(b -> b.get(0).contains("\"kind\":\"LIMIT_SNAPSHOT\"")).count();
            // Where each snapshot was taken depends on when the feed got the subscription; that it was taken does not.
            assertThat(snapshotUsers).as("users whose limits came as a snapshot").isPositive();
            assertThat(dynamo.scan(b -> b.tableName(undelivered)).items()).isEmpty();
            assertThat(model.versionDifferences(recorder.versionKeys())).isEmpty();
        } finally {
            cluster.cancel(job).get(30, TimeUnit.SECONDS);
            recorder.clear();
        }
    }

    /**
     * The in-order model of the queue, given where each user's snapshot was taken (the highest
     * sequence number among its snapshot messages): the snapshot of every limit as of that point,
     * by limit id, then the messages of every later version.
     */
    private static Map<String, List<String>> expected(List<UserLimit> versions, Map<String, List<String>> received, String id) {
        Map<String, List<UserLimit>> byUser = new TreeMap<>();
        for (UserLimit v : versions) {
            byUser.computeIfAbsent(v.userId, u -> new ArrayList<>()).add(v);
        }
        Map<String, List<String>> out = new TreeMap<>();
        byUser.forEach((user, userVersions) -> {
            long takenAt = -1;
            for (String body : received.getOrDefault(user, List.of())) {
                if (body.contains("\"kind\":\"LIMIT_SNAPSHOT\"")) {
                    takenAt = Math.max(takenAt, Long.parseLong(body.replaceAll(".*\"lastSequenceNumber\":(\\d+).*", "$1")));
                }
            }
            Map<String, UserLimit> state = new TreeMap<>();
            Map<String, BigDecimal> progress = new HashMap<>();
            List<String> messages = new ArrayList<>();
            for (UserLimit v : userVersions) {
                if (v.lastSequenceNumber <= takenAt) {
                    state.put(v.userLimitId, v);
                } else {
                    if (messages.isEmpty() && takenAt >= 0) {
                        state.values().forEach(l -> messages.add(LimitMessages.snapshot(l, id).body()));
                    }
                    for (FeedMessage m : LimitMessages.of(v, progress.get(v.userLimitId), THRESHOLDS)) {
                        messages.add(m.body());
                    }
                }
                progress.put(v.userLimitId, v.progress);
            }
            if (messages.isEmpty() && takenAt >= 0) {
                state.values().forEach(l -> messages.add(LimitMessages.snapshot(l, id).body()));
            }
            if (!messages.isEmpty()) {
                out.put(user, messages);
            }
        });
        return out;
    }

    private static Long activeAt(String table) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table).consistentRead(true)
                .key(Map.of(SubscriptionItems.SUBSCRIBER, s("crm"), SubscriptionItems.ENTRY, s(SubscriptionItems.ALL_USERS_ENTRY))))
                .item();
        AttributeValue a = item.get(SubscriptionItems.ACTIVE_AT);
        return a == null ? null : Long.parseLong(a.n());
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    private static JobConfig config(String input, String dlq, String subscriptions, String undelivered) {
        Map<String, String> values = new HashMap<>();
        emulators.awsProperties().forEach((k, v) -> values.put((String) k, (String) v));
        values.put(JobOptions.SOURCE_STREAM.key(), input);
        values.put(JobOptions.DLQ_STREAM.key(), dlq);
        values.put(JobOptions.PARALLELISM.key(), "2");
        values.put(JobOptions.CHECKPOINT_INTERVAL.key(), "500");
        values.put(JobOptions.IDLENESS.key(), "60000");
        values.put(JobOptions.MAX_HOLD.key(), "60000");
        values.put(JobOptions.SUBSCRIBERS_TABLE.key(), subscriptions);
        values.put(JobOptions.SUBSCRIBERS_UNDELIVERED_TABLE.key(), undelivered);
        values.put(JobOptions.SUBSCRIBERS_POLL.key(), "200");
        values.put(JobOptions.SUBSCRIBERS_THRESHOLDS.key(), "2,5,10");
        values.put(JobOptions.SUBSCRIBERS_SQS_ENDPOINT.key(), sqsEndpoint);
        return JobConfig.from(new Settings(values, k -> k));
    }
}
