package com.rglimits.sink;

import com.rglimits.aws.AwsSettings;
import com.rglimits.config.JobConfig;
import com.rglimits.limit.UserLimit;
import java.util.Collection;
import java.util.Objects;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.base.sink.AsyncSinkBase;
import org.apache.flink.connector.base.sink.writer.AsyncSinkWriter;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.config.AsyncSinkWriterConfiguration;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * Writes limit versions to the limits table so that the table never moves backwards: every item is
 * a conditional PutItem ({@code attribute_not_exists(userId) OR lastSequenceNumber < :seq}), so an
 * older version that arrives late, is retried, or is replayed after a restore cannot overwrite a
 * newer one, with any number of requests in flight and any parallelism.
 *
 * <p>At-least-once, like every {@link AsyncSinkBase}: buffered entries are part of the checkpoint
 * ({@link LimitPutStateSerializer}), the merge stage's versions with them. Versions of one limit
 * are merged while they wait (merge window, {@link LimitsDynamoDbSinkWriter}) and while an older one
 * is in flight ({@link InFlightLimits}); an older version is never sent after a newer one. What it
 * costs (requests, items written, stale writes, retries, throttles, write capacity units) are
 * metrics on the writer's group ({@link SinkCost}). Non-retryable errors fail the job with a
 * {@link LimitsDynamoDbSinkException}.
 *
 * <p>The client is configured by the same {@code aws.*} properties as the official DynamoDB sink
 * ({@code aws.region}, {@code aws.endpoint}, {@code aws.credentials.provider} and its sub-keys, ...).
 */
public class LimitsDynamoDbSink extends AwsAsyncSink<UserLimit, LimitPut> {
    private static final long serialVersionUID = 1L;

    /** DynamoDB's item size limit. */
    public static final long MAX_ITEM_BYTES = 400L * 1024;
    /**
     * The standard settings' defaults: batches of 25 puts (sent concurrently), 8 in flight, 1,000
     * entries buffered, 16 MiB per batch; a partial batch waits 20 ms in the writer's buffer (entries
     * reach it after the merge window, so it only gathers what leaves the stage at once).
     */
    public static final AsyncSinkWriterConfiguration DEFAULTS = batching(25, 8, 1_000, 16L * 1024 * 1024, 20, MAX_ITEM_BYTES);
    public static final long DEFAULT_MERGE_WINDOW_MS = 200;
    public static final long DEFAULT_MERGE_MAX_WINDOW_MS = 60_000;
    /**
     * How much later than the ordering hold a live record may reach the sink, measured from its
     * cause's createdAt: the producer, the stream and the watermark interval (the same second the
     * latency goal allows, docs/benchmark.md).
     */
    public static final long LIVE_DELIVERY_MS = 1_000;
    /** The live lag with the job's default out-of-orderness bound (5 s). */
    public static final long DEFAULT_MERGE_LIVE_LAG_MS = 5_000 + LIVE_DELIVERY_MS;
    public static final int DEFAULT_MERGE_MAX_LIMITS = 20_000;
    /** Gauge: limits waiting in the merge stage. */
    public static final String METRIC_MERGE_STAGED = "mergeStagedLimits";
    /** Gauge: the merge window now, in ms (longer while the job is behind). */
    public static final String METRIC_MERGE_WINDOW = "mergeWindowMs";

    private final String tableName;
    private final long mergeWindowMs;
    private final long mergeMaxWindowMs;
    private final long mergeLiveLagMs;
    private final int mergeMaxLimits;
    private final LimitWriteObserver observer;

    LimitsDynamoDbSink(
            String tableName,
            AwsSettings aws,
            AsyncSinkWriterConfiguration batching,
            long mergeWindowMs,
            long mergeMaxWindowMs,
            long mergeLiveLagMs,
            int mergeMaxLimits,
            LimitWriteObserver observer) {
        super(new LimitPutConverter(), batching, aws);
        if (tableName == null || tableName.isBlank()) {
            throw new IllegalArgumentException("the DynamoDB table name is required");
        }
        this.tableName = tableName;
        this.mergeWindowMs = mergeWindowMs;
        this.mergeMaxWindowMs = mergeMaxWindowMs;
        this.mergeLiveLagMs = mergeLiveLagMs;
        this.mergeMaxLimits = mergeMaxLimits;
        this.observer = Objects.requireNonNull(observer, "observer");
    }

    public static LimitsDynamoDbSinkBuilder builder() {
        return new LimitsDynamoDbSinkBuilder();
    }

    /** The sink of the job: table, {@code aws.*} settings, batch size, requests in flight and merging from the config. */
    public static LimitsDynamoDbSink fromConfig(JobConfig config) {
        return fromConfig(config, LimitWriteObserver.NONE);
    }

    /** {@link #fromConfig(JobConfig)} watched by an observer (the benchmark's). */
    public static LimitsDynamoDbSink fromConfig(JobConfig config, LimitWriteObserver observer) {
        int batch = config.sinkMaxBatchSize();
        return builder()
                .tableName(config.tableName())
                .awsProperties(config.awsProperties())
                .setMaxBatchSize(batch)
                .setMaxInFlightRequests(config.sinkMaxInFlight())
                .setMaxBufferedRequests(Math.max(DEFAULTS.getMaxBufferedRequests(), 10 * batch))
                .mergeWindowMs(config.sinkMergeWindowMs())
                .mergeMaxWindowMs(config.sinkMergeMaxWindowMs())
                .mergeLiveLagMs(config.outOfOrdernessMs() + LIVE_DELIVERY_MS)
                .mergeMaxLimits(config.sinkMergeMaxLimits())
                .observer(observer)
                .build();
    }

    public String tableName() {
        return tableName;
    }

    @Override
    public AsyncSinkWriter<UserLimit, LimitPut> restoreWriter(
            WriterInitContext context, Collection<BufferedRequestState<LimitPut>> recoveredState) {
        SinkCost cost = new SinkCost(context.metricGroup());
        MergeWindow window = new MergeWindow(mergeWindowMs, mergeMaxWindowMs, mergeLiveLagMs);
        LimitsDynamoDbSinkWriter writer = new LimitsDynamoDbSinkWriter(this, context, recoveredState, tableName, aws(), cost,
                observer, window, mergeMaxLimits);
        context.metricGroup().gauge(METRIC_MERGE_STAGED, writer::staged);
        context.metricGroup().gauge(METRIC_MERGE_WINDOW, window::currentMs);
        observer.opened(cost);
        return writer;
    }

    @Override
    public SimpleVersionedSerializer<BufferedRequestState<LimitPut>> getWriterStateSerializer() {
        return new LimitPutStateSerializer();
    }
}
