package com.rglimits.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rglimits.limit.UserLimit;
import com.rglimits.localaws.Dynalite;
import com.rglimits.metrics.ExportedMetrics;
import com.rglimits.table.LimitItems;
import com.rglimits.table.LimitTable;
import com.rglimits.testing.FaultInjectingDynamo;
import com.rglimits.testing.TestBeds;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The sink in a real Flink job (parallelism 2, no Kryo) against Amazon's DynamoDB engine in-process. */
class LimitsDynamoDbSinkMiniClusterIT {
    private static final int PARALLELISM = 2;
    private static final InMemoryReporter REPORTER = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(PARALLELISM)
                    .setConfiguration(cluster())
                    .build());

    private final List<JobClient> jobs = new ArrayList<>();
    private static Dynalite dynamo;
    private static DynamoDbClient client;

    private static Configuration cluster() {
        Configuration c = new Configuration();
        c.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        return REPORTER.addToConfiguration(c);
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

    /** A failed test must not leave a job holding the slots. */
    @AfterEach
    void cancelLeftoverJobs() throws Exception {
        for (JobClient job : jobs) {
            if (!job.getJobStatus().get().isGloballyTerminalState()) {
                job.cancel().get(30, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void theTableNeverMovesBackwardsWhenTheSameChangesAreWrittenTwiceOutOfOrder() throws Exception {
        String table = newTable();
        List<UserLimit> versions = new ArrayList<>();
        List<UserLimit> newest = new ArrayList<>();
        for (int user = 1; user <= 3; user++) {
            for (int limit = 1; limit <= 2; limit++) {
                UserLimit latest = null;
                for (int v = 1; v <= 20; v++) {
                    // sequence numbers with gaps, as other event types use numbers too
                    latest = TestLimits.version("user-" + user, "limit-" + limit, 3L * v + limit);
                    versions.add(latest);
                }
                newest.add(latest);
            }
        }
        // First pass shuffled, second pass newest first: older versions come after newer ones
        // in both passes, and every version is written twice.
        List<UserLimit> input = new ArrayList<>(versions);
        Collections.shuffle(input, new Random(42));
        List<UserLimit> secondPass = new ArrayList<>(versions);
        secondPass.sort(Comparator.comparingLong((UserLimit l) -> l.lastSequenceNumber).reversed());
        input.addAll(secondPass);

        LimitsDynamoDbSink sink = LimitsDynamoDbSink.builder()
                .tableName(table)
                .awsProperties(dynamo.awsProperties())
                .setMaxBatchSize(3)
                .setMaxInFlightRequests(4)
                .setMaxBufferedRequests(20)
                .setMaxTimeInBufferMS(50)
                .build();
        JobExecutionResult result = run(input, sink, "twice out of order");

        List<Map<String, AttributeValue>> expected = new ArrayList<>();
        for (UserLimit l : newest) {
            expected.add(LimitItems.toItem(l));
        }
        assertThat(LimitTable.scanAll(client, table)).containsExactlyInAnyOrderElementsOf(expected);

        long succeeded = counter(result.getJobID(), SinkCost.WRITES_SUCCEEDED);
        long stale = counter(result.getJobID(), SinkCost.STALE_WRITES_REJECTED);
        long coalesced = counter(result.getJobID(), SinkCost.WRITES_COALESCED);
        assertThat(succeeded).isGreaterThanOrEqualTo(newest.size());
        assertThat(succeeded + stale + coalesced).as("every entry ends in exactly one bucket").isEqualTo(input.size());
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void anOlderVersionDoesNotOverwriteANewerItemAndIsCountedAsStale() throws Exception {
        String table = newTable();
        UserLimit v5 = TestLimits.version("user-1", "limit-1", 5);
        client.putItem(b -> b.tableName(table).item(LimitItems.toItem(v5)));

        JobExecutionResult result = run(List.of(TestLimits.version("user-1", "limit-1", 3)),
                LimitsDynamoDbSink.builder().tableName(table).awsProperties(dynamo.awsProperties()).build(),
                "v3 over v5");

        assertThat(LimitTable.scanAll(client, table)).containsExactly(LimitItems.toItem(v5));
        assertThat(counter(result.getJobID(), SinkCost.STALE_WRITES_REJECTED)).isEqualTo(1);
        assertThat(counter(result.getJobID(), SinkCost.WRITES_SUCCEEDED)).isZero();
        assertThat(counter(result.getJobID(), SinkCost.WRITE_RETRIES)).isZero();
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aMissingTableFailsTheJobWithAClearMessageInsteadOfRetrying() throws Exception {
        String table = TestBeds.uniqueName("no-such-table");
        LimitsDynamoDbSink sink = LimitsDynamoDbSink.builder()
                .tableName(table)
                .awsProperties(dynamo.awsProperties())
                .build();

        JobClient job = submit(List.of(TestLimits.version("user-1", "limit-1", 1)), sink, "missing table");

        assertThatThrownBy(() -> job.getJobExecutionResult().get(90, TimeUnit.SECONDS))
                .satisfies(e -> {
                    LimitsDynamoDbSinkException cause = ExceptionUtils
                            .findThrowable(e, LimitsDynamoDbSinkException.class)
                            .orElseThrow(() -> new AssertionError("no LimitsDynamoDbSinkException in " + e, e));
                    assertThat(cause.getMessage())
                            .contains("non-retryable")
                            .contains("'" + table + "'")
                            .contains("ResourceNotFoundException");
                });
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void networkErrorsAreRetriedUntilTheTableIsReachable() throws Exception {
        String table = newTable();
        List<UserLimit> input = new ArrayList<>();
        for (int v = 1; v <= 4; v++) {
            input.add(TestLimits.version("user-1", "limit-1", v));
            input.add(TestLimits.version("user-2", "limit-1", v));
        }
        try (FaultInjectingDynamo network = new FaultInjectingDynamo(dynamo.port(), n -> null)) {
            network.becomeUnreachable();
            Properties aws = dynamo.awsProperties();
            aws.setProperty("aws.endpoint", network.endpoint());
            LimitsDynamoDbSink sink = LimitsDynamoDbSink.builder()
                    .tableName(table).awsProperties(aws).setMaxBatchSize(2).setMaxInFlightRequests(2)
                    .setMaxBufferedRequests(10).setMaxTimeInBufferMS(50).build();

            JobClient job = submit(input, sink, "network errors");
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (counter(job.getJobID(), SinkCost.WRITE_RETRIES) == 0) {
                assertThat(System.nanoTime()).as("a retry within 90 s").isLessThan(deadline);
                assertThat(job.getJobStatus().get().isGloballyTerminalState()).as("job still running").isFalse();
                Thread.sleep(100);
            }
            network.becomeReachable();
            job.getJobExecutionResult().get(90, TimeUnit.SECONDS);
            assertThat(counter(job.getJobID(), SinkCost.WRITE_RETRIES)).isPositive();
        }

        assertThat(LimitTable.scanAll(client, table)).containsExactly(
                LimitItems.toItem(TestLimits.version("user-1", "limit-1", 4)),
                LimitItems.toItem(TestLimits.version("user-2", "limit-1", 4)));
    }

    // ---------------------------------------------------------------------------------------------

    private static String newTable() {
        String table = TestBeds.uniqueName("limits");
        LimitTable.create(client, table);
        return table;
    }

    private JobClient submit(List<UserLimit> input, LimitsDynamoDbSink sink, String name) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(PARALLELISM);
        env.getConfig().disableGenericTypes();
        TypeInformation<UserLimit> type = TypeInformation.of(UserLimit.class);
        assertThat(type).isInstanceOf(PojoTypeInfo.class);
        env.fromData(input, type)
                .rebalance()
                .sinkTo(sink)
                .name("limits-dynamodb-sink");
        JobClient job = env.executeAsync(name);
        jobs.add(job);
        return job;
    }

    private JobExecutionResult run(List<UserLimit> input, LimitsDynamoDbSink sink, String name) throws Exception {
        return submit(input, sink, name).getJobExecutionResult().get(2, TimeUnit.MINUTES);
    }

    /** The sum of a writer counter over all subtasks of the job. */
    private static long counter(JobID job, String name) {
        long sum = 0;
        for (Map.Entry<MetricGroup, Map<String, Metric>> group : REPORTER.getMetricsByGroup().entrySet()) {
            if (!job.toString().equals(group.getKey().getAllVariables().get("<job_id>"))) {
                continue;
            }
            if (Arrays.asList(group.getKey().getScopeComponents()).contains(ExportedMetrics.GROUP)) {
                continue; // the same counter objects, registered again for CloudWatch
            }
            Metric metric = group.getValue().get(name);
            if (metric instanceof Counter) {
                sum += ((Counter) metric).getCount();
            }
        }
        return sum;
    }
}
