package com.rglimits.state;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.rglimits.config.JobOptions;
import com.rglimits.deadletter.DeadLetterReason;
import com.rglimits.job.Accounting;
import com.rglimits.table.LimitItems;
import com.rglimits.table.LimitTable;
import com.rglimits.testing.GeneratedEvents;
import com.rglimits.testing.TestBeds;
import com.rglimits.tools.InspectSavepoint;
import com.rglimits.tools.LimitExport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A savepoint of a released version of the job (a committed fixture, see {@link UpgradeFixtureWriter})
 * restores into the current code with nothing lost: its limits, its dedup entries and the events it
 * held (read, not yet released by the watermark) all carry on, and the rest of the stream gives
 * exactly the in-order result, every record counted once across the release's run and this one.
 */
class UpgradeFromPreviousReleaseIT extends SavepointTestBase {
    private static final Path FIXTURES = Path.of("src/test/resources/upgrade");

    @Test
    void theReleaseOf20261130RestoresWithNothingLost(@TempDir Path dir) throws Exception {
        assertRestoresWithNothingLost(FIXTURES.resolve("release-2026-11-30"), dir,
                InspectSavepoint.StateFormat.CANONICAL_UNCOMPRESSED);
    }

    /**
     * The release with one value per user (user-state) and the dedup set as eventId hashes
     * (seen-event-hashes): fails if either layout, or the hash function, changes without an upgrade path.
     */
    @Test
    void theReleaseWithUserStateRestoresWithNothingLost(@TempDir Path dir) throws Exception {
        assertRestoresWithNothingLost(FIXTURES.resolve("release-2026-11-30-user-state"), dir,
                InspectSavepoint.StateFormat.CANONICAL_UNCOMPRESSED);
    }

    /**
     * The release whose user-state values are in format 2 (fixed widths): the current code reads them
     * as they are, and rewrites a user in format 3 when it changes.
     */
    @Test
    void theReleaseOf20261206RestoresWithNothingLost(@TempDir Path dir) throws Exception {
        assertRestoresWithNothingLost(FIXTURES.resolve("release-2026-12-06"), dir,
                InspectSavepoint.StateFormat.CANONICAL_UNCOMPRESSED);
    }

    /**
     * The release whose user-state values are in format 3, with every eventId hash in seen-event-hashes:
     * the current code reads them as they are, finds the redeliveries of events seen before the
     * savepoint in the list, and keeps the users' new hashes in their values. Its savepoints are
     * compressed (LZ4, since the second step of 2026-12-06).
     */
    @Test
    void theReleaseOf20261207RestoresWithNothingLost(@TempDir Path dir) throws Exception {
        assertRestoresWithNothingLost(FIXTURES.resolve("release-2026-12-07"), dir,
                InspectSavepoint.StateFormat.CANONICAL_COMPRESSED);
    }

    /** @param format how the fixture's savepoint is stored: canonical, compressed since the release of 2026-12-07 */
    private static void assertRestoresWithNothingLost(Path fixture, Path dir, InspectSavepoint.StateFormat format)
            throws Exception {
        // A copy elsewhere: the savepoint and the job's paths must not depend on where the fixture was made.
        UpgradeFixture.copyTree(fixture, dir);
        JsonNode description = UpgradeFixture.description(dir);
        GeneratedEvents generated = UpgradeFixture.generated(description);
        Path events = dir.resolve(UpgradeFixture.EVENTS);
        assertThat(Files.readAllBytes(events)).as("the fixture's stream is the one its generator arguments give")
                .isEqualTo(generated.ndjson());

        // The fixture still holds what makes it worth restoring.
        Path savepoint = dir.resolve(UpgradeFixture.SAVEPOINT);
        JsonNode expected = description.get("savepoint");
        InspectSavepoint.Result inspected = UpgradeFixture.inspect(savepoint, dir.resolve("inspected.jsonl"));
        assertThat(inspected.format).as("the savepoint's format").isEqualTo(format);
        assertThat(inspected.limits).as("limits").isPositive().isEqualTo(expected.get("limits").asLong());
        assertThat(inspected.seenEventIds).as("dedup entries").isPositive().isEqualTo(expected.get("dedupEntries").asLong());
        assertThat(inspected.heldEvents).as("held events").isPositive().isEqualTo(expected.get("heldEvents").asLong());
        long recordsBefore = expected.get("records").asLong();
        assertThat(recordsBefore).as("stopped mid-stream").isPositive().isLessThan(generated.records.size());

        String table = TestBeds.uniqueName("limits-upgrade-" + fixture.getFileName());
        try (DynamoDbClient client = dynamoDb.client()) {
            LimitTable.create(client, table);
            for (String line : Files.readAllLines(dir.resolve(UpgradeFixture.TABLE), StandardCharsets.UTF_8)) {
                var item = LimitItems.toItem(LimitExport.parse(line));
                client.putItem(b -> b.tableName(table).item(item));
            }
        }
        StateTestJob job = new StateTestJob(events, dir.resolve(UpgradeFixture.OUTPUTS), dynamoDb, table);
        job.settings.put(JobOptions.DEDUP_RETENTION.key(), Long.toString(UpgradeFixture.DEDUP_RETENTION_MS));
        job.recordsPerSecond = 5_000;
        Set<String> releaseOutcomes = outcomes(job);

        Accounting.Summary restored;
        try (TablePoller poller = new TablePoller(dynamoDb, table)) {
            JobClient run = job.start(2, description.get("parallelism").asInt(), savepoint.toString());
            restored = Accounting.summary(run.getJobExecutionResult().get(120, TimeUnit.SECONDS));
            poller.close();
            assertThat(poller.backwards()).as("items seen at an older version than before").isEmpty();
        }
        assertThat(restored.records).as("the restored job read on from the savepoint's position")
                .isEqualTo(generated.records.size() - recordsBefore);

        // The held events: read by the release before the savepoint, applied or dead-lettered by this job only.
        Set<String> readBefore = new HashSet<>();
        List<String> lines = Files.readAllLines(events, StandardCharsets.UTF_8);
        for (String line : lines.subList(0, (int) recordsBefore)) {
            readBefore.add(eventId(line));
        }
        Set<String> decidedAfterRestore = outcomes(job);
        decidedAfterRestore.removeAll(releaseOutcomes);
        decidedAfterRestore.retainAll(readBefore);
        assertThat(decidedAfterRestore).as("events held in the savepoint, decided after the restore")
                .hasSize((int) inspected.heldEvents);

        assertExactResult(job, generated);
        assertAccountingAddsUp(List.of(UpgradeFixture.accounting(description), restored), generated);
    }

    /** The eventIds that have an outcome in the committed logs: applied, or dead-lettered for a rule or as late. */
    private static Set<String> outcomes(StateTestJob job) throws Exception {
        Set<String> ids = new HashSet<>(job.appliedLog());
        for (String line : job.deadLetterLog()) {
            JsonNode d = MAPPER.readTree(line);
            if (DeadLetterReason.valueOf(d.get("reason").asText()) != DeadLetterReason.INVALID_EVENT) {
                ids.add(d.get("eventId").asText());
            }
        }
        return ids;
    }

    /** The record's eventId, or "" for a record that is not a JSON object with one (invalid records have no outcome by id). */
    private static String eventId(String record) {
        try {
            JsonNode n = MAPPER.readTree(record);
            return n != null && n.hasNonNull("eventId") ? n.get("eventId").asText() : "";
        } catch (JsonProcessingException e) {
            return "";
        }
    }
}
