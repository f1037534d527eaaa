package com.rglimits.subscribe;

import static org.assertj.core.api.Assertions.assertThat;

import com.rglimits.localaws.Dynalite;
import com.rglimits.localaws.ElasticMq;
import com.rglimits.metrics.ExportedMetrics;
import com.rglimits.table.UndeliveredItems;
import com.rglimits.testing.Subscribers;
import com.rglimits.testing.TestBeds;
import com.rglimits.tools.ReplayUndelivered;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.testutils.InMemoryReporter;
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
import software.amazon.awssdk.services.sqs.SqsClient;

/** The SQS FIFO sink in a real Flink job (parallelism 2, no Kryo) against ElasticMQ and dynalite. */
class SqsFifoSinkIT {
    private static final int PARALLELISM = 2;
    private static final InMemoryReporter REPORTER = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(PARALLELISM)
                    .setConfiguration(cluster())
                    .build());

    private static ElasticMq elasticMq;
    private static SqsClient sqs;
    private static Dynalite dynalite;
    private static DynamoDbClient dynamo;

    private static Configuration cluster() {
        Configuration c = new Configuration();
        c.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        return REPORTER.addToConfiguration(c);
    }

    @BeforeAll
    static void start() throws Exception {
        elasticMq = TestBeds.elasticMq();
        sqs = elasticMq.client();
        dynalite = TestBeds.dynalite();
        dynamo = dynalite.client();
    }

    @AfterAll
    static void closeClients() {
        if (sqs != null) {
            sqs.close();
        }
        if (dynamo != null) {
            dynamo.close();
        }
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void eachQueueGetsEveryMessageOnceInItsUsersOrderThroughFailuresRetriesAndRedelivery() throws Exception {
        List<String> queues = new ArrayList<>();
        for (int q = 0; q < 3; q++) {
            queues.add(ElasticMq.createFifoQueue(sqs, TestBeds.uniqueName("order") + ".fifo"));
        }
        List<Delivery> once = Subscribers.deliveries(queues, 40, 25);
        // Everything twice: the second copy is a redelivery (as after a restore) inside the
        // de-duplication window; it must never reach a consumer.
        List<Delivery> input = new ArrayList<>(once);
        input.addAll(once);
        String undelivered = undeliveredTable();
        try (SqsFaults faults = new SqsFaults(elasticMq.endpoint(), 0.2)) {
            SqsFifoSink sink = sink(faults, undelivered, 60_000);
            JobExecutionResult result = run(input, sink);

            assertThat(faults.injected.get()).as("failures injected").isPositive();
            assertThat(counter(result.getJobID(), SqsFifoSinkWriter.METRIC_RETRIES)).isPositive();
            assertThat(counter(result.getJobID(), SqsFifoSinkWriter.METRIC_UNDELIVERABLE)).isZero();
        }
        for (String queue : queues) {
            List<QueueConsumer.Received> received = QueueConsumer.drain(sqs, queue, 40 * 25);
            assertInUserOrder(received, 40, 25);
        }
        assertThat(scan(undelivered)).isEmpty();
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aDeletedOrThrottledQueueIsRecordedAsUndeliverableAndHoldsNoOtherQueueBack() throws Exception {
        String ok1 = ElasticMq.createFifoQueue(sqs, TestBeds.uniqueName("ok1") + ".fifo");
        String ok2 = ElasticMq.createFifoQueue(sqs, TestBeds.uniqueName("ok2") + ".fifo");
        String deletedName = TestBeds.uniqueName("deleted") + ".fifo";
        String deleted = ElasticMq.createFifoQueue(sqs, deletedName);
        sqs.deleteQueue(b -> b.queueUrl(deleted));
        String throttled = ElasticMq.createFifoQueue(sqs, TestBeds.uniqueName("throttled") + ".fifo");
        List<String> queues = List.of(ok1, deleted, ok2, throttled);
        List<Delivery> input = Subscribers.deliveries(queues, 20, 10);
        String undelivered = undeliveredTable();
        JobExecutionResult result;
        try (SqsFaults faults = new SqsFaults(elasticMq.endpoint(), 0)) {
            result = run(input, sink(faults, undelivered, 1_500));
            assertThat(faults.throttled.get()).isPositive();
        }
        for (String queue : List.of(ok1, ok2)) {
            assertInUserOrder(QueueConsumer.drain(sqs, queue, 200), 20, 10);
        }
        // Every message of the two failing queues is recorded once, with its reason and body.
        Map<String, String> expected = new TreeMap<>();
        input.stream().filter(d -> d.queueUrl.equals(deleted) || d.queueUrl.equals(throttled))
                .forEach(d -> expected.put(d.subscriber + "/" + d.messageId, d.body));
        List<Map<String, AttributeValue>> items = scan(undelivered);
        Map<String, String> recorded = new TreeMap<>();
        items.forEach(i -> recorded.put(i.get(UndeliveredItems.SUBSCRIBER).s() + "/" + i.get(UndeliveredItems.MESSAGE_ID).s(),
                i.get(UndeliveredItems.BODY).s()));
        assertThat(recorded).isEqualTo(expected);
        Map<String, List<String>> reasons = items.stream().collect(Collectors.groupingBy(
                i -> i.get(UndeliveredItems.QUEUE_URL).s(),
                Collectors.mapping(i -> i.get(UndeliveredItems.REASON).s(), Collectors.toList())));
        // Behind a failed queue's earlier messages, or while it is skipped, a message can also time out.
        assertThat(reasons.get(deleted)).contains("QUEUE_DOES_NOT_EXIST").doesNotContain("REJECTED");
        assertThat(reasons.get(throttled)).contains("DELIVERY_TIMEOUT")
                .allMatch(r -> r.equals("DELIVERY_TIMEOUT") || r.equals("QUEUE_UNAVAILABLE"));
        assertThat(counter(result.getJobID(), SqsFifoSinkWriter.METRIC_UNDELIVERABLE)).isEqualTo(400);
        assertThat(counter(result.getJobID(), SqsFifoSinkWriter.METRIC_DELIVERED)).isEqualTo(400);

        // Replayable: the queue is back, the tool sends its messages, per user in order, and removes them.
        assertThat(ElasticMq.createFifoQueue(sqs, deletedName)).isEqualTo(deleted);
        List<String> args = new ArrayList<>(List.of("--subscriber", "sub-1", "--subscribers.undelivered-table", undelivered,
                "--sqs.endpoint", elasticMq.endpoint().toString()));
        dynalite.awsProperties().forEach((k, v) -> args.addAll(List.of("--" + k, (String) v)));
        assertThat(ReplayUndelivered.run(args.toArray(new String[0])))
                .isEqualTo("sent 200 message(s) of subscriber sub-1 and removed them from " + undelivered);
        assertInUserOrder(QueueConsumer.drain(sqs, deleted, 200), 20, 10);
        assertThat(scan(undelivered)).hasSize(200).allMatch(i -> i.get(UndeliveredItems.SUBSCRIBER).s().equals("sub-3"));
    }

    // ---------------------------------------------------------------------------------------------

    /** Exactly {@code perUser} messages per user, each once, in increasing sequence numbers, grouped by user. */
    static void assertInUserOrder(List<QueueConsumer.Received> received, int users, int perUser) {
        Map<String, List<Long>> byUser = new LinkedHashMap<>();
        for (QueueConsumer.Received r : received) {
            assertThat(r.groupId).isEqualTo(r.body.get("userId").asText());
            assertThat(r.deduplicationId).isEqualTo(r.body.get("messageId").asText());
            byUser.computeIfAbsent(r.groupId, u -> new ArrayList<>()).add(r.body.get("limit").get("lastSequenceNumber").asLong());
        }
        assertThat(byUser).hasSize(users);
        byUser.forEach((user, seqs) -> {
            int u = Integer.parseInt(user.substring("user-".length()));
            List<Long> expected = new ArrayList<>();
            for (int seq = 1; seq <= perUser; seq++) {
                expected.add(seq * 3L + u % 3);
            }
            assertThat(seqs).as(user).isEqualTo(expected);
        });
    }

    private static SqsFifoSink sink(SqsFaults faults, String undeliveredTable, long deliveryTimeoutMs) {
        Properties aws = dynalite.awsProperties();
        return SqsFifoSink.builder()
                .awsProperties(aws)
                .sqsEndpoint(faults.endpoint().toString())
                .undeliveredTable(undeliveredTable)
                .deliveryTimeoutMs(deliveryTimeoutMs)
                .setMaxBatchSize(25)
                .setMaxInFlightRequests(4)
                .setMaxBufferedRequests(100)
                .setMaxTimeInBufferMS(20)
                .build();
    }

    private static String undeliveredTable() {
        String table = TestBeds.uniqueName("undelivered");
        UndeliveredItems.create(dynamo, table);
        return table;
    }

    private static List<Map<String, AttributeValue>> scan(String table) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        dynamo.scanPaginator(b -> b.tableName(table)).items().forEach(items::add);
        return items;
    }

    private static JobExecutionResult run(List<Delivery> input, SqsFifoSink sink) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(PARALLELISM);
        env.getConfig().disableGenericTypes();
        TypeInformation<Delivery> type = TypeInformation.of(Delivery.class);
        assertThat(type).isInstanceOf(PojoTypeInfo.class);
        // Keyed by user, as the feed is: one user's messages pass one writer, in order.
        env.fromData(input, type).setParallelism(1)
                .keyBy(d -> d.groupId, Types.STRING)
                .map(d -> d, type)
                .sinkTo(sink)
                .name("subscriber-sqs-sink");
        return env.execute("sqs sink");
    }

    /** The sum of a writer counter over all subtasks of the job. */
    private static long counter(JobID job, String name) {
        long sum = 0;
        for (Map.Entry<MetricGroup, Map<String, Metric>> group : REPORTER.getMetricsByGroup().entrySet()) {
            if (!job.toString().equals(group.getKey().getAllVariables().get("<job_id>"))
                    || Arrays.asList(group.getKey().getScopeComponents()).contains(ExportedMetrics.GROUP)) {
                continue;
            }
            Metric metric = group.getValue().get(name);
            if (metric instanceof Counter) {
                sum += ((Counter) metric).getCount();
            }
        }
        return sum;
    }
}
