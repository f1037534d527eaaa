package com.rglimits.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rglimits.config.ConfigException;
import com.rglimits.job.Accounting;
import com.rglimits.testing.ProjectFiles;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's first command, on the bundled sample events: exact table, dead letters and summary. */
class LocalRunIT {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Processes of this JVM already running when the test starts: the emulators other test classes share. */
    private Set<Long> runningBefore;

    @BeforeEach
    void noteRunningProcesses() {
        runningBefore = ProcessHandle.current().descendants().map(ProcessHandle::pid).collect(Collectors.toSet());
    }

    @Test
    void sampleEventsGiveTheTableTheRulesGive(@TempDir Path dir) throws Exception {
        Path dlq = dir.resolve("dlq.jsonl");
        Path export = dir.resolve("limits.jsonl");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        Accounting.Summary summary = LocalRun.run(new String[] {
            "--source.file", ProjectFiles.path("data/sample-events.json").toString(), "--dlq.file", dlq.toString(), "--export.file", export.toString()},
                new PrintStream(printed, true, StandardCharsets.UTF_8));

        String out = printed.toString(StandardCharsets.UTF_8);
        assertThat(out).contains("records=12 applied=8 duplicates=1 skipped=2 dead_lettered=1");
        assertThat(out).contains("3 limits in table");
        assertThat(summary.balances()).isTrue();

        List<String> limits = Files.readAllLines(export);
        assertThat(limits).containsExactly(
                "{\"activeFrom\":1718000000400,\"brandId\":\"000000000000000000000003\",\"createdAt\":1718000000410,"
                        + "\"currencyCode\":\"EUR\",\"lastEventId\":\"ev-0014\",\"lastSequenceNumber\":14,"
                        + "\"nextResetTime\":1718172800400,\"period\":\"DAY\",\"progress\":\"0\",\"remaining\":\"500\","
                        + "\"status\":\"ACTIVE\",\"type\":\"DEPOSIT\",\"updatedAt\":1718086400500,"
                        + "\"userId\":\"Qm7tLrX2pNc4ZaV8sKeD\",\"userLimitId\":\"lim-day-01\",\"value\":\"500\"}",
                "{\"activeFrom\":1718000000520,\"brandId\":\"000000000000000000000003\",\"createdAt\":1718000000530,"
                        + "\"currencyCode\":\"EUR\",\"lastEventId\":\"ev-0009\",\"lastSequenceNumber\":9,"
                        + "\"period\":\"MONTH\",\"progress\":\"35\",\"remaining\":\"4965\","
                        + "\"status\":\"ACTIVE\",\"type\":\"LOSS\",\"updatedAt\":1718000015100,"
                        + "\"userId\":\"Qm7tLrX2pNc4ZaV8sKeD\",\"userLimitId\":\"lim-month-01\",\"value\":\"5000\"}",
                "{\"activeFrom\":1718000000460,\"brandId\":\"000000000000000000000003\",\"createdAt\":1718000000470,"
                        + "\"currencyCode\":\"EUR\",\"lastEventId\":\"ev-0007\",\"lastSequenceNumber\":7,"
                        + "\"nextResetTime\":1718604800460,\"period\":\"WEEK\",\"progress\":\"120.50\",\"remaining\":\"1879.50\","
                        + "\"status\":\"ACTIVE\",\"type\":\"DEPOSIT\",\"updatedAt\":1718000009100,"
                        + "\"userId\":\"Qm7tLrX2pNc4ZaV8sKeD\",\"userLimitId\":\"lim-week-01\",\"value\":\"2000\"}");

        List<String> deadLetters = Files.readAllLines(dlq);
        assertThat(deadLetters).hasSize(1);
        JsonNode d = MAPPER.readTree(deadLetters.get(0));
        assertThat(d.get("reason").asText()).isEqualTo("UNKNOWN_LIMIT");
        assertThat(d.get("eventId").asText()).isEqualTo("ev-0015");
        assertThat(d.get("error").asText()).isEqualTo("no limit lim-session-09 for user Qm7tLrX2pNc4ZaV8sKeD");
        assertThat(MAPPER.readTree(d.get("record").asText()).get("eventId").asText()).isEqualTo("ev-0015");
        assertThat(d.get("source").get("element").asLong()).isEqualTo(11L);
        assertThat(emulatorsLeft()).as("node processes this JVM left running").isEmpty();
    }

    @Test
    void theSampleSavedWithAByteOrderMarkGivesTheSameResult(@TempDir Path dir) throws Exception {
        Path input = dir.resolve("sample-with-bom.json");
        byte[] sample = Files.readAllBytes(ProjectFiles.path("data/sample-events.json"));
        Files.write(input, new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        Files.write(input, sample, java.nio.file.StandardOpenOption.APPEND);

        Accounting.Summary summary = LocalRun.run(new String[] {"--source.file", input.toString(), "--dlq.file",
                dir.resolve("dlq.jsonl").toString()}, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));

        assertThat(summary.line()).isEqualTo("records=12 applied=8 duplicates=1 skipped=2 dead_lettered=1");
    }

    @Test
    void ndjsonWithABrokenLineIsOneDeadLetterNotAFailure(@TempDir Path dir) throws Exception {
        Path input = dir.resolve("events.ndjson");
        JsonNode sample = MAPPER.readTree(ProjectFiles.path("data/sample-events.json").toFile());
        StringBuilder b = new StringBuilder();
        sample.forEach(e -> b.append(e.toString()).append('\n'));
        b.append("{this is not json\n");
        Files.writeString(input, b);
        Path dlq = dir.resolve("dlq.jsonl");

        Accounting.Summary summary = LocalRun.run(new String[] {"--source.file", input.toString(), "--dlq.file", dlq.toString()},
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));

        assertThat(summary.line()).isEqualTo("records=13 applied=8 duplicates=1 skipped=2 dead_lettered=2");
        assertThat(Files.readAllLines(dlq)).anySatisfy(line -> {
            JsonNode d = MAPPER.readTree(line);
            assertThat(d.get("reason").asText()).isEqualTo("INVALID_EVENT");
            assertThat(d.get("record").asText()).isEqualTo("{this is not json");
            assertThat(d.get("source").get("line").asLong()).isEqualTo(13L);
        });
    }

    @Test
    void aMissingFileOrBadArgumentIsAOneLineError() {
        assertThatThrownBy(() -> LocalRun.run(new String[] {"--source.file", "no/such/file.json"}, System.out))
                .isInstanceOf(ConfigException.class)
                .hasMessage("cannot read events file no/such/file.json (option --source.file)");
        assertThatThrownBy(() -> LocalRun.run(new String[] {"--sorce.file", "x"}, System.out))
                .isInstanceOf(ConfigException.class)
                .hasMessage("unknown setting option --sorce.file");
        assertThatThrownBy(() -> LocalRun.run(new String[] {"--aws.endpoint", "http://x"}, System.out))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("not taken");
        assertThat(emulatorsLeft()).as("nothing started for a bad option").isEmpty();
    }

    /** Node processes (emulators) started by this JVM during the test and still running. */
    private List<String> emulatorsLeft() {
        return ProcessHandle.current().descendants()
                .filter(ProcessHandle::isAlive)
                .filter(p -> !runningBefore.contains(p.pid()))
                .map(p -> p.info().commandLine().orElse("?"))
                .filter(c -> c.contains("node"))
                .collect(Collectors.toList());
    }
}
