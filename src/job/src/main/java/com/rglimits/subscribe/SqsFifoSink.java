package com.rglimits.subscribe;

import com.rglimits.aws.AwsSettings;
import com.rglimits.config.JobConfig;
import com.rglimits.sink.AwsAsyncSink;
import java.util.Collection;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.base.sink.writer.AsyncSinkWriter;
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
public class SqsFifoSink extends AwsAsyncSink<Delivery, Delivery> {
    private static final long serialVersionUID = 1L;

    /** SQS's limit on one message (and on one batch request). */
    public static final long MAX_MESSAGE_BYTES = 256L * 1024;
    /**
     * The standard settings' defaults: requests of up to 100 messages over all queues, 8 in flight,
     * 2,000 messages buffered, 4 MiB per request; a message waits at most 200 ms for its request.
     */
    public static final AsyncSinkWriterConfiguration DEFAULTS = batching(100, 8, 2_000, 4L * 1024 * 1024, 200, MAX_MESSAGE_BYTES);
    public static final long DEFAULT_DELIVERY_TIMEOUT_MS = 30_000;

    private final AwsSettings sqs;
    private final String undeliveredTable;
    private final long deliveryTimeoutMs;

    /**
     * @param aws the settings of the undelivered table's client, and of SQS's but for its endpoint
     * @param sqsEndpoint SQS's endpoint when it is not {@code aws.endpoint}; null: the same
     */
    SqsFifoSink(AwsSettings aws, String sqsEndpoint, String undeliveredTable, long deliveryTimeoutMs,
            AsyncSinkWriterConfiguration batching) {
        super(identity(), batching, aws);
        if (undeliveredTable == null || undeliveredTable.isBlank()) {
            throw new IllegalArgumentException("the undelivered table name is required");
        }
        this.sqs = sqsEndpoint == null ? aws : aws.with(AwsSettings.ENDPOINT, sqsEndpoint);
        sqs.validate();
        this.undeliveredTable = undeliveredTable;
        this.deliveryTimeoutMs = deliveryTimeoutMs;
    }

    public static SqsFifoSinkBuilder builder() {
        return new SqsFifoSinkBuilder();
    }

    /** The subscriber feed's sink of the job: {@code aws.*}, SQS's endpoint, the undelivered table and the delivery timeout from the config. */
    public static SqsFifoSink fromConfig(JobConfig config) {
        return builder()
                .awsProperties(config.awsProperties())
                .sqsEndpoint(config.sqsEndpoint())
                .undeliveredTable(config.undeliveredTable())
                .deliveryTimeoutMs(config.deliveryTimeoutMs())
                .build();
    }

    private static ElementConverter<Delivery, Delivery> identity() {
        return (delivery, context) -> delivery;
    }

    @Override
    public AsyncSinkWriter<Delivery, Delivery> restoreWriter(
            WriterInitContext context, Collection<BufferedRequestState<Delivery>> recoveredState) {
        return new SqsFifoSinkWriter(this, context, recoveredState, sqs, aws(), undeliveredTable, deliveryTimeoutMs);
    }

    @Override
    public SimpleVersionedSerializer<BufferedRequestState<Delivery>> getWriterStateSerializer() {
        return new DeliveryStateSerializer();
    }
}
