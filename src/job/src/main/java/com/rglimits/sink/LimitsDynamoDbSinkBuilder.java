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
    private long mergeWindowMs = LimitsDynamoDbSink.DEFAULT_MERGE_WINDOW_MS;
    private long mergeMaxWindowMs = LimitsDynamoDbSink.DEFAULT_MERGE_MAX_WINDOW_MS;
    private long mergeLiveLagMs = LimitsDynamoDbSink.DEFAULT_MERGE_LIVE_LAG_MS;
    private int mergeMaxLimits = LimitsDynamoDbSink.DEFAULT_MERGE_MAX_LIMITS;
    private LimitWriteObserver observer = LimitWriteObserver.NONE;

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

    /** The longest a partial batch waits in the writer's buffer before it is sent. Default 20 ms. */
    public LimitsDynamoDbSinkBuilder maxTimeInBufferMS(long maxTimeInBufferMS) {
        this.maxTimeInBufferMS = positive("maxTimeInBufferMS", maxTimeInBufferMS);
        return this;
    }

    /**
     * How long a limit version waits in the merge stage at least while the job is live, for newer
     * versions of its limit to replace it (0: only while the requests in flight are full). Default
     * 200 ms.
     */
    public LimitsDynamoDbSinkBuilder mergeWindowMs(long mergeWindowMs) {
        this.mergeWindowMs = nonNegative("mergeWindowMs", mergeWindowMs);
        return this;
    }

    /**
     * The longest a limit version waits in the merge stage while the job is behind ({@link
     * MergeWindow}); at most {@link #mergeWindowMs}: the window does not follow the lag. Default 60 s.
     */
    public LimitsDynamoDbSinkBuilder mergeMaxWindowMs(long mergeMaxWindowMs) {
        this.mergeMaxWindowMs = nonNegative("mergeMaxWindowMs", mergeMaxWindowMs);
        return this;
    }

    /**
     * How far a limit version's event time ({@code updatedAt}, its cause's createdAt) may trail the
     * wall clock at the sink while the job is live: the out-of-orderness bound plus delivery.
     * Beyond, the merge window grows. Default 6 s (the default bound of 5 s plus 1 s).
     */
    public LimitsDynamoDbSinkBuilder mergeLiveLagMs(long mergeLiveLagMs) {
        this.mergeLiveLagMs = nonNegative("mergeLiveLagMs", mergeLiveLagMs);
        return this;
    }

    /** Most limits the merge stage holds per subtask; beyond, the oldest leaves at once. Default 20000. */
    public LimitsDynamoDbSinkBuilder mergeMaxLimits(int mergeMaxLimits) {
        this.mergeMaxLimits = positive("mergeMaxLimits", mergeMaxLimits);
        return this;
    }

    /** Sees cost counters and acknowledged writes (the benchmark); none by default. */
    public LimitsDynamoDbSinkBuilder observer(LimitWriteObserver observer) {
        this.observer = observer;
        return this;
    }

    public LimitsDynamoDbSink build() {
        return new LimitsDynamoDbSink(tableName, awsProperties, maxBatchSize, maxInFlightRequests,
                maxBufferedRequests, maxBatchSizeInBytes, maxTimeInBufferMS, mergeWindowMs, mergeMaxWindowMs, mergeLiveLagMs,
                mergeMaxLimits, observer);
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

    private static long nonNegative(String name, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must be >= 0, got " + value);
        }
        return value;
    }
}
