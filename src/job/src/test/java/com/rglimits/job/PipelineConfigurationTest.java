package com.rglimits.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.rglimits.config.ConfigReaders;
import com.rglimits.config.JobConfig;
import com.rglimits.config.RuntimeSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackend;
import org.apache.flink.contrib.streaming.state.RocksDBConfigurableOptions;
import org.apache.flink.contrib.streaming.state.RocksDBOptions;
import org.apache.flink.contrib.streaming.state.RocksDBOptionsFactory;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.StateBackendLoader;
import org.apache.flink.streaming.api.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.junit.jupiter.api.Test;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;

/** What {@link UserLimitsPipeline#configure} gives the environment, and the graph it builds, through Flink's options. */
class PipelineConfigurationTest {
    private static StreamGraph graph(JobConfig config) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1);
        UserLimitsPipeline.configure(env, config);
        env.fromSequence(1, 2).sinkTo(new DiscardingSink<>());
        return env.getStreamGraph();
    }

    @Test
    void withOptionsTheJobSetsRocksDbIncrementalCheckpointsTheIntervalAndTheParallelism() {
        JobConfig config = JobConfig.from(ConfigReaders.fromArgs(new String[] {"--source.stream", "in",
            "--checkpoint.interval", "7s", "--job.parallelism", "3", "--job.max-parallelism", "64",
            "--ordering.watermark-interval", "20ms"}));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1);
        UserLimitsPipeline.configure(env, config);

        ReadableConfig flink = env.getConfiguration();
        assertThat(flink.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("rocksdb");
        assertThat(flink.get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)).isTrue();
        assertThat(flink.get(RocksDBConfigurableOptions.WRITE_BUFFER_SIZE)).isEqualTo(MemorySize.parse("64mb"));
        assertThat(flink.get(RocksDBConfigurableOptions.USE_BLOOM_FILTER)).isTrue();
        assertThat(flink.get(RocksDBConfigurableOptions.COMPRESSION_PER_LEVEL)).containsExactly(CompressionType.LZ4_COMPRESSION);
        assertThat(flink.get(RocksDBOptions.OPTIONS_FACTORY)).isEqualTo(RocksDbColumnOptions.class.getName());
        assertThat(flink.get(RocksDBOptions.TIMER_SERVICE_FACTORY)).isEqualTo(EmbeddedRocksDBStateBackend.PriorityQueueStateType.HEAP);
        assertThat(env.getCheckpointConfig().getCheckpointInterval()).isEqualTo(7_000);
        assertThat(env.getCheckpointConfig().getCheckpointingMode()).isEqualTo(CheckpointingMode.EXACTLY_ONCE);
        assertThat(env.getParallelism()).isEqualTo(3);
        assertThat(env.getMaxParallelism()).isEqualTo(64);
        assertThat(env.getConfig().getAutoWatermarkInterval()).isEqualTo(20);
        assertThat(env.getConfig().hasGenericTypesDisabled()).isTrue();
        assertThat(env.getConfig().isObjectReuseEnabled()).isTrue();
        assertThat(env.getConfig().isUseSnapshotCompression()).isTrue();

        // The graph carries them to the cluster, where the state backend is made from them.
        StreamGraph graph = graph(config);
        assertThat(graph.getJobConfiguration().get(StateBackendOptions.STATE_BACKEND)).isEqualTo("rocksdb");
        assertThat(graph.getJobConfiguration().get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)).isTrue();
        assertThat(graph.getJobConfiguration().get(RocksDBConfigurableOptions.USE_BLOOM_FILTER)).isTrue();
        assertThat(graph.getJobConfiguration().get(RocksDBConfigurableOptions.COMPRESSION_PER_LEVEL))
                .containsExactly(CompressionType.LZ4_COMPRESSION);
        assertThat(graph.getCheckpointConfig().getCheckpointInterval()).isEqualTo(7_000);
        assertThat(graph.getExecutionConfig().getMaxParallelism()).isEqualTo(64);
        assertThat(graph.getExecutionConfig().getAutoWatermarkInterval()).isEqualTo(20);
        assertThat(graph.getExecutionConfig().isUseSnapshotCompression()).isTrue();
    }

    @Test
    void theDefaultsAreTenSecondCheckpointsOneHundredTwentyEightKeyGroupsAndAWatermarkEvery50Ms() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1);
        assertThat(env.getConfig().getAutoWatermarkInterval()).as("Flink's own default").isEqualTo(200);
        UserLimitsPipeline.configure(env, JobConfig.from(ConfigReaders.fromArgs(new String[] {"--source.stream", "in"})));
        assertThat(env.getCheckpointConfig().getCheckpointInterval()).isEqualTo(Duration.ofSeconds(10).toMillis());
        assertThat(env.getConfig().getAutoWatermarkInterval()).isEqualTo(50);
        assertThat(env.getMaxParallelism()).isEqualTo(128);
        assertThat(env.getParallelism()).as("the environment's").isEqualTo(1);
    }

    @Test
    void onTheManagedRuntimeTheServiceOwnsStateBackendCheckpointsAndParallelism() {
        Properties source = new Properties();
        source.setProperty("stream", "in");
        Properties dlq = new Properties();
        dlq.setProperty("stream", "dead-letters");
        Properties job = new Properties();
        job.setProperty("max-parallelism", "256");
        JobConfig config = JobConfig.from(RuntimeSettings.fromPropertyGroups(Map.of("source", source, "dlq", dlq, "job", job), ""));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1);
        UserLimitsPipeline.configure(env, config);

        ReadableConfig flink = env.getConfiguration();
        assertThat(flink.getOptional(StateBackendOptions.STATE_BACKEND)).isEmpty();
        assertThat(flink.getOptional(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)).isEmpty();
        // The job's own RocksDB options: Flink merges them over the service's configuration.
        assertThat(flink.get(RocksDBConfigurableOptions.WRITE_BUFFER_SIZE)).isEqualTo(MemorySize.parse("64mb"));
        assertThat(flink.get(RocksDBConfigurableOptions.USE_BLOOM_FILTER)).isTrue();
        assertThat(flink.get(RocksDBConfigurableOptions.COMPRESSION_PER_LEVEL)).containsExactly(CompressionType.LZ4_COMPRESSION);
        assertThat(env.getCheckpointConfig().isCheckpointingEnabled()).isFalse();
        assertThat(env.getParallelism()).isEqualTo(1);
        // What the service does not set stays the job's: the key groups, the watermark interval, no Kryo, object
        // reuse, compressed canonical savepoints.
        assertThat(env.getMaxParallelism()).isEqualTo(256);
        assertThat(env.getConfig().getAutoWatermarkInterval()).isEqualTo(50);
        assertThat(env.getConfig().hasGenericTypesDisabled()).isTrue();
        assertThat(env.getConfig().isObjectReuseEnabled()).isTrue();
        assertThat(env.getConfig().isUseSnapshotCompression()).isTrue();
    }

    /**
     * On the managed runtime the cluster's configuration chooses RocksDB and the job sets none of the
     * runtime's options; its own RocksDB options still reach the backend, as Flink makes it on a
     * TaskManager: the job's configuration merged over the cluster's.
     */
    @Test
    void theJobsRocksDbOptionsReachTheBackendTheRuntimeChose() throws Exception {
        Properties source = new Properties();
        source.setProperty("stream", "in");
        Properties dlq = new Properties();
        dlq.setProperty("stream", "dead-letters");
        JobConfig config = JobConfig.from(RuntimeSettings.fromPropertyGroups(Map.of("source", source, "dlq", dlq), ""));
        Configuration cluster = new Configuration();
        cluster.set(StateBackendOptions.STATE_BACKEND, "rocksdb");

        StateBackend backend = StateBackendLoader.fromApplicationOrConfigOrDefault(null,
                UserLimitsPipeline.flinkConfiguration(config), cluster, getClass().getClassLoader(), null);

        assertThat(backend).isInstanceOf(EmbeddedRocksDBStateBackend.class);
        RocksDBOptionsFactory factory = ((EmbeddedRocksDBStateBackend) backend).getRocksDBOptions();
        assertThat(factory).isInstanceOf(RocksDbColumnOptions.class);
        List<AutoCloseable> handles = new ArrayList<>();
        try (ColumnFamilyOptions options = factory.createColumnOptions(new ColumnFamilyOptions(), handles)) {
            assertThat(options.arenaBlockSize()).isEqualTo(MemorySize.parse("1mb").getBytes());
        }
    }
}
