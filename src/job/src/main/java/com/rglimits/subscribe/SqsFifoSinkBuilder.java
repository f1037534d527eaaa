package com.rglimits.subscribe;

import com.rglimits.sink.AwsAsyncSinkBuilder;

/**
 * Builds a {@link SqsFifoSink}; the undelivered table is required.
 * Batching takes Flink's standard setters ({@code setMaxBatchSize}: messages per request over all
 * queues, default 100; {@code setMaxInFlightRequests}: requests in flight per subtask, 8;
 * {@code setMaxBufferedRequests}: messages buffered before backpressure, above the batch size,
 * 2,000; {@code setMaxBatchSizeInBytes}, 4 MiB; {@code setMaxTimeInBufferMS}, 200 ms;
 * {@code setMaxRecordSizeInBytes}, SQS's 256 KB).
 */
public final class SqsFifoSinkBuilder extends AwsAsyncSinkBuilder<Delivery, Delivery, SqsFifoSinkBuilder> {
    private String sqsEndpoint;
    private String undeliveredTable;
    private long deliveryTimeoutMs = SqsFifoSink.DEFAULT_DELIVERY_TIMEOUT_MS;

    SqsFifoSinkBuilder() {}

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
        if (deliveryTimeoutMs < 1) {
            throw new IllegalArgumentException("deliveryTimeoutMs must be positive, got " + deliveryTimeoutMs);
        }
        this.deliveryTimeoutMs = deliveryTimeoutMs;
        return this;
    }

    @Override
    public SqsFifoSink build() {
        return new SqsFifoSink(aws(), sqsEndpoint, undeliveredTable, deliveryTimeoutMs, batching(SqsFifoSink.DEFAULTS));
    }
}
