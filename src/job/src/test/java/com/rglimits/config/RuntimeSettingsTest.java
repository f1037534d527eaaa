package com.rglimits.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuntimeSettingsTest {
    private static final RuntimeSettings.ServiceProperties NO_SERVICE = () -> {
        throw new AssertionError("the service's properties must not be read");
    };

    private static final String GROUPS = "[\n"
            + " {\"PropertyGroupId\": \"source\", \"PropertyMap\": {\"stream\": \"arn:aws:kinesis:eu-west-1:111122223333:stream/in\", \"initpos\": \"LATEST\"}},\n"
            + " {\"PropertyGroupId\": \"dlq\", \"PropertyMap\": {\"stream\": \"dead-letters\"}},\n"
            + " {\"PropertyGroupId\": \"aws\", \"PropertyMap\": {\"region\": \"eu-west-1\"}},\n"
            + " {\"PropertyGroupId\": \"ordering\", \"PropertyMap\": {\"max-hold\": \"1234\"}}\n"
            + "]";

    private static Properties props(String... kv) {
        Properties p = new Properties();
        for (int i = 0; i < kv.length; i += 2) {
            p.setProperty(kv[i], kv[i + 1]);
        }
        return p;
    }

    private static Map<String, Properties> serviceGroups() {
        return Map.of(
                "source", props("stream", "in"),
                "dlq", props("stream", "dead-letters"),
                "ordering", props("out-of-orderness", "2s", "max-ahead", "2 min"));
    }

    @Test
    void optionsWinAndAreReadAsBefore() {
        Settings s = RuntimeSettings.load(new String[] {"--source.stream", "in", "--job.parallelism", "3"}, Map.of(), NO_SERVICE);
        JobConfig c = JobConfig.from(s);
        assertThat(c.runtimeManaged()).isFalse();
        assertThat(c.parallelism()).isEqualTo(3);
        assertThat(c.checkpointIntervalMs()).isEqualTo(10_000);
    }

    @Test
    void withoutOptionsTheServicePropertiesAreRead() {
        JobConfig c = JobConfig.from(RuntimeSettings.load(new String[0], Map.of(), RuntimeSettingsTest::serviceGroups));
        assertThat(c.runtimeManaged()).isTrue();
        assertThat(c.sourceStream()).isEqualTo("in");
        assertThat(c.dlqStream()).isEqualTo("dead-letters");
        assertThat(c.outOfOrdernessMs()).isEqualTo(2000);
        assertThat(c.maxAheadMs()).isEqualTo(120_000);
        assertThat(c.checkpointIntervalMs()).isZero();
        assertThat(c.parallelism()).isZero();
    }

    @Test
    void aLocalFileInTheServiceShapeIsUsedInstead(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("app.json");
        Files.writeString(file, GROUPS);
        for (Settings s : new Settings[] {
                RuntimeSettings.load(new String[] {"--runtime.properties.file", file.toString()}, Map.of(), NO_SERVICE),
                RuntimeSettings.load(new String[0], Map.of(RuntimeSettings.FILE_ENV, file.toString()), NO_SERVICE)}) {
            JobConfig c = JobConfig.from(s);
            assertThat(c.runtimeManaged()).isTrue();
            assertThat(c.sourceStream()).isEqualTo("arn:aws:kinesis:eu-west-1:111122223333:stream/in");
            assertThat(c.startingPosition()).isEqualTo(StartingPosition.LATEST);
            assertThat(c.maxHoldMs()).isEqualTo(1234);
            assertThat(c.awsProperties()).containsEntry("aws.region", "eu-west-1");
        }
    }

    @Test
    void aFileWithTheFormerMsNamesStillLoads(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("app.json");
        Files.writeString(file, GROUPS.replace("\"max-hold\": \"1234\"",
                "\"max-hold.ms\": \"1234\", \"out-of-orderness.ms\": \"5000\"").replace("\"LATEST\"",
                "\"LATEST\"}}, {\"PropertyGroupId\": \"sink\", \"PropertyMap\": {\"merge.window.ms\": \"100\""));
        JobConfig c = JobConfig.from(RuntimeSettings.fromFile(file));
        assertThat(c.maxHoldMs()).isEqualTo(1234);
        assertThat(c.outOfOrdernessMs()).isEqualTo(5000);
        assertThat(c.sinkMergeWindowMs()).isEqualTo(100);
    }

    @Test
    void aCreateApplicationRequestIsReadForItsPropertyGroups(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("kda.json");
        Files.writeString(file, "{\"ApplicationName\": \"x\", \"ApplicationConfiguration\": {\"EnvironmentProperties\":"
                + " {\"PropertyGroups\": " + GROUPS + "}}}");
        assertThat(RuntimeSettings.readPropertyGroups(file)).containsOnlyKeys("source", "dlq", "aws", "ordering");
    }

    @Test
    void missingOrMalformedSettingsNameTheGroupAndKey(@TempDir Path dir) throws IOException {
        Map<String, Properties> noDlq = Map.of("source", props("stream", "in"));
        assertThatThrownBy(() -> JobConfig.from(RuntimeSettings.load(new String[0], Map.of(), () -> noDlq)))
                .isInstanceOf(ConfigException.class)
                .hasMessage("property group 'dlq', key 'stream' is required");
        Map<String, Properties> bad = Map.of("source", props("stream", "in"), "dlq", props("stream", "d"),
                "dedup", props("retention", "a week"));
        assertThatThrownBy(() -> JobConfig.from(RuntimeSettings.load(new String[0], Map.of(), () -> bad)))
                .hasMessage("property group 'dedup', key 'retention' must be a duration such as 5s, 500ms, 2min or 7d"
                        + " (a bare number is milliseconds), got 'a week'");
        Map<String, Properties> typo = Map.of("source", props("stream", "in", "initpos.timestmp", "1"), "dlq", props("stream", "d"));
        assertThatThrownBy(() -> JobConfig.from(RuntimeSettings.load(new String[0], Map.of(), () -> typo)))
                .hasMessage("unknown setting property group 'source', key 'initpos.timestmp'");

        Path file = dir.resolve("app.json");
        Files.writeString(file, GROUPS.replace("\"1234\"", "\"\""));
        assertThatThrownBy(() -> JobConfig.from(RuntimeSettings.fromFile(file)))
                .hasMessage("property group 'ordering', key 'max-hold' (in " + file + ") is empty");
    }

    @Test
    void theRuntimeOwnsCheckpointingAndParallelism() {
        Map<String, Properties> groups = Map.of("source", props("stream", "in"), "dlq", props("stream", "d"),
                "checkpoint", props("interval.ms", "1000"));
        assertThatThrownBy(() -> JobConfig.from(RuntimeSettings.load(new String[0], Map.of(), () -> groups)))
                .hasMessageStartingWith("property group 'checkpoint', key 'interval.ms' is not read from property groups")
                .hasMessageContaining("CheckpointConfiguration");
        Map<String, Properties> interval = Map.of("source", props("stream", "in"), "dlq", props("stream", "d"),
                "checkpoint", props("interval", "1s"));
        assertThatThrownBy(() -> JobConfig.from(RuntimeSettings.load(new String[0], Map.of(), () -> interval)))
                .hasMessageStartingWith("property group 'checkpoint', key 'interval' is not read from property groups")
                .hasMessageContaining("CheckpointConfiguration");
        Map<String, Properties> parallelism = Map.of("source", props("stream", "in"), "dlq", props("stream", "d"),
                "job", props("parallelism", "4"));
        assertThatThrownBy(() -> JobConfig.from(RuntimeSettings.load(new String[0], Map.of(), () -> parallelism)))
                .hasMessageContaining("ParallelismConfiguration");
        Map<String, Properties> local = Map.of("source", props("stream", "in", "file", "x.json"), "dlq", props("stream", "d"));
        assertThatThrownBy(() -> JobConfig.from(RuntimeSettings.load(new String[0], Map.of(), () -> local)))
                .hasMessageStartingWith("property group 'source', key 'file' is for local runs only");
    }

    @Test
    void noSettingsAtAllIsAClearError() {
        assertThatThrownBy(() -> RuntimeSettings.load(new String[0], Map.of(), Map::of))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("no settings: the application has no runtime properties");
        // Outside the service the real library finds no /etc/flink/application_properties.json and
        // returns no groups (silently): the same error, not a NullPointerException later.
        assertThatThrownBy(() -> RuntimeSettings.load(new String[0]))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("no settings");
    }

    @Test
    void malformedFilesAreOneLineErrors(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("app.json");
        assertThatThrownBy(() -> RuntimeSettings.fromFile(file)).hasMessage("runtime properties file " + file + " does not exist");
        Files.writeString(file, "[{\"PropertyGroupId\": \"source\", \"PropertyMap\": {\"stream\": 5}}]");
        assertThatThrownBy(() -> RuntimeSettings.fromFile(file))
                .hasMessageStartingWith("runtime properties file " + file + ", property group 'source', key 'stream': the value must be a JSON string");
        Files.writeString(file, "[{\"PropertyGroupId\": \"source\", \"PropertyMap\": {}}, {\"PropertyGroupId\": \"source\", \"PropertyMap\": {}}]");
        assertThatThrownBy(() -> RuntimeSettings.fromFile(file)).hasMessageEndingWith("property group 'source' is given twice");
        Files.writeString(file, "[{\"PropertyGroupId\": \"source\", \"Properties\": {}}]");
        assertThatThrownBy(() -> RuntimeSettings.fromFile(file)).hasMessageContaining("unknown field 'Properties'");
        Files.writeString(file, "[{\"PropertyGroupId\": \"source.x\", \"PropertyMap\": {\"y\": \"1\"}}]");
        assertThatThrownBy(() -> RuntimeSettings.fromFile(file)).hasMessage("property group 'source.x' (in " + file + "): a group id is"
                + " the part of a setting before its first dot (source, table, dlq, ordering, dedup, job, sink, subscribers, aws)");
        Files.writeString(file, "[{\"PropertyGroupId\": \"source\", \"PropertyMap\": {\"stream\": \"a\", \"stream\": \"b\"}}]");
        assertThatThrownBy(() -> RuntimeSettings.fromFile(file)).hasMessageContaining("is not valid JSON").hasMessageNotContaining("\n");
        Files.writeString(file, "{\"PropertyGroups\": []}");
        assertThatThrownBy(() -> RuntimeSettings.fromFile(file)).hasMessageContaining("expected a JSON array of property groups");
    }

    @Test
    void theFileOptionStandsAlone() {
        assertThatThrownBy(() -> RuntimeSettings.load(new String[] {"--runtime.properties.file", "a.json", "--source.stream", "x"}, Map.of(), NO_SERVICE))
                .hasMessage("option --runtime.properties.file FILE takes every setting from the file: give no other option with it");
    }
}
