package com.rglimits.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobConfigTest {
    @Test
    void defaultsFollowTheSpec() {
        JobConfig c = JobConfig.from(ConfigReaders.fromArgs(new String[] {"--source.stream", "in"}));
        assertThat(c.outOfOrdernessMs()).isEqualTo(5_000);
        assertThat(c.dedupRetentionMs()).isEqualTo(7L * 24 * 3600 * 1000);
        assertThat(c.startingPosition()).isEqualTo(StartingPosition.TRIM_HORIZON);
        assertThat(c.tableName()).isEqualTo("user-limits");
        assertThat(c.maxParallelism()).isEqualTo(128);
        assertThat(c.maxAheadMs()).isEqualTo(300_000);
    }

    @Test
    void subscribersAreOffUntilTheirTableIsNamedAndTheirSettingsAreChecked() {
        JobConfig off = JobConfig.from(ConfigReaders.fromArgs(new String[] {"--source.stream", "in"}));
        assertThat(off.subscriptionsTable()).isNull();
        assertThat(off.thresholds()).isEqualTo("80,100");
        assertThat(off.undeliveredTable()).isEqualTo("user-limits-undelivered");
        assertThat(off.subscriptionsPollMs()).isEqualTo(5_000);
        assertThat(off.deliveryTimeoutMs()).isEqualTo(30_000);
        JobConfig on = JobConfig.from(ConfigReaders.fromArgs(new String[] {"--source.stream", "in",
            "--subscribers.table", "subs", "--subscribers.thresholds", "50,90.5", "--subscribers.sqs.endpoint", "http://127.0.0.1:9324"}));
        assertThat(on.subscriptionsTable()).isEqualTo("subs");
        assertThat(on.thresholds()).isEqualTo("50,90.5");
        assertThat(on.sqsEndpoint()).isEqualTo("http://127.0.0.1:9324");
        assertThatThrownBy(() -> JobConfig.from(ConfigReaders.fromArgs(new String[] {"--source.stream", "in",
            "--subscribers.thresholds", "80,x"})))
                .hasMessage("option --subscribers.thresholds must be comma-separated decimal percentages (e.g. 80,100), got '80,x'");
        assertThatThrownBy(() -> JobConfig.from(ConfigReaders.fromArgs(new String[] {"--source.stream", "in",
            "--subscribers.thresholds", "0"})))
                .hasMessage("option --subscribers.thresholds must be percentages above 0, got '0'");
    }

    @Test
    void maxParallelismIsBoundedAndAtLeastTheParallelism() {
        assertThat(JobConfig.from(ConfigReaders.fromArgs(new String[] {"--source.stream", "in", "--job.max-parallelism", "4096"}))
                .maxParallelism()).isEqualTo(4096);
        assertThatThrownBy(() -> JobConfig.from(ConfigReaders.fromArgs(new String[] {"--source.stream", "in", "--job.max-parallelism", "40000"})))
                .hasMessage("option --job.max-parallelism must be <= 32768, got 40000");
        assertThatThrownBy(() -> JobConfig.from(ConfigReaders.fromArgs(new String[] {"--source.stream", "in", "--job.parallelism", "200"})))
                .hasMessage("option --job.parallelism (200) must be <= option --job.max-parallelism (128)");
    }

    @Test
    void theSameKeysWorkFromArgsFilesAndPropertyGroups(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("job.properties");
        Files.writeString(file, "source.stream=in\nordering.max-hold=1234\nordering.max-ahead=1 min\naws.region=eu-west-1\n");
        Properties ordering = new Properties();
        ordering.setProperty("max-hold", "1234");
        ordering.setProperty("max-ahead", "1 min");
        Properties source = new Properties();
        source.setProperty("stream", "in");
        Properties aws = new Properties();
        aws.setProperty("region", "eu-west-1");

        for (Settings s : new Settings[] {
                ConfigReaders.fromArgs(new String[] {"--source.stream", "in", "--ordering.max-hold", "1234", "--ordering.max-ahead", "1 min",
                        "--aws.region", "eu-west-1"}),
                ConfigReaders.fromPropertiesFile(file),
                ConfigReaders.fromArgs(new String[] {"--config", file.toString()}),
                ConfigReaders.fromPropertyGroups(Map.of("ordering", ordering, "source", source, "aws", aws))}) {
            JobConfig c = JobConfig.from(s);
            assertThat(c.sourceStream()).isEqualTo("in");
            assertThat(c.maxHoldMs()).isEqualTo(1234);
            assertThat(c.maxAheadMs()).isEqualTo(60_000);
            assertThat(c.awsProperties()).containsEntry("aws.region", "eu-west-1");
        }
    }

    @Test
    void argsOverrideTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("job.properties");
        Files.writeString(file, "source.stream=from-file\n");
        JobConfig c = JobConfig.from(ConfigReaders.fromArgs(new String[] {"--config", file.toString(), "--source.stream", "from-args"}));
        assertThat(c.sourceStream()).isEqualTo("from-args");
    }

    @Test
    void errorsNameTheSettingTheWayTheUserWroteIt() {
        assertThatThrownBy(() -> JobConfig.from(ConfigReaders.fromArgs(new String[] {"--source.stream", "in", "--ordering.max-hold", "soon"})))
                .isInstanceOf(ConfigException.class)
                .hasMessage("option --ordering.max-hold must be a duration such as 5s, 500ms, 2min or 7d"
                        + " (a bare number is milliseconds), got 'soon'");
        assertThatThrownBy(() -> JobConfig.from(ConfigReaders.fromArgs(new String[] {"--source.stream", "in", "--ordering.confirming-keys", "three"})))
                .hasMessage("option --ordering.confirming-keys must be a whole number, got 'three'");
        assertThatThrownBy(() -> JobConfig.from(ConfigReaders.fromArgs(new String[] {"--source.stream", "in", "--ordering.cached-users", "0"})))
                .hasMessage("option --ordering.cached-users must be >= 1, got 0");
        assertThatThrownBy(() -> JobConfig.from(ConfigReaders.fromArgs(new String[] {"--source.stream", "in", "--ordering.idleness", "0"})))
                .hasMessage("option --ordering.idleness must be >= 1 ms, got 0");
        assertThatThrownBy(() -> JobConfig.from(ConfigReaders.fromArgs(new String[] {"--source.stream", "in", "--subscribers.poll", "50ms"})))
                .hasMessage("option --subscribers.poll must be >= 100 ms, got 50ms");
        Properties ordering = new Properties();
        ordering.setProperty("out-of-orderness", "-5");
        Properties source = new Properties();
        source.setProperty("stream", "in");
        assertThatThrownBy(() -> JobConfig.from(ConfigReaders.fromPropertyGroups(Map.of("ordering", ordering, "source", source))))
                .hasMessage("property group 'ordering', key 'out-of-orderness' must be >= 0 ms, got -5");
        assertThatThrownBy(() -> JobConfig.from(ConfigReaders.fromArgs(new String[] {"--source.stream", "in", "--ordering.max-ahead", "-1"})))
                .hasMessage("option --ordering.max-ahead must be >= 0 ms, got -1");
        assertThatThrownBy(() -> JobConfig.from(ConfigReaders.fromArgs(new String[] {"--source.stream", "in", "--ordering.max-ahead.ms", "-1"})))
                .hasMessage("option --ordering.max-ahead.ms must be >= 0 ms, got -1");
    }

    @Test
    void unknownSettingsAndBadArgumentsAreRejected() {
        assertThatThrownBy(() -> JobConfig.from(ConfigReaders.fromArgs(new String[] {"--source.stream", "in", "--ordering.max-hold.s", "5"})))
                .hasMessage("unknown setting option --ordering.max-hold.s");
        assertThatThrownBy(() -> JobConfig.from(ConfigReaders.fromArgs(new String[] {"--source.stream", "in", "--source.initpos.timestamp", "5"})))
                .as("read with AT_TIMESTAMP only")
                .hasMessage("unknown setting option --source.initpos.timestamp");
        assertThatThrownBy(() -> ConfigReaders.fromArgs(new String[] {"source.file"}))
                .hasMessage("unexpected argument 'source.file': options are --name value");
        assertThatThrownBy(() -> ConfigReaders.fromArgs(new String[] {"--source.file"}))
                .hasMessage("option --source.file needs a value");
        assertThatThrownBy(() -> JobConfig.from(ConfigReaders.fromArgs(new String[] {"--source.initpos", "YESTERDAY", "--source.stream", "s"})))
                .hasMessage("option --source.initpos must be one of [TRIM_HORIZON, LATEST, AT_TIMESTAMP], got 'YESTERDAY'");
        assertThatThrownBy(() -> JobConfig.from(ConfigReaders.fromArgs(new String[0])))
                .hasMessage("no input: set option --source.stream or option --source.file");
        assertThatThrownBy(() -> JobConfig.from(ConfigReaders.fromArgs(new String[] {"--source.initpos", "AT_TIMESTAMP", "--source.stream", "s"})))
                .hasMessage("option --source.initpos.timestamp is required with AT_TIMESTAMP");
    }

    @Test
    void durationsTakeFlinksUnitsAndABareNumberIsMilliseconds() {
        for (String[] given : new String[][] {{"5000", "5000"}, {"5s", "5000"}, {"5 s", "5000"}, {"2min", "120000"},
                {"250 ms", "250"}, {"0", "0"}}) {
            JobConfig c = JobConfig.from(ConfigReaders.fromArgs(new String[] {"--source.stream", "in",
                "--ordering.out-of-orderness", given[0]}));
            assertThat(c.outOfOrdernessMs()).as(given[0]).isEqualTo(Long.parseLong(given[1]));
            assertThat(c.get(JobOptions.OUT_OF_ORDERNESS)).isEqualTo(Duration.ofMillis(Long.parseLong(given[1])));
        }
        JobConfig c = JobConfig.from(ConfigReaders.fromArgs(new String[] {"--source.stream", "in", "--dedup.retention", "7d",
            "--checkpoint.interval", "1 min", "--sink.merge.max-window", "0"}));
        assertThat(c.dedupRetentionMs()).isEqualTo(Duration.ofDays(7).toMillis());
        assertThat(c.checkpointIntervalMs()).isEqualTo(60_000);
        assertThat(c.sinkMergeMaxWindowMs()).isZero();
    }

    @Test
    void theArrivalHoldDefaultsToTheBound() {
        assertThat(JobConfig.from(ConfigReaders.fromArgs(new String[] {"--source.stream", "in", "--ordering.out-of-orderness", "2s"}))
                .arrivalHoldMs()).isEqualTo(2_000);
        assertThat(JobConfig.from(ConfigReaders.fromArgs(new String[] {"--source.stream", "in", "--ordering.out-of-orderness", "2s",
            "--ordering.arrival-hold", "0"})).arrivalHoldMs()).isZero();
    }

    @Test
    void aTimestampStartNeedsItsTimestamp() {
        JobConfig c = JobConfig.from(ConfigReaders.fromArgs(new String[] {"--source.stream", "in", "--source.initpos", "at_timestamp",
            "--source.initpos.timestamp", "1718000000000"}));
        assertThat(c.startingPosition()).isEqualTo(StartingPosition.AT_TIMESTAMP);
        assertThat(c.startingTimestamp()).isEqualTo(1_718_000_000_000L);
        assertThatThrownBy(() -> JobConfig.from(ConfigReaders.fromArgs(new String[] {"--source.stream", "in",
            "--source.initpos", "AT_TIMESTAMP", "--source.initpos.timestamp", "-1"})))
                .hasMessage("option --source.initpos.timestamp must be >= 0, got -1");
    }

    @Test
    void theFormerMsNamesStillWorkFromArgsFilesAndPropertyGroups(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("job.properties");
        Files.writeString(file, "source.stream=in\nordering.max-hold.ms=1234\ndedup.retention.ms=86400000\n");
        Properties ordering = new Properties();
        ordering.setProperty("max-hold.ms", "1234");
        Properties dedup = new Properties();
        dedup.setProperty("retention.ms", "86400000");
        Properties source = new Properties();
        source.setProperty("stream", "in");
        for (Settings s : new Settings[] {
                ConfigReaders.fromArgs(new String[] {"--source.stream", "in", "--ordering.max-hold.ms", "1234",
                    "--dedup.retention.ms", "86400000"}),
                ConfigReaders.fromArgs(new String[] {"--config", file.toString()}),
                ConfigReaders.fromPropertyGroups(Map.of("ordering", ordering, "dedup", dedup, "source", source))}) {
            JobConfig c = JobConfig.from(s);
            assertThat(c.maxHoldMs()).isEqualTo(1234);
            assertThat(c.dedupRetentionMs()).isEqualTo(86_400_000L);
        }
    }

    @Test
    void everyRenamedDurationKeepsItsFormerMsName() {
        Map<String, String> renamed = new TreeMap<>();
        for (ConfigOption<?> option : JobOptions.ALL) {
            option.deprecatedKeys().forEach(old -> renamed.put(old, option.key()));
        }
        assertThat(renamed).containsOnly(
                entry("ordering.out-of-orderness.ms", "ordering.out-of-orderness"),
                entry("ordering.idleness.ms", "ordering.idleness"),
                entry("ordering.max-hold.ms", "ordering.max-hold"),
                entry("ordering.max-ahead.ms", "ordering.max-ahead"),
                entry("ordering.arrival-hold.ms", "ordering.arrival-hold"),
                entry("ordering.max-jump.ms", "ordering.max-jump"),
                entry("dedup.retention.ms", "dedup.retention"),
                entry("checkpoint.interval.ms", "checkpoint.interval"),
                entry("sink.merge.window.ms", "sink.merge.window"),
                entry("sink.merge.max-window.ms", "sink.merge.max-window"),
                entry("subscribers.poll.ms", "subscribers.poll"),
                entry("subscribers.delivery-timeout.ms", "subscribers.delivery-timeout"));
        for (ConfigOption<?> option : JobOptions.ALL) {
            assertThat(option.key()).as("a duration's unit is in its value").doesNotEndWith(".ms");
        }
    }

    @Test
    void aFormerNameLogsOneWarningNamingTheNewKey() {
        try (CapturedLog log = CapturedLog.of(OptionReader.class)) {
            Map<String, String> values = Map.of("source.stream", "in", "sink.merge.window.ms", "750");
            for (int i = 0; i < 2; i++) {
                JobConfig c = JobConfig.from(new Settings(values, key -> "setting '" + key + "' (warning test)"));
                assertThat(c.sinkMergeWindowMs()).isEqualTo(750);
            }
            assertThat(log.messages()).containsExactly("setting 'sink.merge.window.ms' (warning test) is deprecated:"
                    + " use setting 'sink.merge.window' (warning test) (the old name is read until the next release)");
        }
    }

    @Test
    void aSettingGivenUnderBothNamesIsRefused() {
        assertThatThrownBy(() -> JobConfig.from(ConfigReaders.fromArgs(new String[] {"--source.stream", "in",
            "--ordering.max-hold", "5s", "--ordering.max-hold.ms", "5000"})))
                .hasMessage("option --ordering.max-hold and option --ordering.max-hold.ms are the same setting: give one of them");
    }

    @Test
    void givenSettingsOverrideAProgramsDefaultsAlsoUnderAFormerName() {
        Configuration defaults = new Configuration();
        defaults.set(JobOptions.SOURCE_FILE, "events.json");
        defaults.set(JobOptions.CHECKPOINT_INTERVAL, Duration.ofSeconds(5));
        defaults.set(JobOptions.PARALLELISM, 2);
        defaults.setString("aws.endpoint", "http://127.0.0.1:4567");
        defaults.setString("aws.http.protocol.version", "HTTP1_1");
        JobConfig c = JobConfig.from(ConfigReaders.fromArgs(new String[] {"--checkpoint.interval.ms", "1000",
            "--aws.endpoint", "http://127.0.0.1:9999"}), defaults);
        assertThat(c.sourceFile()).isEqualTo("events.json");
        assertThat(c.checkpointIntervalMs()).isEqualTo(1_000);
        assertThat(c.parallelism()).isEqualTo(2);
        assertThat(c.awsProperties()).containsEntry("aws.endpoint", "http://127.0.0.1:9999")
                .containsEntry("aws.http.protocol.version", "HTTP1_1");
    }

    @Test
    void everyAwsSettingGoesToTheConnectors() {
        JobConfig c = JobConfig.from(ConfigReaders.fromArgs(new String[] {"--source.stream", "in", "--aws.region", "eu-west-1",
            "--aws.credentials.provider", "PROFILE", "--aws.credentials.provider.profile.name", "ops",
            "--aws.http.protocol.version", "HTTP1_1"}));
        assertThat(c.awsProperties()).containsOnly(entry("aws.region", "eu-west-1"), entry("aws.credentials.provider", "PROFILE"),
                entry("aws.credentials.provider.profile.name", "ops"), entry("aws.http.protocol.version", "HTTP1_1"));
    }
}
