package com.rglimits.kinesis;

import com.rglimits.config.JobConfig;
import com.rglimits.config.JobOptions;
import com.rglimits.localaws.StreamAdmin;
import com.rglimits.table.LimitTable;
import com.rglimits.testing.KinesisBed;
import com.rglimits.testing.KinesisInOrderModel;
import com.rglimits.testing.KinesisTestEvents;
import com.rglimits.testing.RecordingLimitsSink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.JobID;
import org.apache.flink.client.program.ClusterClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * The job's settings as the Kinesis pipeline tests run it on the shared test bed, and a job on a new
 * 2-shard stream for the resharding tests.
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
        Map<String, String> values = KinesisJobTests.settings(emulators, input, dlq);
        values.put(JobOptions.PARALLELISM.key(), Integer.toString(PARALLELISM));
        values.put(JobOptions.IDLENESS.key(), Long.toString(idlenessMs));
        // Likewise: a reader starved for the whole bound while the others wait on its watermark looks
        // like a quiet stream, and the bound would release a user's later events ahead of its earlier ones.
        values.put(JobOptions.MAX_HOLD.key(), "60000");
        return KinesisJobTests.config(values);
    }

    /** Publishes the records at full speed; remembers where each was published, by its bytes in Base64. */
    static void publish(KinesisClient kinesis, String input, List<byte[]> records,
            Map<String, List<RecordPublisher.Sent>> positions) {
        for (RecordPublisher.Sent s : RecordPublisher.publish(kinesis, input, records, 0)) {
            positions.computeIfAbsent(Base64.getEncoder().encodeToString(records.get(s.index)), k -> new ArrayList<>()).add(s);
        }
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
            job = cluster.submitJob(KinesisJobTests.jobGraph(config, recorder, null)).get();
            publishPhase(events.next(800));
            KinesisJobTests.waitFor("the job to apply part of the first records", Duration.ofSeconds(60),
                    () -> recorder.versions().size() >= model.appliedCount() / 3);
        }

        void publishPhase(List<byte[]> records) {
            RecordPublisher.publish(kinesis, input, records, 0);
            model.applyPhase(records);
        }

        List<byte[]> watermarkPushers(long createdAt) {
            return KinesisJobTests.endOfStream(kinesis, input, createdAt);
        }
    }
}
