package com.rglimits.kinesis;

import com.rglimits.config.JobConfig;
import com.rglimits.config.JobOptions;
import com.rglimits.config.Settings;
import com.rglimits.deadletter.DeadLetter;
import com.rglimits.job.UserLimitsPipeline;
import com.rglimits.localaws.StreamAdmin;
import com.rglimits.sink.LimitsDynamoDbSink;
import com.rglimits.table.LimitTable;
import com.rglimits.testing.KinesisBed;
import com.rglimits.testing.KinesisInOrderModel;
import com.rglimits.testing.KinesisTestEvents;
import com.rglimits.testing.RecordingLimitsSink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * The job as the Kinesis pipeline tests run it on the shared test bed (its settings, its graph with a
 * recorder of every limit version), and a job on a new 2-shard stream for the resharding tests.
 */
final class KinesisTestJob {
    static final int PARALLELISM = 2;
    /**
     * Generous: idleness is "no records for this long", which a source subtask starved of CPU on a loaded
     * CI machine also shows; declared idle in the middle of its records, the others carry the watermark
     * past the records it still has to deliver after its earlier ones were released (README, "Idleness").
     */
    static final long GENEROUS_IDLENESS_MS = 60_000;
    static final long IDLENESS_DEFAULT_MS = 10_000;

    private KinesisTestJob() {}

    static JobConfig config(KinesisBed emulators, String input, String dlq, long idlenessMs) {
        Map<String, String> values = new HashMap<>();
        emulators.awsProperties().forEach((k, v) -> values.put((String) k, (String) v));
        values.put(JobOptions.SOURCE_STREAM.key(), input);
        values.put(JobOptions.SOURCE_INITPOS.key(), "TRIM_HORIZON");
        values.put(JobOptions.DLQ_STREAM.key(), dlq);
        values.put(JobOptions.TABLE_NAME.key(), "limits-" + input); // the tests share one dynalite
        values.put(JobOptions.PARALLELISM.key(), Integer.toString(PARALLELISM));
        values.put(JobOptions.CHECKPOINT_INTERVAL.key(), "1000");
        values.put(JobOptions.IDLENESS.key(), Long.toString(idlenessMs));
        // Likewise: a reader starved for the whole bound while the others wait on its watermark looks
        // like a quiet stream, and the bound would release a user's later events ahead of its earlier ones.
        values.put(JobOptions.MAX_HOLD.key(), "60000");
        // The test events' createdAt is years behind the wall clock: the sink would take the job for a
        // replay and hold versions up to sink.merge.max-window, while the test compares the table 2 s after the recorder.
        values.put(JobOptions.SINK_MERGE_MAX_WINDOW.key(), "0");
        return JobConfig.from(new Settings(values, k -> k));
    }

    /** The production graph with its sinks, plus a recorder of every limit version; restored from {@code savepoint} unless null. */
    static JobGraph jobGraph(JobConfig config, RecordingLimitsSink recorder, String savepoint) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        UserLimitsPipeline.configure(env, config);
        Sink<DeadLetter> deadLetterSink = DeadLetterSinkFactory.create(config);
        UserLimitsPipeline.build(env, KinesisSourceFactory.create(config), LimitsDynamoDbSink.fromConfig(config),
                        deadLetterSink, null, config)
                .limits.sinkTo(recorder).uid("test-recorder").name("Record limit versions");
        JobGraph graph = env.getStreamGraph().getJobGraph();
        if (savepoint != null) {
            graph.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(savepoint, false));
        }
        return graph;
    }

    /** Publishes the records at full speed; remembers where each was published, by its bytes in Base64. */
    static void publish(KinesisClient kinesis, String input, List<byte[]> records,
            Map<String, List<RecordPublisher.Sent>> positions) {
        for (RecordPublisher.Sent s : RecordPublisher.publish(kinesis, input, records, 0)) {
            positions.computeIfAbsent(Base64.getEncoder().encodeToString(records.get(s.index)), k -> new ArrayList<>()).add(s);
        }
    }

    /** One record of another type per shard of the stream, at {@code createdAt}. */
    static List<byte[]> watermarkPushers(KinesisClient kinesis, String input, long createdAt) {
        return KinesisTestEvents.endOfStream(KinesisStreams.shards(kinesis, input), createdAt);
    }

    /** A job running on a new 2-shard stream of 60 users, with its model and the first 800 records partly applied. */
    static final class TwoShardRun {
        final KinesisClient kinesis;
        final String input;
        final String dlq;
        final JobConfig config;
        final KinesisTestEvents events;
        final KinesisInOrderModel model = new KinesisInOrderModel();
        final RecordingLimitsSink recorder;
        final JobID job;

        TwoShardRun(KinesisBed emulators, KinesisClient kinesis, String name, long seed, ClusterClient<?> cluster,
                long idlenessMs) throws Exception {
            this.kinesis = kinesis;
            input = name + "-" + System.nanoTime();
            dlq = name + "-dlq-" + System.nanoTime();
            StreamAdmin.createStream(kinesis, input, 2, Duration.ofSeconds(30));
            StreamAdmin.createStream(kinesis, dlq, 1, Duration.ofSeconds(30));
            config = config(emulators, input, dlq, idlenessMs);
            try (var dynamoDb = emulators.dynamoDbClient()) {
                LimitTable.create(dynamoDb, config.tableName());
            }
            events = new KinesisTestEvents(seed, 60);
            recorder = new RecordingLimitsSink("kinesis-" + input);
            job = cluster.submitJob(jobGraph(config, recorder, null)).get();
            publishPhase(events.next(800));
            KinesisJobTests.waitFor("the job to apply part of the first records", Duration.ofSeconds(60),
                    () -> recorder.versions().size() >= model.appliedCount() / 3);
        }

        void publishPhase(List<byte[]> records) {
            RecordPublisher.publish(kinesis, input, records, 0);
            model.applyPhase(records);
        }

        List<byte[]> watermarkPushers(long createdAt) {
            return KinesisTestJob.watermarkPushers(kinesis, input, createdAt);
        }
    }
}
