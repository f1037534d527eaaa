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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * The job on kinesalite in a MiniCluster while the input's shards are split and merged under it, with
 * the production default idleness: every record applied once, in each user's order, none late.
 * (Apart from {@link KinesisPipelineIT} so that the two run in parallel JVMs.)
 */
class KinesisReshardingIT {
    @RegisterExtension
    static final MiniClusterExtension FLINK = KinesisJobTests.miniClusterWithoutRestarts(KinesisTestJob.PARALLELISM);

    @RegisterExtension
    static final KinesisEmulators AWS = new KinesisEmulators();

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void splittingAndMergingShardsWhileTheJobRunsLosesNothingAndKeepsEachUsersOrder(
            @InjectClusterClient ClusterClient<?> cluster) throws Exception {
        // The production default idleness, and a pause longer than it before the reshard: the parents'
        // subtasks are idle, out of the watermark, when they get the children (Flink keeps such a subtask
        // out until its watermark passes where it stood), so the other subtask carries the watermark past
        // the children's records before they are read.
        TwoShardRun run = new TwoShardRun(AWS.bed(), AWS.kinesis(), "reshard", 7, cluster, KinesisTestJob.IDLENESS_DEFAULT_MS);
        String input = run.input;
        JobConfig config = run.config;
        KinesisTestEvents events = run.events;
        KinesisInOrderModel model = run.model;
        RecordingLimitsSink recorder = run.recorder;
        Thread.sleep(KinesisTestJob.IDLENESS_DEFAULT_MS + 2_000);

        // Split the first shard at a quarter of the hash range, publish, then merge the upper child
        // with the second shard, publish again: records of one user cross parent and child shards.
        List<Shard> shards = KinesisStreams.shards(AWS.kinesis(), input);
        BigInteger quarter = new BigInteger(shards.get(1).hashKeyRange().startingHashKey()).shiftRight(1);
        AWS.kinesis().splitShard(b -> b.streamName(input).shardToSplit(shards.get(0).shardId())
                .newStartingHashKey(quarter.toString()));
        StreamAdmin.waitUntilActive(AWS.kinesis(), input, Duration.ofSeconds(30));
        run.publishPhase(events.next(800));

        List<Shard> open = new ArrayList<>();
        for (Shard shard : KinesisStreams.shards(AWS.kinesis(), input)) {
            if (shard.sequenceNumberRange().endingSequenceNumber() == null) {
                open.add(shard);
            }
        }
        open.sort(Comparator.comparing(sh -> new BigInteger(sh.hashKeyRange().startingHashKey())));
        assertThat(open).as("open shards after the split").hasSize(3);
        AWS.kinesis().mergeShards(b -> b.streamName(input).shardToMerge(open.get(1).shardId())
                .adjacentShardToMerge(open.get(2).shardId()));
        StreamAdmin.waitUntilActive(AWS.kinesis(), input, Duration.ofSeconds(30));
        List<byte[]> afterMerge = new ArrayList<>(events.next(800));
        long end = KinesisTestEvents.BASE_TIME + 2400 * KinesisTestEvents.STEP_MS + 60_000;
        afterMerge.addAll(run.watermarkPushers(end));
        run.publishPhase(afterMerge);

        StreamReader dlqReader = new StreamReader(AWS.kinesis(), run.dlq);
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
            softly.assertThat(KinesisJobTests.table(AWS.bed(), config.tableName())).as("the DynamoDB table equals the in-order result").isEqualTo(model.limits());
            softly.assertThat(actualDeadLetters).as("no event became late through the reshards")
                    .containsExactlyElementsOf(model.deadLetterKeys());
        });
        recorder.clear();
    }
}
