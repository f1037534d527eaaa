package com.rglimits.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rglimits.config.JobConfig;
import com.rglimits.config.JobOptions;
import com.rglimits.config.TableNames;
import com.rglimits.deadletter.DeadLetterReason;
import com.rglimits.job.Accounting;
import com.rglimits.kinesis.KinesisJobTests;
import com.rglimits.kinesis.RecordPublisher;
import com.rglimits.kinesis.StreamReader;
import com.rglimits.limit.UserLimit;
import com.rglimits.localaws.ElasticMq;
import com.rglimits.localaws.LoopbackPorts;
import com.rglimits.localaws.StreamAdmin;
import com.rglimits.localstack.Subscriber;
import com.rglimits.query.AuthConfig;
import com.rglimits.query.QueryConfig;
import com.rglimits.state.TablePoller;
import com.rglimits.subscribe.Thresholds;
import com.rglimits.table.LimitItems;
import com.rglimits.table.LimitTable;
import com.rglimits.table.SubscriptionItems;
import com.rglimits.table.UndeliveredItems;
import com.rglimits.testing.GeneratedEvents;
import com.rglimits.testing.KinesisBed;
import com.rglimits.testing.KinesisInOrderModel;
import com.rglimits.testing.KinesisTestEvents;
import com.rglimits.testing.ProjectFiles;
import com.rglimits.testing.Subscribers;
import com.rglimits.testing.TestBeds;
import com.rglimits.tools.LimitExport;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.SavepointWriter;
import org.apache.flink.state.api.runtime.SavepointLoader;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The application jar, the one that goes to the managed service, on a Flink cluster of separate
 * processes ({@link FlinkCluster}: a JobManager and two TaskManagers, configured by
 * {@code flink-conf/}, the jar submitted with Flink's command-line client and loaded child-first)
 * against kinesalite and dynalite, with the query service's jar and a subscriber reading what it
 * wrote: a TaskManager killed mid-stream, stop-with-savepoint through the REST API and a
 * resubmission at another parallelism, and the previous release's savepoint restored. Results
 * are compared exactly with the in-order models; waits are on conditions, never on time.
 *
 * <p>Timings (recovery, savepoint size and duration) are printed as {@code [timing]} lines.
 */
class FlinkClusterIT {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration SETTLE = Duration.ofMinutes(4);
    /** Short, so that a restore re-reads little; long enough for checkpoints on a loaded machine. */
    private static final String CHECKPOINT_INTERVAL = "2 s";
    private static final String RECORDS = metric(Accounting.RECORDS);
    private static final Path FIXTURES = Path.of("src", "ops", "src", "test", "resources", "upgrade");
    /**
     * The fixtures' dedup entries carry the time they were written at; the restored job reads them with a
     * retention longer than any fixture gets old (as {@code UpgradeFromPreviousReleaseIT} does).
     */
    private static final String FIXTURE_DEDUP_RETENTION = "36500 d";

    private static FlinkCluster cluster;
    private static FlinkRest rest;
    private static KinesisBed aws;
    private static ElasticMq sqs;
    private static Path jar;
    private static Path queryJar;
    private static final List<String> timings = new ArrayList<>();

    @BeforeAll
    static void startCluster() throws Exception {
        aws = TestBeds.kinesis();
        sqs = TestBeds.elasticMq();
        jar = Path.of(System.getProperty("application.jar"));
        queryJar = Path.of(System.getProperty("query.jar"));
        assertThat(jar).as("the application jar (mvn package builds it)").isRegularFile();
        long started = System.nanoTime();
        Path work = Path.of("target", "flink-cluster-it", Long.toString(System.currentTimeMillis()));
        cluster = FlinkCluster.start(new FlinkCluster.Settings(ProjectFiles.path("flink-conf"), work)
                .restPort(0)
                .rpcPort(0)
                .freePrometheusPorts()
                // EMULATOR QUIRK: plain JSON to kinesalite, in the client, the JobManager and the TaskManagers.
                .systemProperty("aws.cborEnabled", "false")
                .events(e -> System.out.println("[cluster] " + e)), FlinkRuntime.of(ProjectFiles.root()));
        rest = cluster.rest();
        timing("cluster start (JobManager up, 2 TaskManagers registered)", started);
    }

    /** A test that failed half-way leaves no job holding the slots the next one needs. */
    @AfterEach
    void cancelJobsLeftRunning() throws Exception {
        Set<String> ended = Set.of("FINISHED", "CANCELED", "FAILED");
        for (JsonNode job : rest.get("/jobs/overview").path("jobs")) {
            if (!ended.contains(job.path("state").asText())) {
                rest.cancel(job.path("jid").asText());
            }
        }
        await("every job to end", () -> {
            for (JsonNode job : rest.get("/jobs/overview").path("jobs")) {
                if (!ended.contains(job.path("state").asText())) {
                    return false;
                }
            }
            return true;
        });
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
        timings.forEach(t -> System.out.println("[timing] " + t));
    }

    /**
     * kill -9 of a TaskManager that runs the job while records are being published; the cluster starts
     * another; the job restarts from its last checkpoint on it. Table, feed and dead letters are the
     * in-order result: nothing lost, no limit version applied twice, the table never went back.
     */
    @Test
    @Timeout(value = 12, unit = TimeUnit.MINUTES)
    void aTaskManagerKilledMidStreamIsReplacedAndTheJobRecoversFromItsLastCheckpoint() throws Exception {
        try (Run run = new Run("kill")) {
            KinesisTestEvents events = new KinesisTestEvents(2512, 150);
            List<byte[]> stream = new ArrayList<>(events.next(3000));
            stream.addAll(run.endOfStream(KinesisTestEvents.BASE_TIME + 3000 * KinesisTestEvents.STEP_MS + 60_000));
            run.model.applyPhase(stream);
            String job = cluster.submit(new FlinkCluster.Submission(jar, run.jobArgs()).parallelism(4));
            await("job " + job + " to run", () -> rest.allTasksRunning(job));

            // Half a minute of publishing: the kill happens a quarter into it, the restart while it goes on.
            CompletableFuture<Void> publishing = CompletableFuture.runAsync(() -> run.publish(stream, 100));
            await("a quarter of the stream read", () -> metrics(job).getOrDefault(RECORDS, 0.0) >= stream.size() / 4.0);
            long seen = rest.latestCompletedCheckpoint(job);
            await("the next checkpoint", () -> rest.latestCompletedCheckpoint(job) > seen);
            long lastCheckpoint = rest.latestCompletedCheckpoint(job);
            String victim = rest.taskManagersOf(job).iterator().next();
            long killed = System.nanoTime();
            FlinkCluster.Member gone = cluster.kill(victim);
            System.out.println("[kill] kill -9 " + gone.pid() + " (TaskManager " + victim + ") after checkpoint " + lastCheckpoint);

            long[] restored = {-1};
            await("the job to run again from a restored checkpoint", () -> {
                JsonNode r = rest.checkpoints(job).path("latest").path("restored");
                restored[0] = r.isObject() ? r.path("id").asLong() : -1;
                return restored[0] >= 0 && rest.allTasksRunning(job);
            });
            timing("kill -9 of a TaskManager -> job running again (every task, restored from checkpoint "
                    + restored[0] + ")", killed);
            await("a checkpoint after the restore", () -> rest.latestCompletedCheckpoint(job) > restored[0]);
            timing("kill -9 of a TaskManager -> first checkpoint completed after the restore", killed);
            Set<String> taskManagers = cluster.awaitTaskManagers(2, Duration.ofMinutes(3));
            assertThat(taskManagers).as("TaskManagers registered").doesNotContain(victim);
            timing("kill -9 of a TaskManager -> the JobManager lists only the survivor and the replacement", killed);
            assertThat(restored[0]).as("restored from the last checkpoint completed before the kill")
                    .isGreaterThanOrEqualTo(lastCheckpoint);
            assertThat(rest.taskManagersOf(job)).as("the job runs on the new TaskManager too").doesNotContain(victim)
                    .containsAnyElementsOf(taskManagers);

            publishing.join();
            run.awaitSettled();
            // Late events, redeliveries of records read before the kill, invalid records.
            List<byte[]> more = new ArrayList<>(events.lateEvents(20));
            more.addAll(events.redeliveriesOfEarlierRecords(20));
            for (int i = 0; i < 7; i++) {
                more.add(events.invalidRecord());
            }
            run.model.applyPhase(more);
            run.publish(more, 0);
            run.awaitSettled();

            assertMetricsOfTheJob(job);
            assertThat(PrometheusScrape.scrape(cluster.jobManager().metrics())).as("the JobManager's restarts of the job")
                    .anyMatch(s -> s.name.equals("flink_jobmanager_job_numRestarts") && s.has("job_id", job) && s.value >= 1);
            rest.cancel(job);
            run.assertExactOutcome(true);
        }
    }

    /**
     * Stop-with-savepoint through the REST API in the middle of the stream, the same jar submitted again
     * from the savepoint at another parallelism, the stream finished: the in-order result exactly, every
     * dead letter once.
     */
    @Test
    @Timeout(value = 12, unit = TimeUnit.MINUTES)
    void stopWithSavepointThroughTheRestApiThenTheSameJarFromItAtAnotherParallelism() throws Exception {
        try (Run run = new Run("savepoint")) {
            KinesisTestEvents events = new KinesisTestEvents(4242, 120);
            List<byte[]> first = events.next(1500);
            run.model.applyPhase(first);
            run.publish(first, 0);
            String job1 = cluster.submit(new FlinkCluster.Submission(jar, run.jobArgs()).parallelism(2));
            await("job 1 to apply part of the stream",
                    () -> metrics(job1).getOrDefault(metric(Accounting.APPLIED), 0.0) >= run.model.appliedCount() * 2 / 5.0);

            long stopping = System.nanoTime();
            String savepoint = rest.stopWithSavepoint(job1, cluster.savepointDir().toUri().toString(), Duration.ofMinutes(3));
            long millis = (System.nanoTime() - stopping) / 1_000_000;
            Path savepointDir = Path.of(URI.create(savepoint));
            long bytes = size(savepointDir);
            timings.add(String.format("stop-with-savepoint through the REST API (%d users, %d limits so far, parallelism 2,"
                    + " canonical): %d ms, %,d bytes", 120, run.table().size(), millis, bytes));
            await("job 1 to finish", () -> rest.jobState(job1).equals("FINISHED"));
            long appliedByJob1 = run.table().size();

            List<byte[]> second = new ArrayList<>(events.next(1500));
            second.addAll(run.endOfStream(KinesisTestEvents.BASE_TIME + 3000 * KinesisTestEvents.STEP_MS + 60_000));
            run.model.applyPhase(second);
            run.publish(second, 0);
            long resubmitted = System.nanoTime();
            String job2 = cluster.submit(new FlinkCluster.Submission(jar, run.jobArgs()).fromSavepoint(savepoint).parallelism(3));
            await("job 2 to run", () -> rest.allTasksRunning(job2));
            timing("resubmission from the savepoint at parallelism 3 -> every task running", resubmitted);
            JsonNode restored = rest.checkpoints(job2).path("latest").path("restored");
            assertThat(restored.path("is_savepoint").asBoolean()).as("job 2 restored " + restored).isTrue();
            assertThat(restored.path("external_path").asText()).isEqualTo(savepoint);
            JsonNode vertices = rest.get("/jobs/" + job2).path("vertices");
            assertThat(vertices).allSatisfy(v -> assertThat(v.path("parallelism").asInt()).isIn(1, 3));
            run.awaitSettled();

            List<byte[]> more = new ArrayList<>(events.lateEvents(20));
            more.addAll(events.redeliveriesOfEarlierRecords(20));
            for (int i = 0; i < 7; i++) {
                more.add(events.invalidRecord());
            }
            run.model.applyPhase(more);
            run.publish(more, 0);
            run.awaitSettled();
            rest.cancel(job2);
            assertThat(appliedByJob1).as("limits written before the savepoint").isPositive();
            run.assertExactOutcome(false);
        }
    }

    /**
     * The previous release's savepoint (the committed fixture of {@code UpgradeFromPreviousReleaseIT},
     * taken by the real graph over an events file) restores into the production job on the cluster: its
     * keyed state (limits, dedup entries, held events, in that release's layout) carries on and the rest of
     * its stream, published to Kinesis, gives exactly the in-order result, every record counted once across
     * the release's run and this one (the job's accounting metrics as Prometheus scrapes them). The other
     * fixture has this release's layout, which the stop-with-savepoint test restores on the cluster already.
     */
    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void theSavepointOfThePreviousReleaseRestoresIntoTheProductionJob(@TempDir Path dir) throws Exception {
        String fixtureName = "release-2026-11-30";
        Path fixture = dir.resolve(fixtureName);
        copyTree(ProjectFiles.root().resolve(FIXTURES).resolve(fixtureName), fixture);
        JsonNode description = MAPPER.readTree(fixture.resolve("fixture.json").toFile());
        JsonNode g = description.get("generator");
        GeneratedEvents generated = GeneratedEvents.generate(g.get("seed").asLong(), g.get("users").asInt(),
                g.get("eventsPerUser").asInt(), g.get("maxJitterMs").asLong());
        int readByTheRelease = description.path("savepoint").path("records").asInt();
        JsonNode releaseAccounting = description.get("accounting");

        String name = TestBeds.uniqueName("cluster-" + fixtureName.replace('.', '-'));
        String input = name + "-events";
        String dlq = name + "-dead-letters";
        String table = name + "-limits";
        Map<String, String> settings = new LinkedHashMap<>(awsSettings());
        settings.put(JobOptions.SOURCE_STREAM.key(), input);
        settings.put(JobOptions.DLQ_STREAM.key(), dlq);
        settings.put(JobOptions.TABLE_NAME.key(), table);
        settings.put(JobOptions.DEDUP_RETENTION.key(), FIXTURE_DEDUP_RETENTION);
        robustOrderingSettings(settings);
        List<byte[]> tail = new ArrayList<>(generated.records.subList(readByTheRelease, generated.records.size()));
        int endOfStream;
        try (KinesisClient kinesis = aws.kinesisClient(); DynamoDbClient dynamo = aws.dynamoDbClient()) {
            StreamAdmin.createStream(kinesis, input, 2, Duration.ofSeconds(30));
            StreamAdmin.createStream(kinesis, dlq, 1, Duration.ofSeconds(30));
            LimitTable.create(dynamo, table);
            // The table as the release left it at its savepoint.
            for (String line : Files.readAllLines(fixture.resolve("table.jsonl"), StandardCharsets.UTF_8)) {
                dynamo.putItem(b -> b.tableName(table).item(LimitItems.toItem(parse(line))));
            }
            // A minute after the stream's last event: further ahead, one record per shard would be an unconfirmed jump.
            List<byte[]> end = KinesisJobTests.endOfStream(kinesis, input, latestCreatedAt(tail) + 60_000);
            endOfStream = end.size();
            tail.addAll(end);
            RecordPublisher.publish(kinesis, input, tail, 0);
        }
        long preparing = System.nanoTime();
        String savepoint = productionSavepoint(fixture.resolve("savepoint"), dir.resolve("production-savepoint"), settings);
        timing(fixtureName + ": its savepoint without the file source and the test logs (State Processor API)", preparing);

        Map<String, Double> expectedMetrics = new TreeMap<>();
        expectedMetrics.put(RECORDS, (double) tail.size());
        expectedMetrics.put(metric(Accounting.APPLIED), (double) (generated.expectedApplied - releaseAccounting.get("applied").asLong()));
        expectedMetrics.put(metric(Accounting.DUPLICATES), (double) (generated.redeliveries - releaseAccounting.get("duplicates").asLong()));
        expectedMetrics.put(metric(Accounting.SKIPPED),
                (double) (generated.skipped - releaseAccounting.get("skipped").asLong() + endOfStream));
        for (DeadLetterReason r : DeadLetterReason.values()) {
            expectedMetrics.put(metric(Accounting.deadLetteredName(r)), (double) (generated.expectedDeadLetterCount(r)
                    - releaseAccounting.get(Accounting.deadLetteredName(r)).asLong()));
        }
        Map<String, DeadLetterReason> expectedDeadLetters = new TreeMap<>(generated.expectedDeadLetters);
        long expectedInvalid = generated.invalid - releaseAccounting.get(Accounting.deadLetteredName(DeadLetterReason.INVALID_EVENT)).asLong();
        for (JsonNode d : deadLettersOfTheRelease(fixture)) {
            if (!d.get("reason").asText().equals(DeadLetterReason.INVALID_EVENT.name())) {
                assertThat(expectedDeadLetters.remove(d.get("eventId").asText())).as("dead-lettered by the release: " + d).isNotNull();
            }
        }

        StreamReader dlqReader;
        List<JsonNode> deadLetters = new ArrayList<>();
        Map<String, Double>[] seen = new Map[1];
        try (KinesisClient kinesis = aws.kinesisClient(); TablePoller poller = new TablePoller(aws.dynamoDbClient(), table)) {
            dlqReader = new StreamReader(kinesis, dlq);
            long submitted = System.nanoTime();
            String job = cluster.submit(new FlinkCluster.Submission(jar, args(settings))
                    .fromSavepoint(savepoint).parallelism(description.get("parallelism").asInt()));
            await("job " + job + " to run", () -> rest.allTasksRunning(job));
            timing(fixtureName + ": submission from its savepoint -> every task running", submitted);
            JsonNode restored = rest.checkpoints(job).path("latest").path("restored");
            assertThat(restored.path("is_savepoint").asBoolean()).as("restored " + restored).isTrue();
            try {
                await("the rest of the release's stream applied", Duration.ofMinutes(5), () -> {
                    read(dlqReader, deadLetters);
                    seen[0] = metrics(job);
                    return tableOf(table).equals(generated.expectedLimits)
                            && deadLetters.size() >= expectedDeadLetters.size() + expectedInvalid
                            && expectedMetrics.entrySet().stream().allMatch(e -> e.getValue().equals(seen[0].getOrDefault(e.getKey(), 0.0)));
                });
            } catch (IllegalStateException timedOut) {
                System.out.println(timedOut.getMessage());
            }
            read(dlqReader, deadLetters);
            rest.cancel(job);
            poller.close();
            assertThat(poller.backwards()).as("items seen at an older version than before").isEmpty();
        }

        assertThat(tableOf(table)).as("the table").isEqualTo(generated.expectedLimits);
        Map<String, Double> accounting = new TreeMap<>(seen[0]);
        accounting.keySet().retainAll(expectedMetrics.keySet());
        assertThat(accounting).as("the job's accounting metrics after the restore, at its Prometheus endpoints")
                .isEqualTo(expectedMetrics);
        Map<String, DeadLetterReason> byEvent = new TreeMap<>();
        long invalid = 0;
        for (JsonNode d : deadLetters) {
            DeadLetterReason reason = DeadLetterReason.valueOf(d.get("reason").asText());
            if (reason == DeadLetterReason.INVALID_EVENT) {
                invalid++;
            } else {
                assertThat(byEvent.put(d.get("eventId").asText(), reason)).as("one dead letter per event: " + d).isNull();
            }
        }
        assertThat(byEvent).as("dead letters after the restore").isEqualTo(expectedDeadLetters);
        assertThat(invalid).as("invalid records dead-lettered after the restore").isEqualTo(expectedInvalid);
    }

    /**
     * The fixture's savepoint without what the production graph has in another form: the file source's
     * splits (the Kinesis source then starts at the stream's beginning) and the test graph's logs, one of
     * which has the production dead-letter sink's uid. The keyed operator, the router and the limits sink
     * are kept, so the restore needs no {@code --allowNonRestoredState}.
     */
    private static String productionSavepoint(Path savepoint, Path out, Map<String, String> settings) throws Exception {
        Set<OperatorID> production = new HashSet<>();
        JobGraph graph = productionGraph(settings);
        for (JobVertex v : graph.getVertices()) {
            v.getOperatorIDs().forEach(pair -> production.add(pair.getGeneratedOperatorID()));
        }
        Set<OperatorID> notProduction = new HashSet<>(List.of(
                OperatorIdentifier.forUid(com.rglimits.job.UserLimitsPipeline.SOURCE_UID).getOperatorId(),
                OperatorIdentifier.forUid(com.rglimits.job.UserLimitsPipeline.DEAD_LETTER_SINK_UID).getOperatorId()));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        // Only removals: the kept operators' state is carried over as it is, whatever the backend.
        SavepointWriter writer = SavepointWriter.fromExistingSavepoint(env, savepoint.toString());
        Set<OperatorID> kept = new HashSet<>();
        for (OperatorState state : SavepointLoader.loadSavepointMetadata(savepoint.toString()).getOperatorStates()) {
            if (notProduction.contains(state.getOperatorID()) || !production.contains(state.getOperatorID())) {
                writer.removeOperator(OperatorIdentifier.forUidHash(state.getOperatorID().toHexString()));
            } else {
                kept.add(state.getOperatorID());
            }
        }
        assertThat(kept).as("kept: the keyed operator and the router")
                .contains(OperatorIdentifier.forUid(com.rglimits.job.UserLimitsPipeline.PROCESSOR_UID).getOperatorId(),
                        OperatorIdentifier.forUid(com.rglimits.job.UserLimitsPipeline.ROUTER_UID).getOperatorId());
        writer.write(out.toUri().toString());
        env.execute("production savepoint from " + savepoint.getFileName());
        return out.toUri().toString();
    }

    /** The production job's graph with these settings, as the application jar's main builds it. */
    private static JobGraph productionGraph(Map<String, String> settings) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobConfig config = JobConfig.from(new com.rglimits.config.Settings(settings, k -> k));
        com.rglimits.job.UserLimitsPipeline.configure(env, config);
        com.rglimits.job.UserLimitsPipeline.build(env, com.rglimits.kinesis.KinesisSourceFactory.create(config),
                com.rglimits.sink.LimitsDynamoDbSink.fromConfig(config), com.rglimits.kinesis.DeadLetterSinkFactory.create(config),
                com.rglimits.subscribe.SubscriberConnectors.fromConfig(config, false), config);
        return env.getStreamGraph().getJobGraph();
    }

    private static List<JsonNode> deadLettersOfTheRelease(Path fixture) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(fixture.resolve("out").resolve("dead-letters"))) {
            for (Path f : files.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().startsWith("."))
                    .collect(Collectors.toList())) {
                for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                    out.add(MAPPER.readTree(line));
                }
            }
        }
        return out;
    }

    /** The job's own metrics, as a Prometheus server scraping the TaskManagers sees them. */
    private static void assertMetricsOfTheJob(String job) throws Exception {
        Map<String, Double> sums = metrics(job);
        assertThat(sums).as("the job's metrics at the TaskManagers' Prometheus endpoints").containsKeys(
                RECORDS,
                metric(Accounting.APPLIED),
                metric(Accounting.DUPLICATES),
                metric(Accounting.deadLetteredName(DeadLetterReason.INVALID_EVENT)),
                metric(Accounting.deadLetteredName(DeadLetterReason.LATE_EVENT)),
                "flink_taskmanager_job_task_operator_kinesisanalytics_reason_dead_lettered",
                "flink_taskmanager_job_task_operator_ordering_heldEvents",
                "flink_taskmanager_job_task_operator_ordering_watermarkLagMs",
                "flink_taskmanager_job_task_operator_dynamoDbRequests",
                "flink_taskmanager_job_task_operator_writesSucceeded",
                "flink_taskmanager_job_task_operator_writeCapacityUnits",
                "flink_taskmanager_job_task_operator_messagesDelivered");
        Set<String> reasons = new HashSet<>();
        for (FlinkCluster.Member tm : cluster.taskManagers()) {
            for (PrometheusScrape.Sample s : PrometheusScrape.scrape(tm.metrics())) {
                if (s.name.equals("flink_taskmanager_job_task_operator_kinesisanalytics_reason_dead_lettered") && s.has("job_id", job)) {
                    for (DeadLetterReason r : DeadLetterReason.values()) {
                        if (s.has("reason", r.name())) {
                            reasons.add(r.name());
                        }
                    }
                }
            }
        }
        assertThat(reasons).as("dead letters by reason, as a label").containsExactlyInAnyOrder(
                Stream.of(DeadLetterReason.values()).map(Enum::name).toArray(String[]::new));
        assertThat(PrometheusScrape.scrape(cluster.jobManager().metrics())).as("the JobManager's endpoint")
                .anyMatch(s -> s.name.equals("flink_jobmanager_numRegisteredTaskManagers") && s.value == 2);
    }

    /**
     * One job's world: its input stream (4 shards), dead-letter stream, table, the subscriber feed's tables
     * and a subscriber registered through the query service (its jar, started beside the cluster), a
     * poller watching the table, and the in-order model of what was published.
     */
    private static final class Run implements AutoCloseable {
        final String input;
        final String dlq;
        final String table;
        final String subscriptions;
        final String undelivered;
        final String subscriber;
        final KinesisInOrderModel model = new KinesisInOrderModel();
        final KinesisClient kinesis;
        final DynamoDbClient dynamo;
        final TablePoller poller;
        final StreamReader dlqReader;
        final List<JsonNode> deadLetters = new ArrayList<>();
        final Process queryService;
        final URI queryApi;
        final Process subscriberProgram;
        final Path subscriberOutput;

        Run(String name) throws Exception {
            String prefix = TestBeds.uniqueName("cluster-" + name);
            input = prefix + "-events";
            dlq = prefix + "-dead-letters";
            table = prefix + "-limits";
            subscriptions = prefix + "-subscriptions";
            undelivered = prefix + "-undelivered";
            subscriber = prefix.replace('.', '-');
            kinesis = aws.kinesisClient();
            dynamo = aws.dynamoDbClient();
            StreamAdmin.createStream(kinesis, input, 4, Duration.ofSeconds(30));
            StreamAdmin.createStream(kinesis, dlq, 1, Duration.ofSeconds(30));
            LimitTable.create(dynamo, table);
            SubscriptionItems.create(dynamo, subscriptions);
            UndeliveredItems.create(dynamo, undelivered);
            dlqReader = new StreamReader(kinesis, dlq);
            poller = new TablePoller(aws.dynamoDbClient(), table);

            int port = LoopbackPorts.unused();
            queryApi = URI.create("http://127.0.0.1:" + port);
            List<String> args = new ArrayList<>(List.of("--" + AuthConfig.MODE, "none", "--" + QueryConfig.HOST, "127.0.0.1",
                    "--" + QueryConfig.PORT, Integer.toString(port), "--" + QueryConfig.TABLE_NAME, table,
                    "--" + TableNames.SUBSCRIBERS_TABLE, subscriptions, "--" + QueryConfig.SQS_ENDPOINT, sqs.endpoint().toString(),
                    // dynalite on a loaded machine answers in seconds: this is not the test of the service's timeouts
                    // (with its 2 s default a registration was answered 503 in CI).
                    "--" + QueryConfig.CALL_TIMEOUT_MS, "30000", "--" + QueryConfig.ATTEMPT_TIMEOUT_MS, "10000"));
            awsSettings().forEach((k, v) -> {
                if (!k.equals("aws.http.protocol.version")) {
                    args.addAll(List.of("--" + k, v));
                }
            });
            queryService = cluster.startBeside(new ChildJvm("com.rglimits.query.QueryService")
                    .classpath(List.of(queryJar.toString()))
                    .args(args)
                    .log(cluster.logDir().resolve("query-" + prefix + ".log")));
            await("the query service", () -> http("GET", "/health") == 200);
            assertThat(http("PUT", "/subscribers/" + subscriber)).as("subscriber registered").isEqualTo(201);
            assertThat(http("PUT", "/subscribers/" + subscriber + "/subscriptions/all-users")).as("subscribed").isEqualTo(204);
            // The subscriber program reads its queue while the job runs, as a subscriber does.
            subscriberOutput = cluster.logDir().resolve("subscriber-" + subscriber + ".out");
            subscriberProgram = cluster.startBeside(new ChildJvm(Subscriber.class.getName())
                    .classpath(List.of(System.getProperty("java.class.path").split(File.pathSeparator)))
                    .args(List.of("--subscriber", subscriber, "--sqs.endpoint", sqs.endpoint().toString()))
                    .log(subscriberOutput));
        }

        /** The job's settings: these resources, and ordering settings a loaded machine cannot upset. */
        List<String> jobArgs() {
            Map<String, String> settings = new LinkedHashMap<>(awsSettings());
            settings.put(JobOptions.SOURCE_STREAM.key(), input);
            settings.put(JobOptions.DLQ_STREAM.key(), dlq);
            settings.put(JobOptions.TABLE_NAME.key(), table);
            settings.put(JobOptions.SUBSCRIBERS_TABLE.key(), subscriptions);
            settings.put(JobOptions.SUBSCRIBERS_UNDELIVERED_TABLE.key(), undelivered);
            settings.put(JobOptions.SUBSCRIBERS_SQS_ENDPOINT.key(), sqs.endpoint().toString());
            robustOrderingSettings(settings);
            return args(settings);
        }

        List<byte[]> endOfStream(long createdAt) {
            return KinesisJobTests.endOfStream(kinesis, input, createdAt);
        }

        void publish(List<byte[]> records, double perSecond) {
            RecordPublisher.publish(kinesis, input, records, perSecond);
        }

        Map<String, UserLimit> table() {
            return tableOf(table);
        }

        /** Waits until the table is the model's and every dead letter it expects is on the stream. */
        void awaitSettled() throws Exception {
            await("the table and the dead letters to reach the in-order result", SETTLE, () -> {
                read(dlqReader, deadLetters);
                return table().equals(model.limits()) && distinctDeadLetters().size() >= model.deadLetters().size();
            });
        }

        /** The dead letters by the position of their record (shard/sequence number): each record has one. */
        Map<String, List<String>> deadLettersByRecord() {
            Map<String, List<String>> byRecord = new TreeMap<>();
            for (JsonNode d : deadLetters) {
                JsonNode source = d.get("source");
                byRecord.computeIfAbsent(source.get("shardId").asText() + "/" + source.get("sequenceNumber").asText(),
                        k -> new ArrayList<>()).add(d.get("reason").asText() + " " + recordBase64(d));
            }
            return byRecord;
        }

        List<String> distinctDeadLetters() {
            return deadLettersByRecord().values().stream().map(l -> l.get(0)).sorted().collect(Collectors.toList());
        }

        /**
         * @param restored whether the job was restored from a checkpoint: the dead-letter sink is at-least-once
         *     (it flushes on checkpoints), so a dead letter written after the last checkpoint before a failure
         *     is written again by the restored job; stop-with-savepoint leaves none to write again
         */
        void assertExactOutcome(boolean restored) throws Exception {
            Thread.sleep(2_000); // a dead letter or a message written twice would show by now
            read(dlqReader, deadLetters);
            poller.close();
            assertThat(poller.backwards()).as("items seen at an older version than before").isEmpty();
            assertThat(poller.scans()).as("table scans while the job ran").isGreaterThan(10);
            assertThat(table()).as("the table equals the in-order result").isEqualTo(model.limits());

            Map<String, List<String>> byRecord = deadLettersByRecord();
            assertThat(byRecord.values()).as("each record dead-lettered for one reason only")
                    .allMatch(l -> l.stream().distinct().count() == 1);
            assertThat(distinctDeadLetters()).as("dead letters: reason and original record, one per record")
                    .containsExactlyElementsOf(model.deadLetterKeys());
            assertThat(model.deadLetterKeys()).anyMatch(k -> k.startsWith("INVALID_EVENT")).anyMatch(k -> k.startsWith("LATE_EVENT"))
                    .anyMatch(k -> k.startsWith("UNKNOWN_LIMIT")).anyMatch(k -> k.startsWith("LIMIT_ALREADY_EXISTS"));
            assertThat(model.duplicates()).as("redeliveries in the stream").isGreaterThan(20);
            int copies = deadLetters.size() - byRecord.size();
            timings.add(deadLetters.size() + " dead letters on the stream for " + byRecord.size() + " records: " + copies
                    + " written again" + (restored ? " after the restore (at-least-once sink)" : ""));
            if (!restored) {
                assertThat(copies).as("dead letters written twice").isZero();
            }

            assertTheFeedIsTheModels();
            assertTheQueryServiceServesTheTable();
        }

        /** The subscriber program read the queue: each applied version's messages exactly once, per user in order. */
        private void assertTheFeedIsTheModels() throws Exception {
            Map<String, List<String>> expected = Subscribers.expected(model.appliedVersions(), Thresholds.parse(Thresholds.DEFAULT), null);
            int count = expected.values().stream().mapToInt(List::size).sum();
            try {
                await("the subscriber to read " + count + " messages; see " + subscriberOutput,
                        () -> messagesRead().values().stream().mapToInt(List::size).sum() >= count);
            } finally {
                subscriberProgram.destroy();
                subscriberProgram.waitFor(10, TimeUnit.SECONDS);
            }
            assertThat(messagesRead()).as("the subscriber's messages per user").isEqualTo(expected);
            try (SqsClient client = sqs.client()) {
                String queue = client.getQueueUrl(b -> b.queueName("user-limits-" + subscriber + ".fifo")).queueUrl();
                assertThat(Subscribers.receivedByUser(client, queue)).as("messages beyond the model's (sent twice)").isEmpty();
            }
        }

        /** What the subscriber program printed so far, per user. */
        private Map<String, List<String>> messagesRead() throws IOException {
            Map<String, List<String>> received = new TreeMap<>();
            for (String line : Files.readAllLines(subscriberOutput, StandardCharsets.UTF_8)) {
                if (line.startsWith("{") && line.endsWith("}")) {
                    received.computeIfAbsent(MAPPER.readTree(line).get("userId").asText(), u -> new ArrayList<>()).add(line);
                }
            }
            return received;
        }

        /** {@code GET /users/{userId}/limits} of the query service's jar answers each user's limits as the model has them. */
        private void assertTheQueryServiceServesTheTable() throws Exception {
            Map<String, String> expected = new TreeMap<>();
            for (UserLimit l : model.limits().values()) {
                expected.put(KinesisInOrderModel.key(l), l.lastSequenceNumber + " " + l.progress.toPlainString() + " " + l.value.toPlainString());
            }
            Set<String> users = model.limits().values().stream().map(l -> l.userId).collect(Collectors.toCollection(HashSet::new));
            Map<String, String> served = new TreeMap<>();
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            // Eight calls at a time, as a few front ends would make them: quicker than one by one, no flood.
            Semaphore inFlight = new Semaphore(8);
            List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
            for (String user : users) {
                inFlight.acquire();
                calls.add(client.sendAsync(HttpRequest.newBuilder(queryApi.resolve("/users/" + user + "/limits")).build(),
                        HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> inFlight.release()));
            }
            for (CompletableFuture<HttpResponse<String>> call : calls) {
                HttpResponse<String> response = call.get(1, TimeUnit.MINUTES);
                assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                for (JsonNode l : MAPPER.readTree(response.body()).get("limits")) {
                    served.put(l.get("userId").asText() + "/" + l.get("userLimitId").asText(), l.get("lastSequenceNumber").asLong() + " "
                            + l.get("progress").asText() + " " + l.get("value").asText());
                }
            }
            assertThat(served).as("what the query service serves").isEqualTo(expected);
        }

        private int http(String method, String path) throws IOException, InterruptedException {
            HttpRequest request = HttpRequest.newBuilder(queryApi.resolve(path))
                    .method(method, HttpRequest.BodyPublishers.noBody()).build();
            return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        }

        @Override
        public void close() throws Exception {
            subscriberProgram.destroy();
            queryService.destroy();
            subscriberProgram.waitFor(10, TimeUnit.SECONDS);
            queryService.waitFor(10, TimeUnit.SECONDS);
            poller.close();
            kinesis.close();
            dynamo.close();
        }
    }

    /**
     * Generous bounds, as in {@code KinesisPipelineIT}: on a loaded machine a source reader starved of CPU
     * would otherwise be taken for an idle or quiet shard, and events released ahead of a user's earlier
     * ones still to be read. The test events' createdAt is years behind the wall clock: without the last
     * setting the sink would take the job for a replay and hold versions up to a minute.
     */
    private static void robustOrderingSettings(Map<String, String> settings) {
        settings.put(JobOptions.CHECKPOINT_INTERVAL.key(), CHECKPOINT_INTERVAL);
        settings.put(JobOptions.IDLENESS.key(), "1 min");
        settings.put(JobOptions.MAX_HOLD.key(), "1 min");
        settings.put(JobOptions.SINK_MERGE_MAX_WINDOW.key(), "0 ms");
    }

    private static Map<String, String> awsSettings() {
        Map<String, String> out = new TreeMap<>();
        aws.awsProperties().forEach((k, v) -> out.put((String) k, (String) v));
        return out;
    }

    private static List<String> args(Map<String, String> settings) {
        List<String> args = new ArrayList<>();
        settings.forEach((k, v) -> args.addAll(List.of("--" + k, v)));
        return args;
    }

    /** A job's accounting counter, as the Prometheus reporter names it. */
    private static String metric(String accountingName) {
        return "flink_taskmanager_job_task_operator_" + Accounting.GROUP + "_" + accountingName.replace('.', '_');
    }

    private static Map<String, Double> metrics(String job) throws IOException, InterruptedException {
        return PrometheusScrape.sumsOfJob(cluster.taskManagers().stream().map(FlinkCluster.Member::metrics)
                .collect(Collectors.toList()), job);
    }

    private static Map<String, UserLimit> tableOf(String table) {
        Map<String, UserLimit> out = new TreeMap<>();
        try (DynamoDbClient dynamo = aws.dynamoDbClient()) {
            LimitTable.scanAll(dynamo, table).forEach(item -> {
                UserLimit l = LimitItems.fromItem(item);
                out.put(KinesisInOrderModel.key(l), l);
            });
        }
        return out;
    }

    private static UserLimit parse(String line) {
        try {
            return LimitExport.parse(line);
        } catch (LimitExport.BadLine e) {
            throw new IllegalStateException("a fixture's table line: " + line, e);
        }
    }

    private static void read(StreamReader reader, List<JsonNode> into) throws IOException {
        for (StreamReader.Read r : reader.poll()) {
            into.add(MAPPER.readTree(r.record.data().asByteArray()));
        }
    }

    private static long latestCreatedAt(List<byte[]> records) {
        long latest = Long.MIN_VALUE;
        for (byte[] r : records) {
            try {
                JsonNode n = MAPPER.readTree(r);
                if (n != null && n.path("createdAt").canConvertToLong()) {
                    latest = Math.max(latest, n.path("createdAt").asLong());
                }
            } catch (IOException notJson) {
                // a bad record of the stream: no time
            }
        }
        return latest;
    }

    private static String recordBase64(JsonNode deadLetter) {
        return deadLetter.has("recordBase64")
                ? deadLetter.get("recordBase64").asText()
                : Base64.getEncoder().encodeToString(deadLetter.get("record").asText().getBytes(StandardCharsets.UTF_8));
    }

    private static void await(String what, FlinkCluster.Check check) throws Exception {
        await(what, Duration.ofMinutes(3), check);
    }

    private static void await(String what, Duration timeout, FlinkCluster.Check check) throws Exception {
        FlinkCluster.awaitCondition(what, timeout, check);
    }

    private static void timing(String what, long startedNanos) {
        String line = String.format("%s: %.1f s", what, (System.nanoTime() - startedNanos) / 1e9);
        timings.add(line);
        System.out.println("[timing] " + line);
    }

    private static long size(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : paths.collect(Collectors.toList())) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
