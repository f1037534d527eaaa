package com.rglimits.state;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rglimits.deadletter.DeadLetterReason;
import com.rglimits.event.ParsedRecord;
import com.rglimits.localaws.Dynalite;
import com.rglimits.table.LimitTable;
import com.rglimits.testing.GeneratedEvents;
import com.rglimits.testing.TestBeds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failure recovery: tens of thousands of events, an operator throwing at random points (each time
 * after a checkpoint of the current attempt, so each restart restores a mid-stream checkpoint), the
 * job restarting from checkpoints. The final table equals the in-order result, every applied event
 * changed its limit exactly once and every dead letter was written exactly once (exactly-once logs),
 * and a reader polling the table during the recoveries never saw an item go back to an older version.
 */
class FailureRecoveryIT {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static Dynalite dynamoDb;

    @BeforeAll
    static void startDynamoDb() throws Exception {
        dynamoDb = TestBeds.dynalite();
    }

    @Test
    void failuresAtRandomPointsNeitherLoseNorRepeatNorMoveTheTableBackwards(@TempDir Path dir) throws Exception {
        // 20 users x 600 events (12,000 events, ~12,600 records) keeps CI short; -Dstate.failure.events-per-user=1000
        // runs it over 20,000 events (21,029 records: ~43 s on the quiet 2-core machine, ~100 s while other builds run).
        int perUser = Integer.getInteger("state.failure.events-per-user", 600);
        GeneratedEvents generated = GeneratedEvents.generate(11, 20, perUser, 3_000);
        Path events = dir.resolve("events.ndjson");
        Files.write(events, generated.ndjson());
        String table = TestBeds.uniqueName("limits-failure-recovery");
        try (var client = dynamoDb.client()) {
            LimitTable.create(client, table);
        }
        StateTestJob job = new StateTestJob(events, dir.resolve("out"), dynamoDb, table);
        assertThat(job.records).isGreaterThan(20L * perUser);
        // The source waits for a completed checkpoint after every 1,500 records: each attempt has completed one
        // before its 1,501st record, however slow the machine, so every attempt reaches its failure point.
        job.recordsPerCheckpoint = 1_500;
        Random random = new Random(3);
        long[] failAt = new long[3];
        for (int i = 0; i < failAt.length; i++) {
            failAt[i] = 800 + random.nextInt(2_500);
        }
        job.restarts = 10;
        FailureInjector.THROWN.set(0);
        job.afterSource = records -> records.map(new FailureInjector(failAt), StateTestJob.recordType())
                .uid("inject-failures").name("Inject failures " + Arrays.toString(failAt)).setParallelism(1);

        try (TablePoller poller = new TablePoller(dynamoDb, table)) {
            JobClient run = job.start(1, 2, null);
            long started = System.nanoTime();
            run.getJobExecutionResult().get(120, TimeUnit.SECONDS);
            System.out.printf("FailureRecoveryIT: %d records, %d failures, job ran %d ms, %d table scans%n", job.records,
                    FailureInjector.THROWN.get(), (System.nanoTime() - started) / 1_000_000, poller.scans());
            poller.close();
            assertThat(poller.backwards()).as("items seen at an older version than before").isEmpty();
            assertThat(poller.scans()).isGreaterThan(10);
        }
        assertThat(FailureInjector.THROWN.get()).as("injected failures").isEqualTo(failAt.length);

        assertThat(job.table()).hasSize(generated.expectedLimits.size()).isEqualTo(generated.expectedLimits);

        Map<String, Integer> applied = StateTestJob.counts(job.appliedLog());
        assertThat(applied.keySet()).as("applied events").isEqualTo(generated.expectedAppliedEventIds);
        assertThat(applied.values()).as("each applied exactly once").allMatch(n -> n == 1);

        Map<String, DeadLetterReason> deadLetters = new HashMap<>();
        long invalid = 0;
        for (String line : job.deadLetterLog()) {
            JsonNode d = MAPPER.readTree(line);
            DeadLetterReason reason = DeadLetterReason.valueOf(d.get("reason").asText());
            if (reason == DeadLetterReason.INVALID_EVENT) {
                invalid++;
            } else {
                assertThat(deadLetters.put(d.get("eventId").asText(), reason)).as("one dead letter per event").isNull();
            }
        }
        assertThat(deadLetters).isEqualTo(generated.expectedDeadLetters);
        assertThat(invalid).isEqualTo(generated.invalid);
    }

    /**
     * Throws once per attempt, on subtask 0, at the attempt's chosen record count, or at the first record
     * after a checkpoint of that attempt completed if that comes later: attempt k restores the checkpoint
     * attempt k-1 took mid-stream.
     */
    static final class FailureInjector extends RichMapFunction<ParsedRecord, ParsedRecord> implements CheckpointListener {
        private static final long serialVersionUID = 1L;
        static final AtomicInteger THROWN = new AtomicInteger();
        private final long[] failAt;
        private transient long seen;
        private transient boolean checkpointed;

        FailureInjector(long[] failAt) {
            this.failAt = failAt;
        }

        @Override
        public ParsedRecord map(ParsedRecord record) {
            seen++;
            int attempt = getRuntimeContext().getAttemptNumber();
            if (attempt < failAt.length && checkpointed && seen >= failAt[attempt]) {
                THROWN.incrementAndGet();
                throw new IllegalStateException("injected failure " + (attempt + 1) + " after " + seen + " records");
            }
            return record;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            checkpointed = true;
        }
    }
}
