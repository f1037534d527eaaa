package com.rglimits.file;

import static org.assertj.core.api.Assertions.assertThat;

import com.rglimits.config.JobConfig;
import com.rglimits.config.JobOptions;
import com.rglimits.config.Settings;
import com.rglimits.deadletter.DeadLetter;
import com.rglimits.deadletter.DeadLetterReason;
import com.rglimits.event.ParsedRecord;
import com.rglimits.job.Accounting;
import com.rglimits.job.UserLimitsPipeline;
import com.rglimits.testing.Events;
import com.rglimits.testing.GeneratedEvents;
import com.rglimits.testing.RecordingDeadLetterSink;
import com.rglimits.testing.RecordingLimitsSink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14 over a file in a MiniCluster: a shuffled stream (inside the out-of-orderness bound, with
 * redeliveries) plus records from producers whose clocks run a year and a day ahead. With the
 * default {@code ordering.max-ahead}, everyone else's result is exactly the in-order one, and
 * the two events are INVALID_EVENTs. Without the bound the year-ahead record moves the watermark a
 * year on, and the shuffled events after it become LATE_EVENTs.
 *
 * <p>And one event a year ahead of its neighbours but still in the past by the wall clock (a replay
 * of an old stream with one wrong clock in it), which that bound cannot see: its split's event time
 * does not follow it, nobody else's result changes, and it is an INVALID_EVENT counted as an
 * event-time outlier.
 */
class FutureEventsFileIT {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final long DAY_MS = 86_400_000L;

    @Test
    void recordsFarAheadOfTheClockAreDeadLetteredAndMoveNothing(@TempDir Path dir) throws Exception {
        GeneratedEvents generated = GeneratedEvents.generate(14, 20, 150, 4_000);
        List<byte[]> records = generated.records;
        long now = System.currentTimeMillis();
        // Early in the stream, so that without the bound nearly every later event is behind the watermark.
        records.add(records.size() / 10,
                Events.bytes(Events.created("future-year", "user-1", "lim-future", 1_000_000, now + 365 * DAY_MS, "100")));
        records.add(records.size() / 5,
                Events.bytes(Events.envelope("future-other", "LIMIT_USER_CREATED", "user-3", 5, now + 365 * DAY_MS)));
        records.add(records.size() / 2,
                Events.bytes(Events.progress("future-day", "user-2", "lim-0", 1_000_001, now + DAY_MS, "0", "1")));
        long yearAfterTheStream = GeneratedEvents.BASE_TIME + 365 * DAY_MS;
        assertThat(yearAfterTheStream).as("in the past: the wall-clock bound cannot see it").isLessThan(now);
        records.add(records.size() / 4, Events.bytes(
                Events.created("outlier-year", "user-4", "lim-outlier", 1_000_002, yearAfterTheStream, "100")));
        Path input = dir.resolve("events.ndjson");
        Files.write(input, generated.ndjson());

        Map<String, String> settings = new HashMap<>();
        settings.put(JobOptions.SOURCE_FILE.key(), input.toString());
        settings.put(JobOptions.PARALLELISM.key(), "2");
        // Only the watermark releases events here, as in FilePipelineIT.
        settings.put(JobOptions.MAX_HOLD.key(), "600000");
        JobConfig config = JobConfig.from(new Settings(settings, key -> key));
        assertThat(config.maxAheadMs()).as("the default bound").isEqualTo(JobOptions.MAX_AHEAD.defaultValue().toMillis());

        RecordingLimitsSink limits = new RecordingLimitsSink("future-file-" + System.nanoTime());
        RecordingDeadLetterSink deadLetters = new RecordingDeadLetterSink("future-file-" + System.nanoTime());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        UserLimitsPipeline.configure(env, config);
        FileSource<ParsedRecord> source = FileSource
                .forRecordStreamFormat(new EventFileFormat(input.toString(), config.maxAheadMs()),
                        new org.apache.flink.core.fs.Path(input.toUri()))
                .build();
        UserLimitsPipeline.build(env, source, limits, deadLetters, null, config);
        Accounting.Summary summary = Accounting.summary(env.execute("future events test"));

        // Counts first: short messages in a CI log.
        assertThat(summary.deadLettered(DeadLetterReason.LATE_EVENT)).as("LATE_EVENT")
                .isEqualTo(generated.expectedDeadLetterCount(DeadLetterReason.LATE_EVENT));
        assertThat(summary.eventTimeAhead()).isEqualTo(3);
        assertThat(summary.eventTimeOutliers()).isEqualTo(1);
        assertThat(summary.applied).isEqualTo(generated.expectedApplied);
        assertThat(limits.versions()).hasSize((int) generated.expectedApplied);
        assertThat(limits.latest()).as("everyone else's limits: the in-order result").isEqualTo(generated.expectedLimits);

        Map<String, DeadLetterReason> byEventId = new TreeMap<>();
        Map<String, String> aheadErrors = new TreeMap<>();
        String outlierError = null;
        for (DeadLetter d : deadLetters.deadLetters()) {
            if ("outlier-year".equals(d.eventId)) {
                assertThat(d.reason).isEqualTo(DeadLetterReason.INVALID_EVENT);
                assertThat(new String(d.record, java.nio.charset.StandardCharsets.UTF_8)).contains("\"outlier-year\"");
                outlierError = d.error;
            } else if (d.eventId != null && d.eventId.startsWith("future-")) {
                assertThat(d.reason).isEqualTo(DeadLetterReason.INVALID_EVENT);
                aheadErrors.put(d.eventId, d.error);
            } else if (d.reason != DeadLetterReason.INVALID_EVENT) {
                assertThat(byEventId.put(d.eventId, d.reason)).as("one dead letter per event").isNull();
            }
        }
        assertThat(byEventId).isEqualTo(new TreeMap<>(generated.expectedDeadLetters));
        assertThat(aheadErrors).containsOnlyKeys("future-year", "future-day");
        assertThat(aheadErrors.values()).allSatisfy(e -> assertThat(e)
                .matches("field 'createdAt' is \\d+ ms ahead of the processing time \\(at most 300000 ms allowed\\)"));
        assertThat(outlierError).matches("field 'createdAt' is 3153\\d{7} ms ahead of the event time of its input split "
                + "\\(171800\\d{7}\\), more than ordering.max-jump allows, and its split's records never reached its time");

        assertThat(summary.records).isEqualTo(records.size());
        assertThat(summary.duplicates).isEqualTo(generated.redeliveries);
        assertThat(summary.skipped).as("the other type a year ahead is still skipped").isEqualTo(generated.skipped + 1);
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            long extra = reason == DeadLetterReason.INVALID_EVENT ? 3 : 0;
            assertThat(summary.deadLettered(reason)).as(reason.name()).isEqualTo(generated.expectedDeadLetterCount(reason) + extra);
        }
        assertThat(summary.deadLettered).isEqualTo(deadLetters.deadLetters().size());
        assertThat(summary.balances()).as(summary.line()).isTrue();
        assertThat(summary.deadLettered(DeadLetterReason.LATE_EVENT)).as("the generator's own late events").isPositive();
        assertThat(deadLetters.deadLetters().stream().map(d -> d.reason).collect(Collectors.toSet()))
                .contains(DeadLetterReason.UNKNOWN_LIMIT, DeadLetterReason.LIMIT_ALREADY_EXISTS);
        limits.clear();
        deadLetters.clear();
    }
}
