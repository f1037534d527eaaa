package com.rglimits.sink;

import com.rglimits.config.JobConfig;
import com.rglimits.limit.UserLimit;
import java.io.IOException;
import java.util.Collection;
import java.util.Collections;
import java.util.Objects;
import java.util.Properties;
import org.apache.flink.connector.aws.util.AWSGeneralUtil;
import org.apache.flink.connector.base.sink.AsyncSinkBase;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.config.AsyncSinkWriterConfiguration;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.api.connector.sink2.StatefulSink;

/**
 * Writes limit versions to the limits table so that the table never moves backwards: every item is
 * a conditional PutItem ({@code attribute_not_exists(userId) OR lastSequenceNumber < :seq}), so an
 * older version that arrives late, is retried, or is replayed after a restore cannot overwrite a
 * newer one, with any number of requests in flight and any parallelism.
 *
 * <p>At-least-once, like every {@link AsyncSinkBase}: buffered entries are part of the checkpoint
 * ({@link LimitPutStateSerializer}). Metrics on the writer's group: {@code writesSucceeded},
 * {@code staleWritesRejected}, {@code writeRetries} (entries requeued after throttling, 5xx or
 * network errors) and {@code writesCoalesced} (older versions dropped inside one batch).
 * Non-retryable errors fail the job with a {@link LimitsDynamoDbSinkException}.
 *
 * <p>The client is configured by the same {@code aws.*} properties as the official DynamoDB sink
 * ({@code aws.region}, {@code aws.endpoint}, {@code aws.credentials.provider} and its sub-keys, ...).
 */
public class LimitsDynamoDbSink extends AsyncSinkBase<UserLimit, LimitPut> {
    private static final long serialVersionUID = 1L;

    public static final int DEFAULT_MAX_BATCH_SIZE = 25;
    public static final int DEFAULT_MAX_IN_FLIGHT_REQUESTS = 8;
    public static final int DEFAULT_MAX_BUFFERED_REQUESTS = 1_000;
    public static final long DEFAULT_MAX_TIME_IN_BUFFER_MS = 1_000;
    /** DynamoDB's item size limit. */
    public static final long MAX_RECORD_SIZE_IN_BYTES = 400L * 1024;
    public static final long DEFAULT_MAX_BATCH_SIZE_IN_BYTES = 16L * 1024 * 1024;

    private final String tableName;
    private final Properties awsProperties;

    LimitsDynamoDbSink(
            String tableName,
            Properties awsProperties,
            int maxBatchSize,
            int maxInFlightRequests,
            int maxBufferedRequests,
            long maxBatchSizeInBytes,
            long maxTimeInBufferMS) {
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
        this.awsProperties = new Properties();
        this.awsProperties.putAll(Objects.requireNonNull(awsProperties, "awsProperties"));
        // Fail at job build time on a bad region or credentials provider setting, like the
        // official connectors do; resolving credentials is left to the writers.
        AWSGeneralUtil.validateAwsConfiguration(this.awsProperties);
    }

    public static LimitsDynamoDbSinkBuilder builder() {
        return new LimitsDynamoDbSinkBuilder();
    }

    /** The sink of the job: table, {@code aws.*} settings, batch size and requests in flight from the config. */
    public static LimitsDynamoDbSink fromConfig(JobConfig config) {
        int batch = config.sinkMaxBatchSize();
        return builder()
                .tableName(config.tableName())
                .awsProperties(config.awsProperties())
                .maxBatchSize(batch)
                .maxInFlightRequests(config.sinkMaxInFlight())
                .maxBufferedRequests(Math.max(DEFAULT_MAX_BUFFERED_REQUESTS, 10 * batch))
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
        return new LimitsDynamoDbSinkWriter(
                getElementConverter(),
                context,
                writerConfiguration(),
                tableName,
                awsProperties,
                recoveredState);
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
