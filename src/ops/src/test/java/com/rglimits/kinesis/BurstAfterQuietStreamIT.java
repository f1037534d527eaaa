package com.rglimits.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.rglimits.config.JobConfig;
import com.rglimits.config.JobOptions;
import com.rglimits.config.Settings;
import com.rglimits.job.UserLimitsPipeline;
import com.rglimits.localaws.StreamAdmin;
import com.rglimits.sink.LimitsDynamoDbSink;
import com.rglimits.table.LimitTable;
import com.rglimits.testing.KinesisInOrderModel;
import com.rglimits.testing.KinesisTestEvents;
import com.rglimits.testing.RecordingLimitsSink;
import com.rglimits.tools.ReplayDeadLetters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 15 on kinesalite, 4 shards, idleness 20 s: bursts of a shuffled stream of 300
 * users with redeliveries, rule violations and invalid records, published at full speed (a) right
 * away, (b) after the stream was quiet for longer than the idleness, (c) as two bursts with such a
 * pause between them, and (d) through the dead-letter replay tool (records dead-lettered because
 * their clock was ahead, replayed once it no longer is). After a pause the first shard read carries
 * the watermark past what the others still hold; their records arrive behind it and must still be
 * applied per user in sequence order. After each burst the limits, every limit version and the
 * dead-letter stream are exactly the in-order result.
 */
class BurstAfterQuietStreamIT {
    private static final int SHARDS = 4;
    private static final int USERS = 300;
    /**
     * Above the default (10 s): a shard whose reader stalls this long in the middle of a burst (CPU
     * starvation on a loaded machine) is declared idle, and the README says what that costs; the
     * test is about the pauses between bursts, which are longer.
     */
    private static final long IDLENESS_MS = 20_000;
    private static final long MAX_AHEAD_MS = 20_000;

    @RegisterExtension
    static final MiniClusterExtension FLINK = KinesisJobTests.miniClusterWithoutRestarts(2);

    @RegisterExtension
    static final KinesisEmulators AWS = new KinesisEmulators();

    private final KinesisInOrderModel model = new KinesisInOrderModel();
    private final List<JsonNode> deadLetters = new ArrayList<>();
    private RecordingLimitsSink recorder;
    private StreamReader dlqReader;
    private String input;
    private JobConfig config;

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void burstsAfterAQuietStreamComeOutInOrder(@InjectClusterClient ClusterClient<?> cluster) throws Exception {
        input = "burst-" + System.nanoTime();
        String dlq = "burst-dlq-" + System.nanoTime();
        StreamAdmin.createStream(AWS.kinesis(), input, SHARDS, Duration.ofSeconds(30));
        StreamAdmin.createStream(AWS.kinesis(), dlq, 1, Duration.ofSeconds(30));
        config = config(input, dlq);
        try (var dynamoDb = AWS.bed().dynamoDbClient()) {
            LimitTable.create(dynamoDb, config.tableName());
        }
        recorder = new RecordingLimitsSink("burst-" + input);
        dlqReader = new StreamReader(AWS.kinesis(), dlq);
        KinesisTestEvents events = new KinesisTestEvents(15, USERS);
        JobID job = cluster.submitJob(jobGraph()).get();

        burst("(a) right away", events, 1_200);

        Thread.sleep(IDLENESS_MS + 3_000);
        burst("(b) after the stream was idle", events, 1_200);

        burst("(c) first of two", events, 600);
        Thread.sleep(IDLENESS_MS + 3_000);
        burst("(c) second of two", events, 600);

        // (d) A producer's clock was 40 s ahead: its records are dead letters (INVALID_EVENT) if read
        // within 20 s of their publication ...
        long pastTheEarlierBursts = System.currentTimeMillis();
        KinesisTestEvents ahead = new KinesisTestEvents(16, USERS, System.currentTimeMillis() + 2 * MAX_AHEAD_MS, "clock-");
        List<byte[]> invalid = ahead.next(300);
        long latestCreatedAt = ahead.time();
        publish(invalid);
        List<byte[]> deadLettered = model.aheadOfClockPhase(invalid);
        settle("(d) records ahead of the clock dead-lettered");
        // ... replayed with the tool once the clock has caught up, after the stream was idle.
        Thread.sleep(Math.max(IDLENESS_MS + 3_000, latestCreatedAt - System.currentTimeMillis() + 1_000));
        List<String> args = new ArrayList<>(List.of("--from-stream", config.dlqStream(), "--to", input,
                "--reason", "INVALID_EVENT", "--since", Long.toString(pastTheEarlierBursts)));
        AWS.bed().awsProperties().forEach((k, v) -> {
            args.add("--" + k);
            args.add((String) v);
        });
        ReplayDeadLetters.Result replayed = ReplayDeadLetters.run(args.toArray(new String[0]));
        assertThat(replayed.replayed).isEqualTo(deadLettered.size());
        model.applyPhase(deadLettered);
        publish(KinesisTestEvents.endOfStream(KinesisStreams.shards(AWS.kinesis(), input), ahead.time() + 6_000));
        settle("(d) the replay");

        cluster.cancel(job).get(30, TimeUnit.SECONDS);
        assertThat(model.deadLetterKeys()).anyMatch(k -> k.startsWith("INVALID_EVENT"))
                .anyMatch(k -> k.startsWith("UNKNOWN_LIMIT")).anyMatch(k -> k.startsWith("LIMIT_ALREADY_EXISTS"));
        assertThat(model.duplicates()).isGreaterThan(100);
    }

