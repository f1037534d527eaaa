package com.rglimits.job;

import com.rglimits.config.JobConfig;
import com.rglimits.config.JobOptions;
import com.rglimits.deadletter.DeadLetter;
import com.rglimits.event.LimitEvent;
import com.rglimits.event.ParsedRecord;
import com.rglimits.limit.UserLimit;
import com.rglimits.subscribe.SubscriberBranch;
import com.rglimits.subscribe.SubscriberConnectors;
import com.rglimits.subscribe.Thresholds;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackend;
import org.apache.flink.contrib.streaming.state.RocksDBConfigurableOptions;
import org.apache.flink.contrib.streaming.state.RocksDBOptions;
import org.apache.flink.streaming.api.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.ExecutionCheckpointingOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.operators.ChainingStrategy;
import org.apache.flink.streaming.api.transformations.PhysicalTransformation;
import org.rocksdb.CompressionType;

/**
 * The job graph, in one place. Sources and sinks are parameters, so production (Kinesis,
 * DynamoDB), local runs (files, dynalite) and tests build the same graph.
 *
 * <pre>
 * source (parse) -> route records -> keyBy(userId) -> order, de-duplicate, apply -> limits sink
 *                         \ invalid                        \ late, unknown, exists
 *                          +-------------------------------+--> dead-letter sink
 * </pre>
 *
 * Given the subscribers' connectors, the limits also feed the subscribers ({@link SubscriberBranch}).
 */
public final class UserLimitsPipeline {
    public static final String SOURCE_UID = "source";
    public static final String ROUTER_UID = "route-records";
    public static final String PROCESSOR_UID = "apply-limit-events";
    public static final String LIMITS_SINK_UID = "limits-sink";
    public static final String DEAD_LETTER_SINK_UID = "dead-letter-sink";

    private UserLimitsPipeline() {}

    /**
     * The settings every run shares, as Flink's own options ({@link #flinkConfiguration}) applied
     * with {@code env.configure}.
     */
    public static void configure(StreamExecutionEnvironment env, JobConfig config) {
        env.configure(flinkConfiguration(config), UserLimitsPipeline.class.getClassLoader());
    }

    /**
     * No Kryo; a fixed max parallelism (key groups), so that savepoints can be rescaled and
     * bootstrapped savepoints (written with the same value) restore; the watermark interval
     * ({@code ordering.watermark-interval}); compressed canonical savepoints; the job's own RocksDB
     * options (memtables, bloom filters, LZ4 compression, arena blocks) in any case; and, unless the
     * runtime owns them ({@link JobConfig#runtimeManaged()}: Managed Service for Apache Flink, which
     * forces RocksDB with incremental checkpoints and its own checkpoint storage, and sets
     * checkpointing and parallelism from the application's configuration), RocksDB with incremental
     * checkpoints and timers on the heap, exactly-once checkpoints every {@code checkpoint.interval}
     * and {@code job.parallelism}.
     */
    static Configuration flinkConfiguration(JobConfig config) {
        Configuration flink = new Configuration();
        flink.set(PipelineOptions.GENERIC_TYPES, false);
        // No operator changes a record it received or emitted (the rules copy a limit to change it):
        // copying every record between chained operators would buy nothing.
        flink.set(PipelineOptions.OBJECT_REUSE, true);
        flink.set(PipelineOptions.MAX_PARALLELISM, config.maxParallelism());
        flink.set(PipelineOptions.AUTO_WATERMARK_INTERVAL, config.get(JobOptions.WATERMARK_INTERVAL));
        flink.addAll(savepointSettings());
        // The job's own options of the RocksDB backend: Flink merges the job's configuration over the
        // cluster's when it makes the backend, so they apply where the runtime chose RocksDB too. Bloom
        // filters, because a user's read otherwise searches every level above the one holding it, which
        // at millions of users means blocks read from disk (docs/benchmark.md, production scale).
        flink.set(RocksDBConfigurableOptions.WRITE_BUFFER_SIZE, WRITE_BUFFER_SIZE);
        flink.set(RocksDBConfigurableOptions.USE_BLOOM_FILTER, true);
        // LZ4 instead of RocksDB's Snappy: at millions of users compaction took a third of the process's
        // CPU, much of it compressing; LZ4 compresses these values about as small, faster.
        flink.set(RocksDBConfigurableOptions.COMPRESSION_PER_LEVEL, List.of(CompressionType.LZ4_COMPRESSION));
        flink.set(RocksDBOptions.OPTIONS_FACTORY, RocksDbColumnOptions.class.getName());
        if (config.runtimeManaged()) {
            return flink;
        }
        flink.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        flink.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        // The keyed operator registers no timers of its own any more; the releases before 2026-12
        // registered two per held event on the heap, and their savepoints restore those there.
        flink.set(RocksDBOptions.TIMER_SERVICE_FACTORY, EmbeddedRocksDBStateBackend.PriorityQueueStateType.HEAP);
        flink.set(ExecutionCheckpointingOptions.CHECKPOINTING_INTERVAL, config.get(JobOptions.CHECKPOINT_INTERVAL));
        flink.set(ExecutionCheckpointingOptions.CHECKPOINTING_MODE, CheckpointingMode.EXACTLY_ONCE);
        if (config.parallelism() > 0) {
            flink.set(CoreOptions.DEFAULT_PARALLELISM, config.parallelism());
        }
        return flink;
    }

