package com.rglimits.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.rglimits.config.JobConfig;
import com.rglimits.config.JobOptions;
import com.rglimits.config.Settings;
import com.rglimits.deadletter.DeadLetter;
import com.rglimits.job.UserLimitsPipeline;
import com.rglimits.localaws.StreamAdmin;
import com.rglimits.sink.LimitsDynamoDbSink;
import com.rglimits.table.LimitTable;
import com.rglimits.testing.KinesisBed;
import com.rglimits.testing.KinesisInOrderModel;
import com.rglimits.testing.KinesisTestEvents;
import com.rglimits.testing.RecordingLimitsSink;
import com.rglimits.testing.TestBeds;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * The job against the real Kinesis API (kinesalite, the shared test bed) in a MiniCluster: a 4-shard
 * input stream, a few thousand events of many users shuffled inside the out-of-orderness bound,
 * redeliveries, rule violations and invalid records; a stop-with-savepoint in the middle and a
 * resume from it. The limits must equal the in-order result with every version emitted exactly
 * once, and every dead letter must be on the dead-letter stream with its reason and the exact
 * shard and sequence number its record was published at.
 */
class KinesisPipelineIT {
    private static final int PARALLELISM = 2;
    private static final int SHARDS = 4;
    /**
     * Generous: idleness is "no records for this long", which a source subtask starved of CPU on a loaded
     * CI machine also shows; declared idle in the middle of its records, the others carry the watermark
     * past the records it still has to deliver after its earlier ones were released (README, "Idleness").
     */
    private static final long GENEROUS_IDLENESS_MS = 60_000;
    private static final long IDLENESS_DEFAULT_MS = 10_000;

    @RegisterExtension
    static final MiniClusterExtension FLINK = KinesisJobTests.miniClusterWithoutRestarts(PARALLELISM);

    private static KinesisBed emulators;
    private static KinesisClient kinesis;

    @BeforeAll
    static void startEmulators() throws Exception {
        emulators = TestBeds.kinesis();
        kinesis = emulators.kinesisClient();
    }