    /** Publishes {@code count} slots of the timeline (shuffled, redelivered) and invalid records at full speed, then checks. */
    private void burst(String what, KinesisTestEvents events, int count) throws Exception {
        List<byte[]> records = new ArrayList<>(events.next(count));
        for (int i = 0; i < 7; i++) {
            records.add(records.size() / 2 * i / 7, events.invalidRecord());
        }
        model.applyPhase(records);
        // Records of another type on every shard, past the bound: the watermark releases the burst's last events.
        records.addAll(KinesisTestEvents.endOfStream(KinesisStreams.shards(AWS.kinesis(), input), events.time() + 6_000));
        // The next burst starts later, as after a quiet spell upstream: it moves the watermark forward again.
        events.skip(10_000);
        publish(records);
        settle(what);
    }

    /** Waits until the job has applied and dead-lettered what the model says, then compares everything. */
    private void settle(String what) throws Exception {
        KinesisJobTests.waitFor(what, Duration.ofSeconds(90), () -> {
            deadLetters.addAll(KinesisJobTests.deadLetters(dlqReader));
            return recorder.versions().size() >= model.appliedCount() && deadLetters.size() >= model.deadLetters().size();
        });
        Thread.sleep(2_000); // anything extra (a double application, a duplicate dead letter) would show now
        deadLetters.addAll(KinesisJobTests.deadLetters(dlqReader));

        List<String> actualDeadLetters = new ArrayList<>();
        for (JsonNode d : deadLetters) {
            actualDeadLetters.add(d.get("reason").asText() + " " + KinesisJobTests.recordBase64(d));
        }
        actualDeadLetters.sort(null);
        SoftAssertions soft = new SoftAssertions();
        soft.assertThat(model.versionDifferences(recorder.versionKeys())).as(what + ": every limit version exactly once").isEmpty();
        soft.assertThat(recorder.latest()).as(what + ": the latest versions equal the in-order result").isEqualTo(model.limits());
        soft.assertThat(KinesisJobTests.table(AWS.bed(), config.tableName())).as(what + ": the table equals the in-order result").isEqualTo(model.limits());
        soft.assertThat(summary(actualDeadLetters)).as(what + ": dead letters by reason").isEqualTo(summary(model.deadLetterKeys()));
        soft.assertThat(actualDeadLetters).as(what + ": dead letters, reason and original record")
                .containsExactlyElementsOf(model.deadLetterKeys());
        soft.assertAll();
    }

    private static Map<String, Integer> summary(List<String> deadLetterKeys) {
        Map<String, Integer> byReason = new TreeMap<>();
        deadLetterKeys.forEach(k -> byReason.merge(k.substring(0, k.indexOf(' ')), 1, Integer::sum));
        return byReason;
    }

    private JobConfig config(String input, String dlq) {
        Map<String, String> values = new HashMap<>();
        AWS.bed().awsProperties().forEach((k, v) -> values.put((String) k, (String) v));
        values.put(JobOptions.SOURCE_STREAM.key(), input);
        values.put(JobOptions.SOURCE_INITPOS.key(), "TRIM_HORIZON");
        values.put(JobOptions.DLQ_STREAM.key(), dlq);
        values.put(JobOptions.TABLE_NAME.key(), "limits-" + input);
        values.put(JobOptions.PARALLELISM.key(), "2");
        values.put(JobOptions.CHECKPOINT_INTERVAL.key(), "1000");
        values.put(JobOptions.IDLENESS.key(), Long.toString(IDLENESS_MS));
        values.put(JobOptions.MAX_AHEAD.key(), Long.toString(MAX_AHEAD_MS));
        // Every burst ends with records that carry the watermark past it: the processing-time bound plays no part.
        values.put(JobOptions.MAX_HOLD.key(), "120000");
        // Most bursts' createdAt is years behind the wall clock: the sink would take the job for a replay
        // and hold versions up to sink.merge.max-window, while the test compares the table 2 s after the recorder.
        values.put(JobOptions.SINK_MERGE_MAX_WINDOW.key(), "0");
        return JobConfig.from(new Settings(values, k -> k));
    }

    private org.apache.flink.runtime.jobgraph.JobGraph jobGraph() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        UserLimitsPipeline.configure(env, config);
        UserLimitsPipeline.build(env, KinesisSourceFactory.create(config), LimitsDynamoDbSink.fromConfig(config),
                        DeadLetterSinkFactory.create(config), null, config)
                .limits.sinkTo(recorder).uid("test-recorder").name("Record limit versions");
        return env.getStreamGraph().getJobGraph();
    }

    private void publish(List<byte[]> records) {
        RecordPublisher.publish(AWS.kinesis(), input, records, 0);
    }
}