    /**
     * How canonical savepoints of the job's state are written, by the job and by the tools that write
     * such savepoints without it (the bootstrap, the benchmark's prefill): key groups in Snappy frames.
     * Uncompressed, a restore reads them from the file system's unbuffered stream field by field, in
     * system calls: restoring 1,000,000 users took 11 s instead of 2, from a file three times the size
     * (docs/benchmark.md, "Restore"). A restore reads either kind; native savepoints and checkpoints
     * are RocksDB's own files, compressed by it.
     */
    public static Configuration savepointSettings() {
        Configuration settings = new Configuration();
        settings.set(ExecutionOptions.SNAPSHOT_COMPRESSION, true);
        return settings;
    }

    /**
     * RocksDB's memtable size. With millions of users the state is far larger than memory and every
     * write-back touches users spread over all of it: small memtables (8 MiB until 2026-12-06, for a
     * shorter flush in the checkpoint's synchronous part) made many small level-0 files, each merged
     * into the whole of level 1, and compaction took as much CPU as the keyed operator. The price, with
     * a state that fits in memory: a longer checkpoint pause (the write-back sits in the memtable the
     * checkpoint flushes). Measured side by side in the benchmark's scale rows (docs/benchmark.md,
     * production scale).
     */
    static final MemorySize WRITE_BUFFER_SIZE = MemorySize.parse("64mb");

    /**
     * Per input split, the bounded out-of-orderness watermark over the split's own event time
     * ({@link SplitWatermarks}). An unbounded input's quiet splits stop holding it back after
     * {@code ordering.idleness}; a bounded input's splits hold it until they end, so that its
     * watermarks depend on its records alone.
     */
    public static WatermarkStrategy<ParsedRecord> watermarks(JobConfig config, boolean bounded) {
        WatermarkStrategy<ParsedRecord> strategy = WatermarkStrategy.<ParsedRecord>forGenerator(context ->
                        new SplitWatermarks(config.outOfOrdernessMs(), config.maxJumpMs(), config.confirmingKeys(), !bounded))
                .withTimestampAssigner((record, recordTimestamp) -> record.eventTime());
        return bounded ? strategy : strategy.withIdleness(Duration.ofMillis(config.idlenessMs()));
    }

    /**
     * Adds the whole pipeline to the environment; returns its outputs, e.g. for a test to tap.
     *
     * @param subscribers the subscribers' feed's source and sink ({@link SubscriberConnectors#fromConfig});
     *     null: no feed
     */
    public static Outputs build(
            StreamExecutionEnvironment env,
            Source<ParsedRecord, ?, ?> source,
            Sink<UserLimit> limitsSink,
            Sink<DeadLetter> deadLetterSink,
            SubscriberConnectors subscribers,
            JobConfig config) {
        boolean bounded = source.getBoundedness() == Boundedness.BOUNDED;
        // The type is given: not every source says what it produces (the Kinesis source does not).
        DataStream<ParsedRecord> records = env.fromSource(
                        source, watermarks(config, bounded), "Read and parse records", TypeInformation.of(ParsedRecord.class))
                .uid(SOURCE_UID);
        Outputs outputs = applyEvents(records, config, bounded);
        outputs.limits.sinkTo(limitsSink).uid(LIMITS_SINK_UID).name("Write limits");
        outputs.deadLetters.sinkTo(deadLetterSink).uid(DEAD_LETTER_SINK_UID).name("Write dead letters");
        if (subscribers != null) {
            SubscriberBranch.attach(outputs.limits, subscribers, Thresholds.parse(config.thresholds()));
        }
        return outputs;
    }

    /**
     * The processing between source and sinks: route, key by user, order, de-duplicate, apply.
     *
     * @param bounded whether the input is bounded: then the order of its records alone decides the result
     *     (see {@link RecordRouter} and {@link UserLimitOperator})
     */
    public static Outputs applyEvents(DataStream<ParsedRecord> records, JobConfig config, boolean bounded) {
        SingleOutputStreamOperator<LimitEvent> events = route(records, config, bounded);
        SingleOutputStreamOperator<UserLimit> limits = byUser(events)
                .transform("Order, de-duplicate and apply events", Descriptors.USER_LIMIT_TYPE,
                        UserLimitOperator.from(config, bounded))
                .uid(PROCESSOR_UID);
        DataStream<DeadLetter> deadLetters = events.getSideOutput(Descriptors.DEAD_LETTERS)
                .union(limits.getSideOutput(Descriptors.DEAD_LETTERS));
        return new Outputs(limits, deadLetters);
    }

    /** Counts the records and routes them: events on, dead letters to the side output, in the source's task. */
    public static SingleOutputStreamOperator<LimitEvent> route(DataStream<ParsedRecord> records, JobConfig config, boolean bounded) {
        SingleOutputStreamOperator<LimitEvent> events = records
                .transform("Count and route records", Descriptors.LIMIT_EVENT_WIRE_TYPE, RecordRouter.from(config, bounded))
                .uid(ROUTER_UID)
                // In the source's task: each split's records reach its clock in the order they were read.
                .setParallelism(records.getParallelism());
        ((PhysicalTransformation<?>) events.getTransformation()).setChainingStrategy(ChainingStrategy.ALWAYS);
        return events;
    }

    /** The events keyed by user: each user's events reach one subtask of the keyed operator, over the network. */
    public static KeyedStream<LimitEvent, String> byUser(DataStream<LimitEvent> events) {
        return events.keyBy(event -> event.userId, Types.STRING);
    }

    /** The two outputs of the pipeline: every changed limit, and every dead letter. */
    public static final class Outputs {
        public final DataStream<UserLimit> limits;
        public final DataStream<DeadLetter> deadLetters;

        Outputs(DataStream<UserLimit> limits, DataStream<DeadLetter> deadLetters) {
            this.limits = limits;
            this.deadLetters = deadLetters;
        }
    }
}
