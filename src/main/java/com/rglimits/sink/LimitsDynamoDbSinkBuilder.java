package com.rglimits.sink;

import java.util.Properties;

/** Builds a {@link LimitsDynamoDbSink}; only the table name is required. */
public final class LimitsDynamoDbSinkBuilder {
    private String tableName;
    private Properties awsProperties = new Properties();
    private int maxBatchSize = LimitsDynamoDbSink.DEFAULT_MAX_BATCH_SIZE;
    private int maxInFlightRequests = LimitsDynamoDbSink.DEFAULT_MAX_IN_FLIGHT_REQUESTS;
    private int maxBufferedRequests = LimitsDynamoDbSink.DEFAULT_MAX_BUFFERED_REQUESTS;
    private long maxBatchSizeInBytes = LimitsDynamoDbSink.DEFAULT_MAX_BATCH_SIZE_IN_BYTES;
    private long maxTimeInBufferMS = LimitsDynamoDbSink.DEFAULT_MAX_TIME_IN_BUFFER_MS;

    LimitsDynamoDbSinkBuilder() {}

    /** The limits table (key: userId, userLimitId). Required. */
    public LimitsDynamoDbSinkBuilder tableName(String tableName) {
        this.tableName = tableName;
        return this;
    }

    /** The {@code aws.*} client settings, as the official AWS connectors take them. */
    public LimitsDynamoDbSinkBuilder awsProperties(Properties awsProperties) {
        this.awsProperties = awsProperties;
        return this;
    }

    /** Entries per batch; a batch's puts are sent concurrently. Default 25. */
    public LimitsDynamoDbSinkBuilder maxBatchSize(int maxBatchSize) {
        this.maxBatchSize = positive("maxBatchSize", maxBatchSize);
        return this;
    }

    /** Batches in flight per subtask. Default 8. */
    public LimitsDynamoDbSinkBuilder maxInFlightRequests(int maxInFlightRequests) {
        this.maxInFlightRequests = positive("maxInFlightRequests", maxInFlightRequests);
        return this;
    }

    /** Entries buffered per subtask before the writer applies backpressure; must exceed maxBatchSize. Default 1000. */
    public LimitsDynamoDbSinkBuilder maxBufferedRequests(int maxBufferedRequests) {
        this.maxBufferedRequests = positive("maxBufferedRequests", maxBufferedRequests);
        return this;
    }

    /** Bytes per batch (approximate item sizes). Default 16 MiB. */
    public LimitsDynamoDbSinkBuilder maxBatchSizeInBytes(long maxBatchSizeInBytes) {
        if (maxBatchSizeInBytes < LimitsDynamoDbSink.MAX_RECORD_SIZE_IN_BYTES) {
            throw new IllegalArgumentException("maxBatchSizeInBytes must be at least "
                    + LimitsDynamoDbSink.MAX_RECORD_SIZE_IN_BYTES + ", got " + maxBatchSizeInBytes);
        }
        this.maxBatchSizeInBytes = maxBatchSizeInBytes;
        return this;
    }

    /** The longest an entry waits in the buffer before its batch is sent. Default 1000 ms. */
    public LimitsDynamoDbSinkBuilder maxTimeInBufferMS(long maxTimeInBufferMS) {
        this.maxTimeInBufferMS = positive("maxTimeInBufferMS", maxTimeInBufferMS);
        return this;
    }

    public LimitsDynamoDbSink build() {
        return new LimitsDynamoDbSink(tableName, awsProperties, maxBatchSize, maxInFlightRequests,
                maxBufferedRequests, maxBatchSizeInBytes, maxTimeInBufferMS);
    }

    private static int positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
        return value;
    }

    private static long positive(String name, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
        return value;
    }
}
