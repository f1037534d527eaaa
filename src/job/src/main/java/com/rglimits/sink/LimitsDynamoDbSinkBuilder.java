package com.rglimits.sink;

import com.rglimits.limit.UserLimit;

/**
 * Builds a {@link LimitsDynamoDbSink}; only the table name is required. Batching takes Flink's
 * standard setters ({@code setMaxBatchSize}: puts per batch, sent concurrently, default 25;
 * {@code setMaxInFlightRequests}: batches in flight per subtask, 8; {@code setMaxBufferedRequests}:
 * entries buffered before backpressure, above the batch size, 1,000; {@code setMaxBatchSizeInBytes},
 * 16 MiB; {@code setMaxTimeInBufferMS}, 20 ms; {@code setMaxRecordSizeInBytes}, DynamoDB's 400 KB).
 */
public final class LimitsDynamoDbSinkBuilder extends AwsAsyncSinkBuilder<UserLimit, LimitPut, LimitsDynamoDbSinkBuilder> {
    private String tableName;
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
        if (mergeMaxLimits < 1) {
            throw new IllegalArgumentException("mergeMaxLimits must be positive, got " + mergeMaxLimits);
        }
        this.mergeMaxLimits = mergeMaxLimits;
        return this;
    }

    /** Sees cost counters and acknowledged writes (the benchmark); none by default. */
    public LimitsDynamoDbSinkBuilder observer(LimitWriteObserver observer) {
        this.observer = observer;
        return this;
    }

    @Override
    public LimitsDynamoDbSink build() {
        return new LimitsDynamoDbSink(tableName, aws(), batching(LimitsDynamoDbSink.DEFAULTS), mergeWindowMs,
                mergeMaxWindowMs, mergeLiveLagMs, mergeMaxLimits, observer);
    }

    private static long nonNegative(String name, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must be >= 0, got " + value);
        }
        return value;
    }
}
