package com.rglimits.state;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rglimits.job.Accounting;
import com.rglimits.table.LimitItems;
import com.rglimits.table.LimitTable;
import com.rglimits.testing.GeneratedEvents;
import com.rglimits.tools.InspectSavepoint;
import com.rglimits.tools.LimitExport;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Writes an upgrade fixture ({@link UpgradeFixture}) with this commit's job: runs the stream at
 * parallelism 2, stops it with a canonical savepoint (no drain) mid-stream, while events are held,
 * and keeps the savepoint, the stream, the table and the logs at that moment. Only on request, on a
 * committed tree (the README names the commit):
 *
 * <pre>
 * mvn -q test -Dtest=UpgradeFixtureWriter -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dfixture.write=src/test/resources/upgrade/release-YYYY-MM-DD
 * </pre>
 */
@EnabledIfSystemProperty(named = "fixture.write", matches = ".+")
class UpgradeFixtureWriter extends SavepointTestBase {
    // About 950 records: 10 users, 4% redeliveries (dedup entries that matter after the restore). A user's
    // events span about 13 s of event time, well over the 5 s out-of-orderness bound: at the stop some
    // events have been released by the watermark (limits, dedup entries) and the last 5 s are held.
    static final long SEED = 1130;
    static final int USERS = 10;
    static final int EVENTS_PER_USER = 90;
    static final long MAX_JITTER_MS = 3_000;
    static final int PARALLELISM = 2;

    @Test
    void writeFixture(@TempDir Path dir) throws Exception {
        Path fixture = Path.of(System.getProperty("fixture.write"));
        assertThat(fixture).as("the fixture directory must not exist yet").doesNotExist();
        String commit = git("rev-parse", "HEAD").trim();
        assertThat(git("status", "--porcelain", "--untracked-files=no")).as("uncommitted changes: the README names the commit").isEmpty();

        GeneratedEvents generated = GeneratedEvents.generate(SEED, USERS, EVENTS_PER_USER, MAX_JITTER_MS);
        StateTestJob job = newJob(generated, dir, "limits-fixture");
        // Slow: the stop-with-savepoint takes a second or more on a busy machine, while the source reads on.
        // Asked for at 40% of the stream, it lands near the middle, leaving the restored job hundreds of records.
        job.recordsPerSecond = 100;
        JobClient run = job.start(1, PARALLELISM, null);
        await("40% of the stream read", () -> job.recordsRead() >= job.records * 2 / 5);
        // No drain: events read within the last out-of-orderness bound of event time stay held, in the savepoint.
        Path savepoint = Path.of(URI.create(StateTestJob.stopWithSavepoint(run, dir.resolve("savepoints"))));
        Accounting.Summary summary = Accounting.summary(run.getJobExecutionResult().get(60, TimeUnit.SECONDS));
        assertThat(summary.records).as("stopped mid-stream").isEqualTo(job.recordsRead()).isLessThan(job.records * 3 / 4);

        InspectSavepoint.Result inspected = UpgradeFixture.inspect(savepoint, dir.resolve("inspected.jsonl"));
        assertThat(inspected.limits).as("limits").isPositive();
        assertThat(inspected.seenEventIds).as("dedup entries").isPositive();
        assertThat(inspected.heldEvents).as("held events").isPositive();
        // The stop committed the logs up to the savepoint: the test can tell the release's outcomes from the restored job's.
        assertThat((long) job.appliedLog().size()).isEqualTo(summary.applied);
        assertThat((long) job.deadLetterLog().size()).isEqualTo(summary.deadLettered);

        // Assembled aside and copied only when complete: a failed run leaves no half fixture behind.
        Path staged = dir.resolve("fixture");
        UpgradeFixture.copyTree(savepoint, staged.resolve(UpgradeFixture.SAVEPOINT));
        Files.copy(job.events, staged.resolve(UpgradeFixture.EVENTS));
        UpgradeFixture.copyTree(job.outputs, staged.resolve(UpgradeFixture.OUTPUTS));
        writeTable(job, staged.resolve(UpgradeFixture.TABLE));
        ObjectNode description = description(commit, summary, inspected);
        Files.writeString(staged.resolve(UpgradeFixture.DESCRIPTION),
                MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(description) + "\n", StandardCharsets.UTF_8);
        Files.writeString(staged.resolve(UpgradeFixture.README),
                readme(fixture.getFileName().toString(), commit, job.records, summary, inspected), StandardCharsets.UTF_8);
        assertThat(UpgradeFixture.size(staged)).as("fixture bytes").isLessThan(1_000_000);
        UpgradeFixture.copyTree(staged, fixture);
    }

