package com.rglimits.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
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
        assertThat(c.completeStream()).as("the fast path only where the stream is said to be complete").isFalse();
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
        Files.writeString(file, "source.stream=in\nordering.max-hold.ms=1234\nordering.max-ahead.ms=60000\naws.region=eu-west-1\n");
        Properties ordering = new Properties();
        ordering.setProperty("max-hold.ms", "1234");
        ordering.setProperty("max-ahead.ms", "60000");
        Properties source = new Properties();
        source.setProperty("stream", "in");
        Properties aws = new Properties();
        aws.setProperty("region", "eu-west-1");

        for (Settings s : new Settings[] {
                ConfigReaders.fromArgs(new String[] {"--source.stream", "in", "--ordering.max-hold.ms", "1234", "--ordering.max-ahead.ms", "60000",
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
        assertThatThrownBy(() -> JobConfig.from(ConfigReaders.fromArgs(new String[] {"--source.stream", "in", "--ordering.max-hold.ms", "soon"})))
                .isInstanceOf(ConfigException.class)
                .hasMessage("option --ordering.max-hold.ms must be a whole number, got 'soon'");
        Properties ordering = new Properties();
        ordering.setProperty("out-of-orderness.ms", "-5");
        Properties source = new Properties();
        source.setProperty("stream", "in");
        assertThatThrownBy(() -> JobConfig.from(ConfigReaders.fromPropertyGroups(Map.of("ordering", ordering, "source", source))))
                .hasMessage("property group 'ordering', key 'out-of-orderness.ms' must be >= 0, got -5");
        assertThatThrownBy(() -> JobConfig.from(ConfigReaders.fromArgs(new String[] {"--source.stream", "in", "--ordering.max-ahead.ms", "-1"})))
                .hasMessage("option --ordering.max-ahead.ms must be >= 0, got -1");
        assertThatThrownBy(() -> JobConfig.from(ConfigReaders.fromArgs(new String[] {"--source.stream", "in", "--ordering.complete-stream", "yes"})))
                .hasMessage("option --ordering.complete-stream must be true or false, got 'yes'");
        assertThat(JobConfig.from(ConfigReaders.fromArgs(new String[] {"--source.stream", "in", "--ordering.complete-stream", "TRUE"}))
                .completeStream()).isTrue();
    }

    @Test
    void unknownSettingsAndBadArgumentsAreRejected() {
        assertThatThrownBy(() -> JobConfig.from(ConfigReaders.fromArgs(new String[] {"--source.stream", "in", "--ordering.max-hold", "5"})))
                .hasMessage("unknown setting option --ordering.max-hold");
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
}
