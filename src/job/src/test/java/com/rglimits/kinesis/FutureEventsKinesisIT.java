package com.rglimits.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.rglimits.config.JobConfig;
import com.rglimits.config.JobOptions;
import com.rglimits.job.UserLimitsPipeline;
import com.rglimits.localaws.StreamAdmin;
import com.rglimits.testing.Events;
import com.rglimits.testing.KinesisInOrderModel;
import com.rglimits.testing.KinesisTestEvents;
import com.rglimits.testing.RecordingLimitsSink;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 14 on kinesalite: a shuffled stream with redeliveries plus one event a year and one a day
 * ahead of the clock (and another type a year ahead), on a single-shard and a 4-shard stream. The
 * limits are exactly the in-order result of the other records, and the dead-letter stream holds
 * exactly the in-order model's dead letters plus the two INVALID_EVENTs. Small on purpose: CI time.
 *
 * <p>Also one event a year ahead of its neighbours but in the past by the wall clock (the stream is
 * of 2024): its shard's event time does not follow it, and once the shard's records have moved
 * {@code ordering.max-jump} on without reaching it, it is a third INVALID_EVENT.
 */
class FutureEventsKinesisIT {
    private static final long DAY_MS = 86_400_000L;
    private static final int RECORDS = 300;

    @RegisterExtension
    static final MiniClusterExtension FLINK = KinesisJobTests.miniClusterWithoutRestarts(2);

    @RegisterExtension
    static final KinesisEmulators AWS = new KinesisEmulators();

    @ParameterizedTest(name = "{0} shard(s)")
    @ValueSource(ints = {1, 4})
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void eventsFarAheadOfTheClockAreDeadLetteredAndEveryoneElseIsInOrder(int shards,
            @InjectClusterClient ClusterClient<?> cluster) throws Exception {
        String input = "future-" + shards + "-" + System.nanoTime();
        String dlq = "future-dlq-" + shards + "-" + System.nanoTime();
        StreamAdmin.createStream(AWS.kinesis(), input, shards, Duration.ofSeconds(30));
        StreamAdmin.createStream(AWS.kinesis(), dlq, 1, Duration.ofSeconds(30));

        KinesisTestEvents events = new KinesisTestEvents(14 + shards, 40);
        List<byte[]> normal = new ArrayList<>(events.next(RECORDS));
        long now = System.currentTimeMillis();
        byte[] yearAhead = Events.bytes(Events.created("future-year", "user-0001", "lim-future", 1_000_000,
                now + 365 * DAY_MS, "100"));
        byte[] dayAhead = Events.bytes(Events.progress("future-day", "user-0002", "lim-user-0002-1", 1_000_001,
                now + DAY_MS, "0", "1"));
        byte[] outlier = Events.bytes(Events.created("outlier-year", "user-0004", "lim-outlier", 1_000_002,
                KinesisTestEvents.BASE_TIME + 365 * DAY_MS, "100"));
        normal.add(normal.size() / 3, KinesisTestEvents.otherType("user-0003", now + 365 * DAY_MS, "future-other"));
        // The watermark releases the last held events without waiting for the processing-time bound; the
        // second round moves every shard's event time on by more than ordering.max-jump, in steps within it.
        long end = KinesisTestEvents.BASE_TIME + RECORDS * KinesisTestEvents.STEP_MS + 60_000;
        normal.addAll(KinesisJobTests.endOfStream(AWS.kinesis(), input, end));
        normal.addAll(KinesisJobTests.endOfStream(AWS.kinesis(), input, end + 270_000));
        List<byte[]> records = new ArrayList<>(normal);
        records.add(RECORDS / 10, yearAhead);
        records.add(RECORDS / 5, outlier);
        records.add(RECORDS / 2, dayAhead);

        KinesisInOrderModel model = new KinesisInOrderModel().applyPhase(normal);
        List<String> expectedDeadLetters = new ArrayList<>(model.deadLetterKeys());
        expectedDeadLetters.add("INVALID_EVENT " + Base64.getEncoder().encodeToString(yearAhead));
        expectedDeadLetters.add("INVALID_EVENT " + Base64.getEncoder().encodeToString(dayAhead));
        expectedDeadLetters.add("INVALID_EVENT " + Base64.getEncoder().encodeToString(outlier));
        expectedDeadLetters.sort(null);

        RecordPublisher.publish(AWS.kinesis(), input, records, 0);
        JobConfig config = config(input, dlq, Math.min(shards, 2));
        RecordingLimitsSink recorder = new RecordingLimitsSink("future-kinesis-" + input);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        UserLimitsPipeline.configure(env, config);
        UserLimitsPipeline.build(env, KinesisSourceFactory.create(config), recorder, DeadLetterSinkFactory.create(config), null, config);
        JobID job = cluster.submitJob(env.getStreamGraph().getJobGraph()).get();

        StreamReader dlqReader = new StreamReader(AWS.kinesis(), dlq);
        List<JsonNode> deadLetters = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
        while (System.nanoTime() < deadline
                && (recorder.versions().size() < model.appliedCount() || deadLetters.size() < expectedDeadLetters.size())) {
            Thread.sleep(250);
            deadLetters.addAll(KinesisJobTests.deadLetters(dlqReader));
        }
        Thread.sleep(1_000); // anything extra would show now
        deadLetters.addAll(KinesisJobTests.deadLetters(dlqReader));
        cluster.cancel(job).get(30, TimeUnit.SECONDS);

        List<String> actual = new ArrayList<>();
        for (JsonNode d : deadLetters) {
            actual.add(d.get("reason").asText() + " " + (d.has("recordBase64") ? d.get("recordBase64").asText()
                    : Base64.getEncoder().encodeToString(d.get("record").asText().getBytes(StandardCharsets.UTF_8))));
            if (d.path("eventId").asText().startsWith("future-")) {
                assertThat(d.get("error").asText())
                        .matches("field 'createdAt' is \\d+ ms ahead of the processing time \\(at most 300000 ms allowed\\)");
            } else if (d.path("eventId").asText().equals("outlier-year")) {
                assertThat(d.get("error").asText()).matches("field 'createdAt' is 3153\\d{7} ms ahead of the event time of "
                        + "its input split \\(171800\\d{7}\\), more than ordering.max-jump allows, and its split's "
                        + "records never reached its time");
            }
        }
        actual.sort(null);
        assertThat(model.versionDifferences(recorder.versionKeys())).as("every limit version exactly once").isEmpty();
        assertThat(recorder.latest()).as("the in-order result").isEqualTo(model.limits());
        assertThat(actual).as("dead letters: the in-order model's plus the three events ahead")
                .containsExactlyElementsOf(expectedDeadLetters);
        recorder.clear();
    }

    private static JobConfig config(String input, String dlq, int parallelism) {
        Map<String, String> values = KinesisJobTests.settings(AWS.bed(), input, dlq);
        values.put(JobOptions.PARALLELISM.key(), Integer.toString(parallelism));
        // As in KinesisPipelineIT: a source subtask starved of CPU must be neither idle nor a quiet stream.
        values.put(JobOptions.IDLENESS.key(), "60000");
        values.put(JobOptions.MAX_HOLD.key(), "60000");
        return KinesisJobTests.config(values);
    }
}