    /**
     * The items as the table holds them at the stop (puts the sink still buffered are in its state, in the
     * savepoint: the restored job writes them); each line must load back into the same item.
     */
    private static void writeTable(StateTestJob job, Path file) throws Exception {
        List<String> lines = new ArrayList<>();
        try (DynamoDbClient client = dynamoDb.client()) {
            for (Map<String, AttributeValue> item : LimitTable.scanAll(client, job.table)) {
                String line = LimitTable.toJson(item);
                assertThat(LimitItems.toItem(LimitExport.parse(line))).isEqualTo(item);
                lines.add(line);
            }
        }
        assertThat(lines).isNotEmpty();
        Files.write(file, lines, StandardCharsets.UTF_8);
    }

    private static ObjectNode description(String commit, Accounting.Summary summary, InspectSavepoint.Result inspected) {
        ObjectNode d = MAPPER.createObjectNode();
        d.put("commit", commit);
        ObjectNode g = d.putObject("generator");
        g.put("seed", SEED);
        g.put("users", USERS);
        g.put("eventsPerUser", EVENTS_PER_USER);
        g.put("maxJitterMs", MAX_JITTER_MS);
        d.put("parallelism", PARALLELISM);
        ObjectNode s = d.putObject("savepoint");
        s.put("records", summary.records);
        s.put("users", inspected.users);
        s.put("limits", inspected.limits);
        s.put("dedupEntries", inspected.seenEventIds);
        s.put("heldEvents", inspected.heldEvents);
        ObjectNode a = d.putObject("accounting");
        summary.all.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> a.put(e.getKey(), ((Number) e.getValue()).longValue()));
        return d;
    }

    private static String readme(String name, String commit, long records, Accounting.Summary summary,
            InspectSavepoint.Result inspected) {
        return "# Upgrade fixture " + name + "\n\n"
                + "A savepoint of the job as released, for `UpgradeFromPreviousReleaseIT`: the release's state must\n"
                + "restore into the current code with nothing lost.\n\n"
                + "Made by commit `" + commit + "` with\n\n"
                + "```\n"
                + "mvn -q test -Dtest=UpgradeFixtureWriter -Dsurefire.failIfNoSpecifiedTests=false -Dfixture.write=src/test/resources/upgrade/"
                + name + "\n"
                + "```\n\n"
                + "`StateTestJob` (the real graph and uids, RocksDB, parallelism " + PARALLELISM + ") read " + summary.records
                + " of the stream's " + records + " records and was stopped with a canonical savepoint, without drain.\n"
                + "The keyed operator `apply-limit-events` holds " + inspected.limits + " limits of " + inspected.users + " users, "
                + inspected.seenEventIds + " dedup entries and " + inspected.heldEvents + " held events\n"
                + "(read, not yet released by the watermark).\n\n"
                + "- `" + UpgradeFixture.SAVEPOINT + "/`: the savepoint (relocatable).\n"
                + "- `" + UpgradeFixture.EVENTS + "`: the whole stream (`GeneratedEvents`, arguments in `" + UpgradeFixture.DESCRIPTION
                + "`).\n"
                + "- `" + UpgradeFixture.TABLE + "`: the table's items at the savepoint, in the `LimitExport` format.\n"
                + "- `" + UpgradeFixture.OUTPUTS + "/applied/`, `" + UpgradeFixture.OUTPUTS
                + "/dead-letters/`: the run's committed log batches; a restore rewrites the\n"
                + "  batches of the savepoint under the same names, so they must stay in this layout.\n"
                + "- `" + UpgradeFixture.DESCRIPTION + "`: generator arguments, what the savepoint holds, the run's accounting.\n\n"
                + "Restoring it anywhere works: the job's paths (events file, log directories) come from its constructor,\n"
                + "not from state. The writer's temporary paths do appear inside, as data only: `_metadata` names its inline\n"
                + "state handles by them, and dead letters record their record's source file. Dedup entries carry the time\n"
                + "they were written, so the test restores with a dedup retention longer than the fixture's age.\n\n"
                + "## A fixture for the next release\n\n"
                + "Keep this one (the test restores it as long as the release of its date can still be upgraded from).\n"
                + "On the commit of the next release, with a clean tree, run the command above with\n"
                + "`-Dfixture.write=src/test/resources/upgrade/release-YYYY-MM-DD` (the directory must not exist); the writer\n"
                + "fails unless the savepoint holds limits, dedup entries and held events and the fixture is under 1 MB.\n"
                + "Commit the directory as it is, and add a test method for it in `UpgradeFromPreviousReleaseIT`.\n";
    }

    private static String git(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("git"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("git " + String.join(" ", args) + ": " + out).isZero();
        return out;
    }
}