    @AfterAll
    static void closeClient() {
        if (kinesis != null) {
            kinesis.close();
        }
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void materializesInOrderAndSurvivesStopWithSavepoint(@InjectClusterClient ClusterClient<?> cluster, @TempDir Path tmp)
            throws Exception {
        String input = "events-" + System.nanoTime();
        String dlq = "dead-letters-" + System.nanoTime();
        currentInput = input;
        String inputArn = StreamAdmin.createStream(kinesis, input, SHARDS, Duration.ofSeconds(30));
        StreamAdmin.createStream(kinesis, dlq, 1, Duration.ofSeconds(30));
        try (var dynamoDb = emulators.dynamoDbClient()) {
            LimitTable.create(dynamoDb, config(input, dlq).tableName());
        }
        // The job reads by name here (resolved to the ARN with DescribeStreamSummary), like a user would give it.
        JobConfig config = config(input, dlq);

        KinesisTestEvents events = new KinesisTestEvents(42, 150);
        List<byte[]> phaseA = events.next(1500);
        List<byte[]> phaseB = new ArrayList<>(events.next(1500));
        // End of stream: one record of another type per shard, far ahead in event time, so that the
        // watermark releases the last held events without waiting for the processing-time bound.
        long end = KinesisTestEvents.BASE_TIME + 3000 * KinesisTestEvents.STEP_MS + 60_000;
        phaseB.addAll(watermarkPushers(end));
        List<byte[]> phaseC = new ArrayList<>(events.lateEvents(20));
        phaseC.addAll(events.redeliveriesOfEarlierRecords(20));
        for (int i = 0; i < 7; i++) {
            phaseC.add(events.invalidRecord());
        }

        KinesisInOrderModel model = new KinesisInOrderModel();
        Map<String, List<RecordPublisher.Sent>> positions = new HashMap<>();
        RecordingLimitsSink recorder = new RecordingLimitsSink("kinesis-e2e-" + input);
        List<JsonNode> deadLetters = new ArrayList<>();
        StreamReader dlqReader = new StreamReader(kinesis, dlq);

        // Phase A, job 1: stop with a savepoint once part of it is applied, with events still held.
        publish(phaseA, positions);
        model.applyPhase(phaseA);
        JobID job1 = cluster.submitJob(jobGraph(config, recorder, null)).get();
        KinesisJobTests.waitFor("job 1 to apply part of phase A", Duration.ofSeconds(90),
                () -> recorder.versions().size() >= model.appliedCount() * 2 / 5);
        String savepoint = cluster.stopWithSavepoint(job1, false, tmp.resolve("savepoints").toUri().toString(),
                SavepointFormatType.CANONICAL).get(60, TimeUnit.SECONDS);
        int appliedByJob1 = recorder.versions().size();
        assertThat(appliedByJob1).as("stopped in the middle").isLessThan(model.appliedCount());

        // Phase B while no job runs, then job 2 from the savepoint.
        publish(phaseB, positions);
        model.applyPhase(phaseB);
        JobID job2 = cluster.submitJob(jobGraph(config, recorder, savepoint)).get();
        int expectedDeadLettersAB = model.deadLetters().size();
        KinesisJobTests.waitFor("job 2 to settle on phases A and B", Duration.ofSeconds(90), () -> {
            deadLetters.addAll(KinesisJobTests.deadLetters(dlqReader));
            return recorder.versions().size() >= model.appliedCount() && deadLetters.size() >= expectedDeadLettersAB;
        });

        // Phase C: late events, redeliveries of phase A records (dedup state came through the savepoint), invalid records.
        publish(phaseC, positions);
        model.applyPhase(phaseC);
        KinesisJobTests.waitFor("job 2 to dead-letter phase C", Duration.ofSeconds(60), () -> {
            deadLetters.addAll(KinesisJobTests.deadLetters(dlqReader));
            return deadLetters.size() >= model.deadLetters().size();
        });
        Thread.sleep(2_000); // anything extra (a double application, a duplicate dead letter) would show now
        deadLetters.addAll(KinesisJobTests.deadLetters(dlqReader));
        cluster.cancel(job2).get(30, TimeUnit.SECONDS);

        assertThat(appliedByJob1).isGreaterThan(0);
        assertThat(model.versionDifferences(recorder.versionKeys()))
                .as("every limit version exactly once across the savepoint").isEmpty();
        assertThat(recorder.latest()).as("the latest versions equal the in-order result").isEqualTo(model.limits());
        assertThat(KinesisJobTests.table(emulators, config.tableName())).as("the DynamoDB table equals the in-order result").isEqualTo(model.limits());

        List<String> actualDeadLetters = new ArrayList<>();
        for (JsonNode d : deadLetters) {
            actualDeadLetters.add(d.get("reason").asText() + " " + KinesisJobTests.recordBase64(d));
        }
        actualDeadLetters.sort(null);
        assertThat(actualDeadLetters).as("dead letters: reason and original record")
                .containsExactlyElementsOf(model.deadLetterKeys());
        assertThat(model.deadLetterKeys()).anyMatch(k -> k.startsWith("INVALID_EVENT"))
                .anyMatch(k -> k.startsWith("LATE_EVENT")).anyMatch(k -> k.startsWith("UNKNOWN_LIMIT"))
                .anyMatch(k -> k.startsWith("LIMIT_ALREADY_EXISTS"));
        assertThat(model.duplicates()).isGreaterThan(20);

        Set<String> shards = new HashSet<>();
        for (Shard s : KinesisStreams.shards(kinesis, input)) {
            shards.add(s.shardId());
        }
        for (JsonNode d : deadLetters) {
            JsonNode source = d.get("source");
            assertThat(source).as("source of %s", d).isNotNull();
            assertThat(source.get("stream").asText()).isEqualTo(input);
            assertThat(shards).contains(source.get("shardId").asText());
            Set<String> published = new HashSet<>();
            positions.get(KinesisJobTests.recordBase64(d)).forEach(p -> published.add(p.shardId + "/" + p.sequenceNumber));
            assertThat(published).as("where %s was published", d)
                    .contains(source.get("shardId").asText() + "/" + source.get("sequenceNumber").asText());
            assertThat(d.get("error").asText()).isNotBlank();
        }
        assertThat(inputArn).endsWith(":stream/" + input);
        recorder.clear();
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void splittingAndMergingShardsWhileTheJobRunsLosesNothingAndKeepsEachUsersOrder(
            @InjectClusterClient ClusterClient<?> cluster) throws Exception {
        // The production default idleness, and a pause longer than it before the reshard: the parents'
        // subtasks are idle, out of the watermark, when they get the children (Flink keeps such a subtask
        // out until its watermark passes where it stood), so the other subtask carries the watermark past
        // the children's records before they are read.
        TwoShardRun run = new TwoShardRun("reshard", 7, cluster, IDLENESS_DEFAULT_MS);
        String input = run.input;
        JobConfig config = run.config;
        KinesisTestEvents events = run.events;
        KinesisInOrderModel model = run.model;
        RecordingLimitsSink recorder = run.recorder;
        Thread.sleep(IDLENESS_DEFAULT_MS + 2_000);

        // Split the first shard at a quarter of the hash range, publish, then merge the upper child
        // with the second shard, publish again: records of one user cross parent and child shards.
        List<Shard> shards = KinesisStreams.shards(kinesis, input);
        BigInteger quarter = new BigInteger(shards.get(1).hashKeyRange().startingHashKey()).shiftRight(1);
        kinesis.splitShard(b -> b.streamName(input).shardToSplit(shards.get(0).shardId())
                .newStartingHashKey(quarter.toString()));
        StreamAdmin.waitUntilActive(kinesis, input, Duration.ofSeconds(30));
        run.publishPhase(events.next(800));

        List<Shard> open = new ArrayList<>();
        for (Shard shard : KinesisStreams.shards(kinesis, input)) {
            if (shard.sequenceNumberRange().endingSequenceNumber() == null) {
                open.add(shard);
            }
        }
        open.sort(java.util.Comparator.comparing(sh -> new BigInteger(sh.hashKeyRange().startingHashKey())));
        assertThat(open).as("open shards after the split").hasSize(3);
        kinesis.mergeShards(b -> b.streamName(input).shardToMerge(open.get(1).shardId())
                .adjacentShardToMerge(open.get(2).shardId()));
        StreamAdmin.waitUntilActive(kinesis, input, Duration.ofSeconds(30));
        List<byte[]> afterMerge = new ArrayList<>(events.next(800));
        long end = KinesisTestEvents.BASE_TIME + 2400 * KinesisTestEvents.STEP_MS + 60_000;
        afterMerge.addAll(watermarkPushers(end));
        run.publishPhase(afterMerge);

        StreamReader dlqReader = new StreamReader(kinesis, run.dlq);
        List<JsonNode> deadLetters = new ArrayList<>();
        KinesisJobTests.waitFor("the job to apply every record across the reshards", Duration.ofSeconds(150), () -> {
            deadLetters.addAll(KinesisJobTests.deadLetters(dlqReader));
            return recorder.versions().size() >= model.appliedCount() && deadLetters.size() >= model.deadLetters().size();
        });
        Thread.sleep(2_000);
        deadLetters.addAll(KinesisJobTests.deadLetters(dlqReader));
        cluster.cancel(run.job).get(30, TimeUnit.SECONDS);

        List<String> actualDeadLetters = new ArrayList<>();
        for (JsonNode d : deadLetters) {
            actualDeadLetters.add(d.get("reason").asText() + " " + KinesisJobTests.recordBase64(d));
        }
        actualDeadLetters.sort(null);
        // Soft: when a version is missing, the dead letters say whether it became late or was lost.
        SoftAssertions.assertSoftly(softly -> {
            softly.assertThat(model.versionDifferences(recorder.versionKeys()))
                    .as("every limit version exactly once, across split and merge").isEmpty();
            softly.assertThat(KinesisJobTests.table(emulators, config.tableName())).as("the DynamoDB table equals the in-order result").isEqualTo(model.limits());
            softly.assertThat(actualDeadLetters).as("no event became late through the reshards")
                    .containsExactlyElementsOf(model.deadLetterKeys());
        });
        recorder.clear();
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void aSavepointTakenDuringASplitRestores(@InjectClusterClient ClusterClient<?> cluster, @TempDir Path tmp) throws Exception {
        TwoShardRun run = new TwoShardRun("split-savepoint", 11, cluster, GENEROUS_IDLENESS_MS);
        String input = run.input;
        JobConfig config = run.config;
        KinesisInOrderModel model = run.model;
        RecordingLimitsSink recorder = run.recorder;

        // Split, publish into the children, and take the savepoint before the source discovers them.
        List<Shard> shards = KinesisStreams.shards(kinesis, input);
        kinesis.splitShard(b -> b.streamName(input).shardToSplit(shards.get(0).shardId())
                .newStartingHashKey(new BigInteger(shards.get(1).hashKeyRange().startingHashKey()).shiftRight(1).toString()));
        StreamAdmin.waitUntilActive(kinesis, input, Duration.ofSeconds(30));
        List<byte[]> afterSplit = new ArrayList<>(run.events.next(800));
        long end = KinesisTestEvents.BASE_TIME + 1600 * KinesisTestEvents.STEP_MS + 60_000;
        afterSplit.addAll(watermarkPushers(end));
        run.publishPhase(afterSplit);
        String savepoint = cluster.stopWithSavepoint(run.job, false, tmp.resolve("savepoints").toUri().toString(),
                SavepointFormatType.CANONICAL).get(60, TimeUnit.SECONDS);

        JobID job2 = cluster.submitJob(jobGraph(config, recorder, savepoint)).get();
        KinesisJobTests.waitFor("job 2 to apply every record", Duration.ofSeconds(180),
                () -> recorder.versions().size() >= model.appliedCount());
        cluster.cancel(job2).get(30, TimeUnit.SECONDS);

        // FLINK-37627 (connector 4.3.0) can lose records on such a restore: a loss is reported, not failed
        // on; docs/operations.md tells operators not to snapshot during a reshard. Nothing may be applied
        // twice or made up, whatever the timing.
        assertThat(model.unexpectedVersions(recorder.versionKeys()))
                .as("no limit version applied twice or made up across a savepoint taken during a split").isEmpty();
        List<String> missing = model.missingVersions(recorder.versionKeys());
        if (!missing.isEmpty()) {
            Map<String, Integer> deadLettered = new TreeMap<>();
            for (JsonNode d : KinesisJobTests.deadLetters(new StreamReader(kinesis, run.dlq))) {
                deadLettered.merge(d.get("reason").asText(), 1, Integer::sum);
            }
            System.err.println("savepoint during a split: " + missing.size() + " of " + model.appliedCount()
                    + " versions not applied " + missing + "; dead letters by reason " + deadLettered
                    + " (the known connector defect FLINK-37627, or late events after the restore)");
        }
        recorder.clear();
    }

    /** A job running on a new 2-shard stream, with its model and the first 800 records partly applied. */
    private final class TwoShardRun {
        final String input;
        final String dlq;
        final JobConfig config;
        final KinesisTestEvents events;
        final KinesisInOrderModel model = new KinesisInOrderModel();
        final RecordingLimitsSink recorder;
        final JobID job;

        TwoShardRun(String name, long seed, ClusterClient<?> cluster, long idlenessMs) throws Exception {
            input = name + "-" + System.nanoTime();
            dlq = name + "-dlq-" + System.nanoTime();
            currentInput = input;
            StreamAdmin.createStream(kinesis, input, 2, Duration.ofSeconds(30));
            StreamAdmin.createStream(kinesis, dlq, 1, Duration.ofSeconds(30));
            config = config(input, dlq, idlenessMs);
            try (var dynamoDb = emulators.dynamoDbClient()) {
                LimitTable.create(dynamoDb, config.tableName());
            }
            events = new KinesisTestEvents(seed, 60);
            recorder = new RecordingLimitsSink("kinesis-" + input);
            job = cluster.submitJob(jobGraph(config, recorder, null)).get();
            publishPhase(events.next(800));
            KinesisJobTests.waitFor("the job to apply part of the first records", Duration.ofSeconds(60),
                    () -> recorder.versions().size() >= model.appliedCount() / 3);
        }

        void publishPhase(List<byte[]> records) {
            publish(records, new HashMap<>());
            model.applyPhase(records);
        }
    }

    private JobConfig config(String input, String dlq) {
        return config(input, dlq, GENEROUS_IDLENESS_MS);
    }

    private JobConfig config(String input, String dlq, long idlenessMs) {
        Map<String, String> values = new HashMap<>();
        emulators.awsProperties().forEach((k, v) -> values.put((String) k, (String) v));
        values.put(JobOptions.SOURCE_STREAM.key(), input);
        values.put(JobOptions.SOURCE_INITPOS.key(), "TRIM_HORIZON");
        values.put(JobOptions.DLQ_STREAM.key(), dlq);
        values.put(JobOptions.TABLE_NAME.key(), "limits-" + input); // the tests share one dynalite
        values.put(JobOptions.PARALLELISM.key(), Integer.toString(PARALLELISM));
        values.put(JobOptions.CHECKPOINT_INTERVAL.key(), "1000");
        values.put(JobOptions.IDLENESS.key(), Long.toString(idlenessMs));
        // Likewise: a reader starved for the whole bound while the others wait on its watermark looks
        // like a quiet stream, and the bound would release a user's later events ahead of its earlier ones.
        values.put(JobOptions.MAX_HOLD.key(), "60000");
        // The test events' createdAt is years behind the wall clock: the sink would take the job for a
        // replay and hold versions up to sink.merge.max-window, while the test compares the table 2 s after the recorder.
        values.put(JobOptions.SINK_MERGE_MAX_WINDOW.key(), "0");
        return JobConfig.from(new Settings(values, k -> k));
    }

    private static JobGraph jobGraph(JobConfig config, RecordingLimitsSink recorder, String savepoint) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        UserLimitsPipeline.configure(env, config);
        Sink<DeadLetter> deadLetterSink = DeadLetterSinkFactory.create(config);
        UserLimitsPipeline.build(env, KinesisSourceFactory.create(config), LimitsDynamoDbSink.fromConfig(config),
                        deadLetterSink, null, config)
                .limits.sinkTo(recorder).uid("test-recorder").name("Record limit versions");
        JobGraph graph = env.getStreamGraph().getJobGraph();
        if (savepoint != null) {
            graph.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(savepoint, false));
        }
        return graph;
    }

    private void publish(List<byte[]> records, Map<String, List<RecordPublisher.Sent>> positions) {
        List<RecordPublisher.Sent> sent = RecordPublisher.publish(kinesis, currentInput, records, 0);
        for (RecordPublisher.Sent s : sent) {
            positions.computeIfAbsent(Base64.getEncoder().encodeToString(records.get(s.index)), k -> new ArrayList<>()).add(s);
        }
    }

    private String currentInput;

    /** One record of another type per shard of the current input, at {@code createdAt}. */
    private List<byte[]> watermarkPushers(long createdAt) {
        return KinesisTestEvents.endOfStream(KinesisStreams.shards(kinesis, currentInput), createdAt);
    }
}
