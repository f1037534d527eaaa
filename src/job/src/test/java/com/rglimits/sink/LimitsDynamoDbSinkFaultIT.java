package com.rglimits.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rglimits.limit.UserLimit;
import com.rglimits.localaws.Dynalite;
import com.rglimits.table.LimitItems;
import com.rglimits.table.LimitTable;
import com.rglimits.testing.FaultInjectingDynamo.Fault;
import com.rglimits.testing.FaultInjectingDynamo;
import com.rglimits.testing.TestBeds;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.function.ToLongFunction;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The sink's cost and its behaviour under DynamoDB's errors, in a real Flink job (parallelism 2,
 * keyed by user as the job's operator emits limits) against dynalite, with {@link
 * FaultInjectingDynamo} in front of it where the test says so. Counts are exact: the front knows
 * every request and every fault it answered, and the merge window of the first test is longer
 * than any run, so every version of a limit merges before end of input.
 */
class LimitsDynamoDbSinkFaultIT {
    private static final int PARALLELISM = 2;

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(PARALLELISM)
                    .setConfiguration(cluster())
                    .build());

    private static Dynalite dynamo;
    private static DynamoDbClient client;

    private static Configuration cluster() {
        Configuration c = new Configuration();
        c.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        return c;
    }

    @BeforeAll
    static void startDynamo() throws Exception {
        dynamo = TestBeds.dynalite();
        client = dynamo.client();
    }

    @AfterAll
    static void closeClient() {
        if (client != null) {
            client.close();
        }
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void versionsWaitingInTheMergeWindowAreWrittenOnceEachWithTheirCost() throws Exception {
        String table = newTable();
        List<UserLimit> input = inOrderVersions(5, 2, 10);
        try (FaultInjectingDynamo front = new FaultInjectingDynamo(dynamo.port(), n -> null)) {
            Costs costs = new Costs();
            LimitsDynamoDbSink sink = sink(table, front, costs).mergeWindowMs(TimeUnit.MINUTES.toMillis(10)).build();

            submit(input, sink, "merge window").getJobExecutionResult().get(2, TimeUnit.MINUTES);

            List<Map<String, AttributeValue>> newest = newestItems(input);
            assertThat(LimitTable.scanAll(client, table)).containsExactlyInAnyOrderElementsOf(newest);
            assertThat(front.putItems()).as("one PutItem per limit").isEqualTo(10);
            awaitCount(costs, SinkCost::requests, 10);
            assertThat(costs.sum(SinkCost::writesSucceeded)).isEqualTo(10);
            assertThat(costs.sum(SinkCost::writesCoalesced)).isEqualTo(90);
            assertThat(costs.sum(SinkCost::staleWritesRejected)).isZero();
            assertThat(costs.sum(SinkCost::sdkRetries) + costs.sum(SinkCost::writeRetries)).isZero();
            long wcu = 0;
            for (Map<String, AttributeValue> item : newest) {
                wcu += SinkCost.writeCapacityUnits(LimitPut.of(item));
            }
            assertThat(wcu).as("items under 1 KB: 1 WCU each").isEqualTo(10);
            assertThat(costs.sum(SinkCost::writeCapacityUnits)).isEqualTo(wcu);
            assertThat(costs.acknowledged()).containsExactlyInAnyOrderElementsOf(newest);
        }
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aJobFarBehindTheWallClockMergesEveryVersionOfALimitWithoutAWindow() throws Exception {
        String table = newTable();
        // The versions' event times are years behind the wall clock: a replay.
        List<UserLimit> input = inOrderVersions(5, 2, 10);
        try (FaultInjectingDynamo front = new FaultInjectingDynamo(dynamo.port(), n -> null)) {
            Costs costs = new Costs();
            // No window while live; behind, versions wait up to the maximum, longer than any run.
            LimitsDynamoDbSink sink = sink(table, front, costs).mergeWindowMs(0)
                    .mergeMaxWindowMs(TimeUnit.MINUTES.toMillis(10)).build();

            submit(input, sink, "far behind").getJobExecutionResult().get(2, TimeUnit.MINUTES);

            assertThat(LimitTable.scanAll(client, table)).containsExactlyInAnyOrderElementsOf(newestItems(input));
            assertThat(front.putItems()).as("one PutItem per limit").isEqualTo(10);
            awaitCount(costs, SinkCost::requests, 10);
            assertThat(costs.sum(SinkCost::writesCoalesced)).isEqualTo(90);
            assertThat(costs.acknowledged()).containsExactlyInAnyOrderElementsOf(newestItems(input));
        }
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void whileLiveALimitNotWrittenWithinTheWindowIsWrittenAtOnceAndTheVersionsAfterItMerge() throws Exception {
        String table = newTable();
        try (FaultInjectingDynamo front = new FaultInjectingDynamo(dynamo.port(), n -> null)) {
            Costs costs = new Costs();
            // A window far longer than the test: a version that waited for it would not be written while the job runs.
            LimitsDynamoDbSink sink = sink(table, front, costs).mergeWindowMs(TimeUnit.MINUTES.toMillis(10)).build();
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(PARALLELISM);
            env.getConfig().disableGenericTypes();
            env.fromSource(new DataGeneratorSource<>(LimitsDynamoDbSinkFaultIT::liveVersion, Long.MAX_VALUE,
                                    RateLimiterStrategy.perSecond(50), TypeInformation.of(UserLimit.class)),
                            WatermarkStrategy.noWatermarks(), "live versions").setParallelism(1)
                    .keyBy(l -> l.userId, Types.STRING)
                    .sinkTo(sink)
                    .name("limits-dynamodb-sink");
            JobClient job = env.executeAsync("live");
            try {
                long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
                while ((LimitTable.scanAll(client, table).size() < LIVE_USERS || costs.sum(SinkCost::writesCoalesced) < 20)
                        && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }

                List<Map<String, AttributeValue>> firstVersions = new ArrayList<>();
                for (long i = 0; i < LIVE_USERS; i++) {
                    firstVersions.add(LimitItems.toItem(liveVersion(i)));
                }
                assertThat(LimitTable.scanAll(client, table)).as("each limit's first version, and only that")
                        .containsExactlyInAnyOrderElementsOf(firstVersions);
                assertThat(costs.sum(SinkCost::writesCoalesced)).as("later versions merged").isGreaterThanOrEqualTo(20);
                assertThat(front.putItems()).as("one PutItem per limit").isEqualTo(LIVE_USERS);
            } finally {
                job.cancel().get(1, TimeUnit.MINUTES);
            }
        }
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void throttlingAndServerErrorsAreRetriedNothingIsLostAndTheTableNeverMovesBackwards() throws Exception {
        String table = newTable();
        List<UserLimit> input = inOrderVersions(4, 2, 15);
        // Of every 10 PutItems: two throttled (both codes), two 5xx; forwarded otherwise.
        IntFunction<Fault> plan = n -> {
            switch (n % 10) {
                case 1: return Fault.PROVISIONED_THROUGHPUT_EXCEEDED;
                case 4: return Fault.INTERNAL_SERVER_ERROR;
                case 6: return Fault.THROTTLING;
                case 8: return Fault.SERVICE_UNAVAILABLE;
                default: return null;
            }
        };
        try (FaultInjectingDynamo front = new FaultInjectingDynamo(dynamo.port(), plan);
                Poller poller = new Poller(table)) {
            Costs costs = new Costs();
            // No merge window (also not for the test versions' event times, years behind the wall
            // clock) and few entries in flight: versions reach DynamoDB while older ones of the
            // same limit are in flight or being retried.
            LimitsDynamoDbSink sink = sink(table, front, costs).mergeWindowMs(0).mergeMaxWindowMs(0).setMaxBatchSize(2)
                    .setMaxInFlightRequests(4).setMaxBufferedRequests(10).build();

            submit(input, sink, "throttled").getJobExecutionResult().get(3, TimeUnit.MINUTES);
            poller.close();

            assertThat(LimitTable.scanAll(client, table)).containsExactlyInAnyOrderElementsOf(newestItems(input));
            assertThat(poller.backwards).as("versions seen going back").isEmpty();
            assertThat(poller.scans.get()).isPositive();
            int throttled = front.injected(Fault.PROVISIONED_THROUGHPUT_EXCEEDED) + front.injected(Fault.THROTTLING);
            int serverErrors = front.injected(Fault.INTERNAL_SERVER_ERROR) + front.injected(Fault.SERVICE_UNAVAILABLE);
            assertThat(throttled).isPositive();
            assertThat(serverErrors).isPositive();
            awaitCount(costs, SinkCost::requests, front.putItems());
            assertThat(costs.sum(SinkCost::throttledRequests)).isEqualTo(throttled);
            assertThat(costs.sum(SinkCost::serverErrors)).isEqualTo(serverErrors);
            assertThat(costs.sum(SinkCost::sdkRetries) + costs.sum(SinkCost::writeRetries))
                    .as("every fault was retried").isEqualTo(throttled + serverErrors);
            assertThat(costs.sum(SinkCost::writesSucceeded) + costs.sum(SinkCost::staleWritesRejected)
                    + costs.sum(SinkCost::writesCoalesced)).as("every version ends in one bucket").isEqualTo(input.size());
            assertSentInVersionOrderPerLimit(front.putItemBodies());
        }
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void accessDeniedFailsTheJobWithAClearMessageInsteadOfRetrying() throws Exception {
        String table = newTable();
        List<UserLimit> input = inOrderVersions(2, 1, 3);
        try (FaultInjectingDynamo front = new FaultInjectingDynamo(dynamo.port(), n -> Fault.ACCESS_DENIED)) {
            LimitsDynamoDbSink sink = sink(table, front, new Costs()).build();

            JobClient job = submit(input, sink, "access denied");

            assertThatThrownBy(() -> job.getJobExecutionResult().get(2, TimeUnit.MINUTES)).satisfies(e -> {
                LimitsDynamoDbSinkException cause = ExceptionUtils.findThrowable(e, LimitsDynamoDbSinkException.class)
                        .orElseThrow(() -> new AssertionError("no LimitsDynamoDbSinkException in " + e, e));
                assertThat(cause.getMessage()).contains("non-retryable").contains("'" + table + "'")
                        .contains("AccessDeniedException").contains("not authorized to perform: dynamodb:PutItem");
            });
            assertThat(front.putItems()).as("no retries: at most one request per version").isBetween(1, input.size());
            assertThat(LimitTable.scanAll(client, table)).isEmpty();
        }
    }

    // ---------------------------------------------------------------------------------------------

    /** Versions 1..n of every limit, in the order the job emits them: round r holds version r of each. */
    private static List<UserLimit> inOrderVersions(int users, int limits, int versions) {
        List<UserLimit> input = new ArrayList<>();
        for (int v = 1; v <= versions; v++) {
            for (int u = 1; u <= users; u++) {
                for (int l = 1; l <= limits; l++) {
                    input.add(TestLimits.version("user-" + u, "limit-" + l, 2L * v + l));
                }
            }
        }
        return input;
    }

    private static final int LIVE_USERS = 10;

    /**
     * Version 1 of one limit of each of {@value #LIVE_USERS} users, then ever newer versions of the
     * first user's limit; their event times are ahead of the wall clock, so the sink sees the job live
     * however slowly the machine runs.
     */
    private static UserLimit liveVersion(long index) {
        UserLimit l = index < LIVE_USERS
                ? TestLimits.version("user-" + index, "limit-1", 1)
                : TestLimits.version("user-0", "limit-1", index);
        l.updatedAt = 4_102_444_800_000L + index;
        return l;
    }

    private static List<Map<String, AttributeValue>> newestItems(List<UserLimit> input) {
        Map<String, UserLimit> newest = new HashMap<>();
        for (UserLimit l : input) {
            newest.merge(l.userId + "/" + l.userLimitId, l, (a, b) -> b.lastSequenceNumber > a.lastSequenceNumber ? b : a);
        }
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        newest.values().forEach(l -> items.add(LimitItems.toItem(l)));
        return items;
    }

    /** Per limit, the versions DynamoDB was asked to write never go down (a retry repeats one). */
    private static void assertSentInVersionOrderPerLimit(List<String> bodies) throws Exception {
        ObjectMapper json = new ObjectMapper();
        Map<String, Long> last = new HashMap<>();
        for (String body : bodies) {
            JsonNode item = json.readTree(body).get("Item");
            String key = item.get(LimitItems.USER_ID).get("S").asText() + "/" + item.get(LimitItems.USER_LIMIT_ID).get("S").asText();
            long seq = item.get(LimitItems.LAST_SEQUENCE_NUMBER).get("N").asLong();
            Long before = last.put(key, seq);
            assertThat(before == null || before <= seq).as(key + ": version " + seq + " sent after " + before).isTrue();
        }
    }

    private static LimitsDynamoDbSinkBuilder sink(String table, FaultInjectingDynamo front, Costs costs) {
        Properties aws = dynamo.awsProperties();
        aws.setProperty("aws.endpoint", front.endpoint());
        return LimitsDynamoDbSink.builder().tableName(table).awsProperties(aws).observer(costs);
    }

    private static String newTable() {
        String table = TestBeds.uniqueName("limits");
        LimitTable.create(client, table);
        return table;
    }

    private static JobClient submit(List<UserLimit> input, LimitsDynamoDbSink sink, String name) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(PARALLELISM);
        env.getConfig().disableGenericTypes();
        env.fromData(input, TypeInformation.of(UserLimit.class)).setParallelism(1)
                .keyBy(l -> l.userId, Types.STRING)
                .sinkTo(sink)
                .name("limits-dynamodb-sink");
        return env.executeAsync(name);
    }

    /**
     * The SDK hands an API call's metrics to the publisher as the call completes, possibly just
     * after the sink saw its result: wait for the count to arrive, then it must be exact.
     */
    private static void awaitCount(Costs costs, ToLongFunction<SinkCost> metric, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (costs.sum(metric) < expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(costs.sum(metric)).isEqualTo(expected);
    }

    /** The writers' cost counters and acknowledged items, reached through a static map (operators are serialized). */
    private static final class Costs implements LimitWriteObserver {
        private static final long serialVersionUID = 1L;
        private static final AtomicInteger IDS = new AtomicInteger();
        private static final Map<Integer, List<SinkCost>> COSTS = new ConcurrentHashMap<>();
        private static final Map<Integer, List<Map<String, AttributeValue>>> ACKED = new ConcurrentHashMap<>();
        private final int id = IDS.incrementAndGet();

        Costs() {
            COSTS.put(id, new CopyOnWriteArrayList<>());
            ACKED.put(id, new CopyOnWriteArrayList<>());
        }

        @Override
        public void opened(SinkCost cost) {
            COSTS.get(id).add(cost);
        }

        @Override
        public void acknowledged(LimitPut put) {
            ACKED.get(id).add(put.item());
        }

        long sum(ToLongFunction<SinkCost> metric) {
            return COSTS.get(id).stream().mapToLong(metric).sum();
        }

        List<Map<String, AttributeValue>> acknowledged() {
            return ACKED.get(id);
        }
    }

    /** Scans the table while the job runs and records any item seen going back to an older version. */
    private static final class Poller implements AutoCloseable {
        final List<String> backwards = new CopyOnWriteArrayList<>();
        final AtomicInteger scans = new AtomicInteger();
        private final Map<String, Long> highest = new HashMap<>();
        private final Thread thread;
        private volatile boolean running = true;

        Poller(String table) {
            thread = new Thread(() -> {
                while (running) {
                    for (Map<String, AttributeValue> item : LimitTable.scanAll(client, table)) {
                        String key = item.get(LimitItems.USER_ID).s() + "/" + item.get(LimitItems.USER_LIMIT_ID).s();
                        long seq = Long.parseLong(item.get(LimitItems.LAST_SEQUENCE_NUMBER).n());
                        Long before = highest.put(key, seq);
                        if (before != null && seq < before) {
                            backwards.add(key + " went from version " + before + " back to " + seq);
                        }
                    }
                    scans.incrementAndGet();
                }
            }, "table-poller");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join();
        }
    }
}
