package com.rglimits.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rglimits.config.JobOptions;
import com.rglimits.job.Accounting;
import com.rglimits.testing.GeneratedEvents;
import com.rglimits.tools.InspectSavepoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.JobID;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.OptionalFailure;

/**
 * The layout of an upgrade fixture (src/test/resources/upgrade/NAME/), shared by its writer
 * ({@link UpgradeFixtureWriter}) and its test ({@link UpgradeFromPreviousReleaseIT}). Everything
 * is relative to the fixture directory: the savepoint is canonical (self-contained), and the paths
 * the job uses (events file, log directories) come from {@link StateTestJob}'s constructor, never
 * from state, so a copy anywhere restores.
 */
final class UpgradeFixture {
    /** The canonical savepoint of the release's job, stopped mid-stream without drain. */
    static final String SAVEPOINT = "savepoint";
    /** The whole stream; the savepoint's source position is somewhere inside it. */
    static final String EVENTS = "events.ndjson";
    /** The table's items when the savepoint was taken, one {@code LimitExport} line each. */
    static final String TABLE = "table.jsonl";
    /** {@link StateTestJob}'s outputs: the committed batch files of the applied and dead-letter logs. */
    static final String OUTPUTS = "out";
    /** How it was made: generator arguments, parallelism, what the savepoint holds, the run's accounting. */
    static final String DESCRIPTION = "fixture.json";
    static final String README = "README.md";

    /**
     * Dedup entries carry the processing time they were written at; under the job's 7-day default
     * retention they would expire a week after the fixture was made. Inspection and the restored job
     * read them with a retention longer than any fixture gets old.
     */
    static final long DEDUP_RETENTION_MS = Duration.ofDays(36_500).toMillis();

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private UpgradeFixture() {}

    static JsonNode description(Path fixture) throws IOException {
        return MAPPER.readTree(fixture.resolve(DESCRIPTION).toFile());
    }

    /** The stream the fixture was made from, with its in-order model. */
    static GeneratedEvents generated(JsonNode description) {
        JsonNode g = description.get("generator");
        return GeneratedEvents.generate(g.get("seed").asLong(), g.get("users").asInt(), g.get("eventsPerUser").asInt(),
                g.get("maxJitterMs").asLong());
    }

    /** The accounting of the run that made the fixture, as it ended at the savepoint. */
    static Accounting.Summary accounting(JsonNode description) {
        Map<String, OptionalFailure<Object>> accumulators = new HashMap<>();
        description.get("accounting").fields()
                .forEachRemaining(e -> accumulators.put(e.getKey(), OptionalFailure.of(e.getValue().asLong())));
        return Accounting.summary(new JobExecutionResult(new JobID(), 0, accumulators));
    }

    /** Limits, dedup entries and held events in the savepoint's keyed operator ("apply-limit-events"). */
    static InspectSavepoint.Result inspect(Path savepoint, Path limitsOut) throws Exception {
        return InspectSavepoint.run(StreamExecutionEnvironment.getExecutionEnvironment(), new String[] {
            "--savepoint", savepoint.toString(), "--out", limitsOut.toString(),
            "--" + JobOptions.DEDUP_RETENTION.key(), Long.toString(DEDUP_RETENTION_MS)});
    }

    static void copyTree(Path from, Path to) throws IOException {
        List<Path> paths;
        try (Stream<Path> s = Files.walk(from)) {
            paths = s.collect(Collectors.toList());
        }
        for (Path p : paths) {
            Path target = to.resolve(from.relativize(p).toString());
            if (Files.isDirectory(p)) {
                Files.createDirectories(target);
            } else {
                Files.copy(p, target);
            }
        }
    }

    static long size(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
