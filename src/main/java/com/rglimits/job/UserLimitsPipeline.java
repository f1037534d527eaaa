package com.rglimits.job;

import com.rglimits.config.JobConfig;
import com.rglimits.deadletter.DeadLetter;
import com.rglimits.event.LimitEvent;
import com.rglimits.event.ParsedRecord;
import com.rglimits.limit.UserLimit;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The job graph, in one place. Sources and sinks are parameters, so production (Kinesis,
 * DynamoDB), local runs (files, DynamoDB Local) and tests build the same graph.
 *
 * <pre>
 * source (parse) -> route records -> keyBy(userId) -> order, de-duplicate, apply -> limits sink
 *                         \ invalid                        \ late, unknown, exists
 *                          +-------------------------------+--> dead-letter sink
 * </pre>
 */
public final class UserLimitsPipeline {
    public static final String SOURCE_UID = "source";
    public static final String ROUTER_UID = "route-records";
    public static final String PROCESSOR_UID = "apply-limit-events";
    public static final String LIMITS_SINK_UID = "limits-sink";
    public static final String DEAD_LETTER_SINK_UID = "dead-letter-sink";

    private UserLimitsPipeline() {}

    /**
     * The settings every run shares: RocksDB with incremental checkpoints, no Kryo, exactly-once
     * checkpoints, and a fixed max parallelism (key groups), so that savepoints can be rescaled and
     * bootstrapped savepoints (written with the same value) restore.
     */
    public static void configure(StreamExecutionEnvironment env, JobConfig config) {
        env.getConfig().disableGenericTypes();
        env.setMaxParallelism(config.maxParallelism());
        env.setStateBackend(new EmbeddedRocksDBStateBackend(true));
        env.enableCheckpointing(config.checkpointIntervalMs(), CheckpointingMode.EXACTLY_ONCE);
        if (config.parallelism() > 0) {
            env.setParallelism(config.parallelism());
        }
    }

    public static WatermarkStrategy<ParsedRecord> watermarks(JobConfig config) {
        return WatermarkStrategy.<ParsedRecord>forBoundedOutOfOrderness(Duration.ofMillis(config.outOfOrdernessMs()))
                .withTimestampAssigner((record, recordTimestamp) -> record.eventTime())
                .withIdleness(Duration.ofMillis(config.idlenessMs()));
    }

    /** Adds the whole pipeline to the environment. */
    public static void build(
            StreamExecutionEnvironment env,
            Source<ParsedRecord, ?, ?> source,
            Sink<UserLimit> limitsSink,
            Sink<DeadLetter> deadLetterSink,
            JobConfig config) {
        DataStream<ParsedRecord> records = env.fromSource(source, watermarks(config), "Read and parse records")
                .uid(SOURCE_UID);
        Outputs outputs = applyEvents(records, config);
        outputs.limits.sinkTo(limitsSink).uid(LIMITS_SINK_UID).name("Write limits");
        outputs.deadLetters.sinkTo(deadLetterSink).uid(DEAD_LETTER_SINK_UID).name("Write dead letters");
    }

    /** The processing between source and sinks: route, key by user, order, de-duplicate, apply. */
    public static Outputs applyEvents(DataStream<ParsedRecord> records, JobConfig config) {
        SingleOutputStreamOperator<LimitEvent> events = records
                .process(new RecordRouter(), Descriptors.LIMIT_EVENT_TYPE)
                .uid(ROUTER_UID)
                .name("Count and route records");
        SingleOutputStreamOperator<UserLimit> limits = events
                .keyBy(event -> event.userId, Types.STRING)
                .process(new UserLimitProcessor(config.maxHoldMs(), config.dedupRetentionMs()), Descriptors.USER_LIMIT_TYPE)
                .uid(PROCESSOR_UID)
                .name("Order, de-duplicate and apply events");
        DataStream<DeadLetter> deadLetters = events.getSideOutput(Descriptors.DEAD_LETTERS)
                .union(limits.getSideOutput(Descriptors.DEAD_LETTERS));
        return new Outputs(limits, deadLetters);
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
