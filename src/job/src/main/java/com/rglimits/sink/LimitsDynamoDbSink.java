package com.rglimits.sink;

import com.rglimits.config.JobConfig;
import com.rglimits.limit.UserLimit;
import java.io.IOException;
import java.util.Collection;
import java.util.Collections;
import java.util.Objects;
import java.util.Properties;
import org.apache.flink.api.connector.sink2.StatefulSink;
import org.apache.flink.connector.aws.util.AWSGeneralUtil;
import org.apache.flink.connector.base.sink.AsyncSinkBase;
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
 * are merged while they wait (merge window, {@link LimitMergeWriter}) and while an older one is in
 * flight ({@link InFlightLimits}); an older version is never sent after a newer one. What it costs
 * (requests, items written, stale writes, retries, throttles, write capacity units) are metrics on
 * the writer's group ({@link SinkCost}). Non-retryable errors fail the job with a
 * {@link LimitsDynamoDbSinkException}.
 *
 * <p>The client is configured by the same {@code aws.*} properties as the official DynamoDB sink
 * ({@code aws.region}, {@code aws.endpoint}, {@code aws.credentials.provider} and its sub-keys, ...).
 */
public class LimitsDynamoDbSink extends AsyncSinkBase<UserLimit, LimitPut> {
    private static final long serialVersionUID = 1L;

    public static final int DEFAULT_MAX_BATCH_SIZE = 25;
    public static final int DEFAULT_MAX_IN_FLIGHT_REQUESTS = 8;
    public static final int DEFAULT_MAX_BUFFERED_REQUESTS = 1_000;
    /**
     * How long a partial batch waits in the writer's buffer: entries reach it after the merge
     * window, so it only gathers what leaves the stage at once.
     */
    public static final long DEFAULT_MAX_TIME_IN_BUFFER_MS = 20;
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
    /** DynamoDB's item size limit. */
    public static final long MAX_RECORD_SIZE_IN_BYTES = 400L * 1024;
    public static final long DEFAULT_MAX_BATCH_SIZE_IN_BYTES = 16L * 1024 * 1024;

    private final String tableName;
    private final Properties awsProperties;
    private final long mergeWindowMs;
    private final long mergeMaxWindowMs;
    private final long mergeLiveLagMs;
    private final int mergeMaxLimits;
    private final LimitWriteObserver observer;

    LimitsDynamoDbSink(
            String tableName,
            Properties awsProperties,
            int maxBatchSize,
            int maxInFlightRequests,
            int maxBufferedRequests,
            long maxBatchSizeInBytes,
            long maxTimeInBufferMS,
            long mergeWindowMs,
            long mergeMaxWindowMs,
            long mergeLiveLagMs,
            int mergeMaxLimits,
            LimitWriteObserver observer) {
        super(new LimitPutConverter(), maxBatchSize, maxInFlightRequests, maxBufferedRequests,
                maxBatchSizeInBytes, maxTimeInBufferMS, MAX_RECORD_SIZE_IN_BYTES);
        if (tableName == null || tableName.isBlank()) {
            throw new IllegalArgumentException("the DynamoDB table name is required");
        }
        if (maxBufferedRequests <= maxBatchSize) {
            throw new IllegalArgumentException("maxBufferedRequests (" + maxBufferedRequests
                    + ") must be greater than maxBatchSize (" + maxBatchSize + ")");
        }
        this.tableName = tableName;
        this.mergeWindowMs = mergeWindowMs;
        this.mergeMaxWindowMs = mergeMaxWindowMs;
        this.mergeLiveLagMs = mergeLiveLagMs;
        this.mergeMaxLimits = mergeMaxLimits;
        this.observer = Objects.requireNonNull(observer, "observer");
        this.awsProperties = new Properties();
        this.awsProperties.putAll(Objects.requireNonNull(awsProperties, "awsProperties"));
        // Fail at job build time on a bad region or credentials provider setting, like the
        // official connectors do; resolving credentials is left to the writers.
        AWSGeneralUtil.validateAwsConfiguration(this.awsProperties);
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
                .maxBatchSize(batch)
                .maxInFlightRequests(config.sinkMaxInFlight())
                .maxBufferedRequests(Math.max(DEFAULT_MAX_BUFFERED_REQUESTS, 10 * batch))
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
    public StatefulSink.StatefulSinkWriter<UserLimit, BufferedRequestState<LimitPut>> createWriter(
            InitContext context) throws IOException {
        return restoreWriter(context, Collections.emptyList());
    }

    @Override
    public StatefulSink.StatefulSinkWriter<UserLimit, BufferedRequestState<LimitPut>> restoreWriter(
            InitContext context, Collection<BufferedRequestState<LimitPut>> recoveredState) throws IOException {
        SinkCost cost = new SinkCost(context.metricGroup());
        LimitsDynamoDbSinkWriter writer = new LimitsDynamoDbSinkWriter(
                context, writerConfiguration(), tableName, awsProperties, recoveredState, cost, observer);
        MergeWindow window = new MergeWindow(mergeWindowMs, mergeMaxWindowMs, mergeLiveLagMs);
        LimitMergeWriter merging = new LimitMergeWriter(getElementConverter(), writer,
                context.getProcessingTimeService(), cost, window, mergeMaxLimits,
                getMaxBatchSize() * getMaxInFlightRequests());
        context.metricGroup().gauge(METRIC_MERGE_STAGED, merging::staged);
        context.metricGroup().gauge(METRIC_MERGE_WINDOW, window::currentMs);
        observer.opened(cost);
        return merging;
    }

    AsyncSinkWriterConfiguration writerConfiguration() {
        return AsyncSinkWriterConfiguration.builder()
                .setMaxBatchSize(getMaxBatchSize())
                .setMaxBatchSizeInBytes(getMaxBatchSizeInBytes())
                .setMaxInFlightRequests(getMaxInFlightRequests())
                .setMaxBufferedRequests(getMaxBufferedRequests())
                .setMaxTimeInBufferMS(getMaxTimeInBufferMS())
                .setMaxRecordSizeInBytes(getMaxRecordSizeInBytes())
                .build();
    }

    @Override
    public SimpleVersionedSerializer<BufferedRequestState<LimitPut>> getWriterStateSerializer() {
        return new LimitPutStateSerializer();
    }
}
