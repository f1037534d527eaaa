package com.rglimits.subscribe;

import java.io.IOException;
import java.util.Collection;
import java.util.Collections;
import java.util.Objects;
import java.util.Properties;
import org.apache.flink.api.connector.sink2.StatefulSink;
import org.apache.flink.connector.aws.util.AWSGeneralUtil;
import org.apache.flink.connector.base.sink.AsyncSinkBase;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import org.apache.flink.connector.base.sink.writer.config.AsyncSinkWriterConfiguration;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * Delivers subscriber messages to their SQS FIFO queues with SendMessageBatch: message group =
 * the user, de-duplication id = the message id, so a message sent again within SQS's 5-minute
 * de-duplication window (a retry, a replay after a restore) never reaches a consumer twice.
 *
 * <p>Order: one user's sends to one queue run one after another, in the order the writer took the
 * messages in (other users and other queues concurrently), and one SendMessageBatch holds at most
 * one message per group; a failed entry is retried before any later message of its group is sent.
 * Nothing is given back to the base writer's buffer, so its retries cannot reorder anything; a
 * request ends when each of its messages is delivered or recorded as undeliverable, and
 * checkpoints wait for the requests in flight (at-least-once).
 *
 * <p>Isolation: a message that cannot be delivered within {@code deliveryTimeoutMs} (throttled,
 * slow, failing queue), or that SQS refuses for good (deleted queue, access denied), is written to
 * the undelivered table with its reason ({@link UndeliveredReason}) and counted
 * ({@code messagesUndeliverable}); the queue is then skipped for one delivery timeout. So one
 * subscriber's queue never holds the others, or the limits table, back for longer than that.
 */
public class SqsFifoSink extends AsyncSinkBase<Delivery, Delivery> {
    private static final long serialVersionUID = 1L;

    public static final int DEFAULT_MAX_BATCH_SIZE = 100;
    public static final int DEFAULT_MAX_IN_FLIGHT_REQUESTS = 8;
    public static final int DEFAULT_MAX_BUFFERED_REQUESTS = 2_000;
    public static final long DEFAULT_MAX_TIME_IN_BUFFER_MS = 200;
    public static final long DEFAULT_DELIVERY_TIMEOUT_MS = 30_000;
    /** SQS's limit on one message (and on one batch request). */
    public static final long MAX_MESSAGE_BYTES = 256L * 1024;
    public static final long DEFAULT_MAX_BATCH_SIZE_IN_BYTES = 4L * 1024 * 1024;

    private final Properties sqsProperties;
    private final Properties dynamoDbProperties;
    private final String undeliveredTable;
    private final long deliveryTimeoutMs;

    SqsFifoSink(
            Properties sqsProperties,
            Properties dynamoDbProperties,
            String undeliveredTable,
            long deliveryTimeoutMs,
            int maxBatchSize,
            int maxInFlightRequests,
            int maxBufferedRequests,
            long maxTimeInBufferMS) {
        super(identity(), maxBatchSize, maxInFlightRequests, maxBufferedRequests,
                DEFAULT_MAX_BATCH_SIZE_IN_BYTES, maxTimeInBufferMS, MAX_MESSAGE_BYTES);
        if (undeliveredTable == null || undeliveredTable.isBlank()) {
            throw new IllegalArgumentException("the undelivered table name is required");
        }
        if (maxBufferedRequests <= maxBatchSize) {
            throw new IllegalArgumentException("maxBufferedRequests (" + maxBufferedRequests
                    + ") must be greater than maxBatchSize (" + maxBatchSize + ")");
        }
        this.sqsProperties = copy(sqsProperties);
        this.dynamoDbProperties = copy(dynamoDbProperties);
        this.undeliveredTable = undeliveredTable;
        this.deliveryTimeoutMs = deliveryTimeoutMs;
        AWSGeneralUtil.validateAwsConfiguration(this.sqsProperties);
        AWSGeneralUtil.validateAwsConfiguration(this.dynamoDbProperties);
    }

    public static SqsFifoSinkBuilder builder() {
        return new SqsFifoSinkBuilder();
    }

    private static ElementConverter<Delivery, Delivery> identity() {
        return (delivery, context) -> delivery;
    }

    private static Properties copy(Properties p) {
        Properties c = new Properties();
        c.putAll(Objects.requireNonNull(p, "aws properties"));
        return c;
    }

    @Override
    public StatefulSink.StatefulSinkWriter<Delivery, BufferedRequestState<Delivery>> createWriter(InitContext context)
            throws IOException {
        return restoreWriter(context, Collections.emptyList());
    }

    @Override
    public StatefulSink.StatefulSinkWriter<Delivery, BufferedRequestState<Delivery>> restoreWriter(
            InitContext context, Collection<BufferedRequestState<Delivery>> recoveredState) throws IOException {
        AsyncSinkWriterConfiguration configuration = AsyncSinkWriterConfiguration.builder()
                .setMaxBatchSize(getMaxBatchSize())
                .setMaxBatchSizeInBytes(getMaxBatchSizeInBytes())
                .setMaxInFlightRequests(getMaxInFlightRequests())
                .setMaxBufferedRequests(getMaxBufferedRequests())
                .setMaxTimeInBufferMS(getMaxTimeInBufferMS())
                .setMaxRecordSizeInBytes(getMaxRecordSizeInBytes())
                .build();
        return new SqsFifoSinkWriter(getElementConverter(), context, configuration, sqsProperties,
                dynamoDbProperties, undeliveredTable, deliveryTimeoutMs, recoveredState);
    }

    @Override
    public SimpleVersionedSerializer<BufferedRequestState<Delivery>> getWriterStateSerializer() {
        return new DeliveryStateSerializer();
    }
}
