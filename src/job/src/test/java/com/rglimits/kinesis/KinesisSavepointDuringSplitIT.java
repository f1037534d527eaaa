package com.rglimits.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.rglimits.config.JobConfig;
import com.rglimits.kinesis.KinesisTestJob.TwoShardRun;
import com.rglimits.localaws.StreamAdmin;
import com.rglimits.testing.KinesisInOrderModel;
import com.rglimits.testing.KinesisTestEvents;
import com.rglimits.testing.RecordingLimitsSink;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
 * A stop-with-savepoint taken right after a split of the input, before the source discovered the
 * children, and the job restored from it on kinesalite: nothing applied twice or made up; a loss
 * (the connector defect FLINK-37627) is reported.
 */
class KinesisSavepointDuringSplitIT {
    @RegisterExtension
    static final MiniClusterExtension FLINK = KinesisJobTests.miniClusterWithoutRestarts(KinesisTestJob.PARALLELISM);

    @RegisterExtension
    static final KinesisEmulators AWS = new KinesisEmulators();

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void aSavepointTakenDuringASplitRestores(@InjectClusterClient ClusterClient<?> cluster, @TempDir Path tmp) throws Exception {
        TwoShardRun run = new TwoShardRun(AWS.bed(), AWS.kinesis(), "split-savepoint", 11, cluster, KinesisTestJob.GENEROUS_IDLENESS_MS);
        String input = run.input;
        JobConfig config = run.config;
        KinesisInOrderModel model = run.model;
        RecordingLimitsSink recorder = run.recorder;

        // Split, publish into the children, and take the savepoint before the source discovers them.
        List<Shard> shards = KinesisStreams.shards(AWS.kinesis(), input);
        AWS.kinesis().splitShard(b -> b.streamName(input).shardToSplit(shards.get(0).shardId())
                .newStartingHashKey(new BigInteger(shards.get(1).hashKeyRange().startingHashKey()).shiftRight(1).toString()));
        StreamAdmin.waitUntilActive(AWS.kinesis(), input, Duration.ofSeconds(30));
        List<byte[]> afterSplit = new ArrayList<>(run.events.next(800));
        long end = KinesisTestEvents.BASE_TIME + 1600 * KinesisTestEvents.STEP_MS + 60_000;
        afterSplit.addAll(run.watermarkPushers(end));
        run.publishPhase(afterSplit);
        String savepoint = cluster.stopWithSavepoint(run.job, false, tmp.resolve("savepoints").toUri().toString(),
                SavepointFormatType.CANONICAL).get(60, TimeUnit.SECONDS);

        JobID job2 = cluster.submitJob(KinesisJobTests.jobGraph(config, recorder, savepoint)).get();
        // Until every record is accounted for: an event taken late after the restore is a dead letter
        // instead of a version, and waiting for its version would only run out the timeout.
        StreamReader dlq = new StreamReader(AWS.kinesis(), run.dlq);
        List<JsonNode> deadLetters = new ArrayList<>();
        KinesisJobTests.waitFor("job 2 to apply or dead-letter every record", Duration.ofSeconds(180), () -> {
            deadLetters.addAll(KinesisJobTests.deadLetters(dlq));
            return recorder.versions().size() + deadLetters.size() >= model.appliedCount() + model.deadLetters().size();
        });
        cluster.cancel(job2).get(30, TimeUnit.SECONDS);
        deadLetters.addAll(KinesisJobTests.deadLetters(dlq));

        // FLINK-37627 (connector 4.3.0) can lose records on such a restore: a loss is reported, not failed
        // on; docs/operations.md tells operators not to snapshot during a reshard. Nothing may be applied
        // twice or made up, whatever the timing.
        assertThat(model.unexpectedVersions(recorder.versionKeys()))
                .as("no limit version applied twice or made up across a savepoint taken during a split").isEmpty();
        List<String> missing = model.missingVersions(recorder.versionKeys());
        if (!missing.isEmpty()) {
            Map<String, Integer> deadLettered = new TreeMap<>();
            for (JsonNode d : deadLetters) {
                deadLettered.merge(d.get("reason").asText(), 1, Integer::sum);
            }
            System.err.println("savepoint during a split: " + missing.size() + " of " + model.appliedCount()
                    + " versions not applied " + missing + "; dead letters by reason " + deadLettered
                    + " (the known connector defect FLINK-37627, or late events after the restore)");
        }
        recorder.clear();
    }
}
