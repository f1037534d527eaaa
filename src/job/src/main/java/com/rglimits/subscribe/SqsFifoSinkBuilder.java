package com.rglimits.subscribe;

import java.util.Properties;
import org.apache.flink.connector.aws.config.AWSConfigConstants;

/** Builds a {@link SqsFifoSink}; the {@code aws.*} settings and the undelivered table are required. */
public final class SqsFifoSinkBuilder {
    private Properties awsProperties;
    private String sqsEndpoint;
    private String undeliveredTable;
    private long deliveryTimeoutMs = SqsFifoSink.DEFAULT_DELIVERY_TIMEOUT_MS;
    private int maxBatchSize = SqsFifoSink.DEFAULT_MAX_BATCH_SIZE;
    private int maxInFlightRequests = SqsFifoSink.DEFAULT_MAX_IN_FLIGHT_REQUESTS;
    private int maxBufferedRequests = SqsFifoSink.DEFAULT_MAX_BUFFERED_REQUESTS;
    private long maxTimeInBufferMS = SqsFifoSink.DEFAULT_MAX_TIME_IN_BUFFER_MS;

    SqsFifoSinkBuilder() {}

    /** The {@code aws.*} client settings, as the official AWS connectors take them (SQS and DynamoDB). */
    public SqsFifoSinkBuilder awsProperties(Properties awsProperties) {
        this.awsProperties = awsProperties;
        return this;
    }

    /** SQS's endpoint when it is not {@code aws.endpoint} (an emulator of its own); null: the same. */
    public SqsFifoSinkBuilder sqsEndpoint(String sqsEndpoint) {
        this.sqsEndpoint = sqsEndpoint;
        return this;
    }

    /** Where undeliverable messages are recorded (key: subscriber, messageId). Required. */
    public SqsFifoSinkBuilder undeliveredTable(String undeliveredTable) {
        this.undeliveredTable = undeliveredTable;
        return this;
    }

    /** The longest a message is retried before it is recorded as undeliverable. Default 30 s. */
    public SqsFifoSinkBuilder deliveryTimeoutMs(long deliveryTimeoutMs) {
        this.deliveryTimeoutMs = positive("deliveryTimeoutMs", deliveryTimeoutMs);
        return this;
    }

    /** Messages the writer takes per request, over all queues. Default 100. */
    public SqsFifoSinkBuilder maxBatchSize(int maxBatchSize) {
        this.maxBatchSize = (int) positive("maxBatchSize", maxBatchSize);
        return this;
    }

    /** Requests in flight per subtask. Default 8. */
    public SqsFifoSinkBuilder maxInFlightRequests(int maxInFlightRequests) {
        this.maxInFlightRequests = (int) positive("maxInFlightRequests", maxInFlightRequests);
        return this;
    }

    /** Messages buffered per subtask before backpressure; must exceed maxBatchSize. Default 2000. */
    public SqsFifoSinkBuilder maxBufferedRequests(int maxBufferedRequests) {
        this.maxBufferedRequests = (int) positive("maxBufferedRequests", maxBufferedRequests);
        return this;
    }

    /** The longest a message waits in the buffer before its request is sent. Default 200 ms. */
    public SqsFifoSinkBuilder maxTimeInBufferMS(long maxTimeInBufferMS) {
        this.maxTimeInBufferMS = positive("maxTimeInBufferMS", maxTimeInBufferMS);
        return this;
    }

    public SqsFifoSink build() {
        if (awsProperties == null) {
            throw new IllegalArgumentException("the aws.* properties are required");
        }
        Properties sqs = new Properties();
        sqs.putAll(awsProperties);
        if (sqsEndpoint != null) {
            sqs.setProperty(AWSConfigConstants.AWS_ENDPOINT, sqsEndpoint);
        }
        return new SqsFifoSink(sqs, awsProperties, undeliveredTable, deliveryTimeoutMs, maxBatchSize,
                maxInFlightRequests, maxBufferedRequests, maxTimeInBufferMS);
    }

    private static long positive(String name, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
        return value;
    }
}
