package com.rglimits.state;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rglimits.deadletter.DeadLetterReason;
import com.rglimits.job.Accounting;
import com.rglimits.localaws.Dynalite;
import com.rglimits.table.LimitTable;
import com.rglimits.testing.GeneratedEvents;
import com.rglimits.testing.TestBeds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A MiniCluster with room for parallelism 4, the shared dynalite, and the checks every savepoint test makes. */
abstract class SavepointTestBase {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

    static final ObjectMapper MAPPER = new ObjectMapper();
    static Dynalite dynamoDb;

    @BeforeAll
    static void startDynamoDb() throws Exception {
        dynamoDb = TestBeds.dynalite();
    }

    static StateTestJob newJob(GeneratedEvents generated, Path dir, String table) throws Exception {
        Path events = dir.resolve("events.ndjson");
        Files.write(events, generated.ndjson());
        try (var client = dynamoDb.client()) {
            LimitTable.create(client, table);
        }
        return new StateTestJob(events, dir.resolve("out"), dynamoDb, table);
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    /** Table, applied log and dead-letter log equal the in-order model: nothing lost, nothing applied twice. */
    static void assertExactResult(StateTestJob job, GeneratedEvents generated) throws Exception {
        assertThat(job.table()).hasSize(generated.expectedLimits.size()).isEqualTo(generated.expectedLimits);

        Map<String, Integer> applied = StateTestJob.counts(job.appliedLog());
        assertThat(applied.keySet()).as("applied events").isEqualTo(generated.expectedAppliedEventIds);
        assertThat(applied.values()).as("each event applied exactly once").allMatch(n -> n == 1);

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
     * The accounting of runs separated by stop-with-savepoint adds up to the stream's, bucket by
     * bucket. (One run alone need not balance: events it read may still be held in the savepoint, and
     * are applied or dead-lettered by the next run.)
     */
    static void assertAccountingAddsUp(List<Accounting.Summary> runs, GeneratedEvents generated) {
        long records = 0, applied = 0, duplicates = 0, skipped = 0;
        Map<DeadLetterReason, Long> deadLettered = new HashMap<>();
        for (Accounting.Summary s : runs) {
            assertThat(s.records).as("every run read part of the stream: " + s.line()).isPositive();
            records += s.records;
            applied += s.applied;
            duplicates += s.duplicates;
            skipped += s.skipped;
            for (DeadLetterReason r : DeadLetterReason.values()) {
                deadLettered.merge(r, s.deadLettered(r), Long::sum);
            }
        }
        assertThat(records).isEqualTo(generated.records.size());
        assertThat(applied).isEqualTo(generated.expectedApplied);
        assertThat(duplicates).isEqualTo(generated.redeliveries);
        assertThat(skipped).isEqualTo(generated.skipped);
        for (DeadLetterReason r : DeadLetterReason.values()) {
            assertThat(deadLettered.get(r)).as(r.name()).isEqualTo(generated.expectedDeadLetterCount(r));
        }
    }
}
