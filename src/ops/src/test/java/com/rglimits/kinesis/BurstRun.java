package com.rglimits.kinesis;

import com.fasterxml.jackson.databind.JsonNode;
import com.rglimits.config.JobConfig;
import com.rglimits.config.JobOptions;
import com.rglimits.localaws.StreamAdmin;
import com.rglimits.table.LimitTable;
import com.rglimits.testing.KinesisInOrderModel;
import com.rglimits.testing.KinesisTestEvents;
import com.rglimits.testing.RecordingLimitsSink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.client.program.ClusterClient;
import org.assertj.core.api.SoftAssertions;

/**
 * The job on kinesalite over a fresh stream of 4 shards (idleness 20 s), its dead-letter stream and
 * its table, with the in-order model of everything published: what {@link BurstAfterQuietStreamIT}
 * and {@link ReplayAheadOfClockIT} publish into, each after pauses that are what they test. Two
 * classes, so that their pauses run side by side in the module's test JVMs.
 */
final class BurstRun implements AutoCloseable {
    static final int SHARDS = 4;
    static final int USERS = 300;
    /**
     * Above the default (10 s): a shard whose reader stalls this long in the middle of a burst (CPU
     * starvation on a loaded machine) is declared idle, and the README says what that costs; the
     * tests are about pauses, which are longer.
     */
    static final long IDLENESS_MS = 20_000;
    static final long MAX_AHEAD_MS = 20_000;

    final KinesisInOrderModel model = new KinesisInOrderModel();
    final String input;
    final JobConfig config;
    private final KinesisEmulators aws;
    private final ClusterClient<?> cluster;
    private final RecordingLimitsSink recorder;
    private final StreamReader dlqReader;
    private final List<JsonNode> deadLetters = new ArrayList<>();
    private final JobID job;

    BurstRun(KinesisEmulators aws, ClusterClient<?> cluster, String name) throws Exception {
        this.aws = aws;
        this.cluster = cluster;
        input = name + "-" + System.nanoTime();
        String dlq = name + "-dlq-" + System.nanoTime();
        StreamAdmin.createStream(aws.kinesis(), input, SHARDS, Duration.ofSeconds(30));
        StreamAdmin.createStream(aws.kinesis(), dlq, 1, Duration.ofSeconds(30));
        config = config(aws, input, dlq);
        try (var dynamoDb = aws.bed().dynamoDbClient()) {
            LimitTable.create(dynamoDb, config.tableName());
        }
        recorder = new RecordingLimitsSink(input);
        dlqReader = new StreamReader(aws.kinesis(), dlq);
        job = cluster.submitJob(KinesisJobTests.jobGraph(config, recorder, null)).get();
    }

    /** Publishes {@code count} slots of the timeline (shuffled, redelivered) and invalid records at full speed, then checks. */
    void burst(String what, KinesisTestEvents events, int count) throws Exception {
        List<byte[]> records = new ArrayList<>(events.next(count));
        for (int i = 0; i < 7; i++) {
            records.add(records.size() / 2 * i / 7, events.invalidRecord());
        }
        model.applyPhase(records);
        // Records of another type on every shard, past the bound: the watermark releases the burst's last events.
        records.addAll(KinesisJobTests.endOfStream(aws.kinesis(), input, events.time() + 6_000));
        // The next burst starts later, as after a quiet spell upstream: it moves the watermark forward again.
        events.skip(10_000);
        publish(records);
        settle(what);
    }

    void publish(List<byte[]> records) {
        RecordPublisher.publish(aws.kinesis(), input, records, 0);
    }

    /** Waits until the job has applied and dead-lettered what the model says, then compares everything. */
    void settle(String what) throws Exception {
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
        soft.assertThat(KinesisJobTests.table(aws.bed(), config.tableName())).as(what + ": the table equals the in-order result").isEqualTo(model.limits());
        soft.assertThat(summary(actualDeadLetters)).as(what + ": dead letters by reason").isEqualTo(summary(model.deadLetterKeys()));
        soft.assertThat(actualDeadLetters).as(what + ": dead letters, reason and original record")
                .containsExactlyElementsOf(model.deadLetterKeys());
        soft.assertAll();
    }

    @Override
    public void close() throws Exception {
        cluster.cancel(job).get(30, TimeUnit.SECONDS);
        recorder.clear();
    }

    private static Map<String, Integer> summary(List<String> deadLetterKeys) {
        Map<String, Integer> byReason = new TreeMap<>();
        deadLetterKeys.forEach(k -> byReason.merge(k.substring(0, k.indexOf(' ')), 1, Integer::sum));
        return byReason;
    }

    private static JobConfig config(KinesisEmulators aws, String input, String dlq) {
        Map<String, String> values = KinesisJobTests.settings(aws.bed(), input, dlq);
        values.put(JobOptions.PARALLELISM.key(), "2");
        values.put(JobOptions.IDLENESS.key(), Long.toString(IDLENESS_MS));
        values.put(JobOptions.MAX_AHEAD.key(), Long.toString(MAX_AHEAD_MS));
        // Every burst ends with records that carry the watermark past it: the processing-time bound plays no part.
        values.put(JobOptions.MAX_HOLD.key(), "120000");
        return KinesisJobTests.config(values);
    }
}
