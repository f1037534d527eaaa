package com.rglimits.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.rglimits.config.JobConfig;
import com.rglimits.localaws.StreamAdmin;
import com.rglimits.table.LimitTable;
import com.rglimits.testing.KinesisInOrderModel;
import com.rglimits.testing.KinesisTestEvents;
import com.rglimits.testing.RecordingLimitsSink;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
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
    private static final int SHARDS = 4;

    @RegisterExtension
    static final MiniClusterExtension FLINK = KinesisJobTests.miniClusterWithoutRestarts(KinesisTestJob.PARALLELISM);

    @RegisterExtension
    static final KinesisEmulators AWS = new KinesisEmulators();

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void materializesInOrderAndSurvivesStopWithSavepoint(@InjectClusterClient ClusterClient<?> cluster, @TempDir Path tmp)
            throws Exception {
        String input = "events-" + System.nanoTime();
        String dlq = "dead-letters-" + System.nanoTime();
        String inputArn = StreamAdmin.createStream(AWS.kinesis(), input, SHARDS, Duration.ofSeconds(30));
        StreamAdmin.createStream(AWS.kinesis(), dlq, 1, Duration.ofSeconds(30));
        // The job reads by name here (resolved to the ARN with DescribeStreamSummary), like a user would give it.
        JobConfig config = KinesisTestJob.config(AWS.bed(), input, dlq, KinesisTestJob.GENEROUS_IDLENESS_MS);
        try (var dynamoDb = AWS.bed().dynamoDbClient()) {
            LimitTable.create(dynamoDb, config.tableName());
        }

        KinesisTestEvents events = new KinesisTestEvents(42, 150);
        List<byte[]> phaseA = events.next(1500);
        List<byte[]> phaseB = new ArrayList<>(events.next(1500));
        // End of stream: one record of another type per shard, far ahead in event time, so that the
        // watermark releases the last held events without waiting for the processing-time bound.
        long end = KinesisTestEvents.BASE_TIME + 3000 * KinesisTestEvents.STEP_MS + 60_000;
        phaseB.addAll(KinesisJobTests.endOfStream(AWS.kinesis(), input, end));
        List<byte[]> phaseC = new ArrayList<>(events.lateEvents(20));
        phaseC.addAll(events.redeliveriesOfEarlierRecords(20));
        for (int i = 0; i < 7; i++) {
            phaseC.add(events.invalidRecord());
        }

        KinesisInOrderModel model = new KinesisInOrderModel();
        Map<String, List<RecordPublisher.Sent>> positions = new HashMap<>();
        RecordingLimitsSink recorder = new RecordingLimitsSink("kinesis-e2e-" + input);
        List<JsonNode> deadLetters = new ArrayList<>();
        StreamReader dlqReader = new StreamReader(AWS.kinesis(), dlq);

        // Phase A, job 1: stop with a savepoint once part of it is applied, with events still held.
        KinesisTestJob.publish(AWS.kinesis(), input, phaseA, positions);
        model.applyPhase(phaseA);
        JobID job1 = cluster.submitJob(KinesisJobTests.jobGraph(config, recorder, null)).get();
        KinesisJobTests.waitFor("job 1 to apply part of phase A", Duration.ofSeconds(90),
                () -> recorder.versions().size() >= model.appliedCount() * 2 / 5);
        String savepoint = cluster.stopWithSavepoint(job1, false, tmp.resolve("savepoints").toUri().toString(),
                SavepointFormatType.CANONICAL).get(60, TimeUnit.SECONDS);
        int appliedByJob1 = recorder.versions().size();
        assertThat(appliedByJob1).as("stopped in the middle").isLessThan(model.appliedCount());

        // Phase B while no job runs, then job 2 from the savepoint.
        KinesisTestJob.publish(AWS.kinesis(), input, phaseB, positions);
        model.applyPhase(phaseB);
        JobID job2 = cluster.submitJob(KinesisJobTests.jobGraph(config, recorder, savepoint)).get();
        int expectedDeadLettersAB = model.deadLetters().size();
        KinesisJobTests.waitFor("job 2 to settle on phases A and B", Duration.ofSeconds(90), () -> {
            deadLetters.addAll(KinesisJobTests.deadLetters(dlqReader));
            return recorder.versions().size() >= model.appliedCount() && deadLetters.size() >= expectedDeadLettersAB;
        });

        // Phase C: late events, redeliveries of phase A records (dedup state came through the savepoint), invalid records.
        KinesisTestJob.publish(AWS.kinesis(), input, phaseC, positions);
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
        assertThat(KinesisJobTests.table(AWS.bed(), config.tableName())).as("the DynamoDB table equals the in-order result").isEqualTo(model.limits());

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
        for (Shard s : KinesisStreams.shards(AWS.kinesis(), input)) {
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
}
