package com.rglimits.sink;

/**
 * How long a limit version waits in the sink's merge stage, following how far behind the job is.
 * The lag is read from the records: a version carries its cause's createdAt ({@code updatedAt}),
 * and the sink compares the newest such event time it has seen with the wall clock when a record
 * arrives. While the job is live that lag is the ordering hold (the out-of-orderness bound) plus
 * delivery: up to {@code liveLagMs}, the window is {@code windowMs}. Beyond it (a backlog, a replay
 * after a restore, a catch-up) the window is a tenth of how far the job is behind beyond live, at
 * most {@code maxWindowMs}: merging delays a write by at most 10 % more than the job's lag already
 * does, and only the newest of the versions that reach the sink meanwhile is written. A hiccup of
 * a few seconds (a GC pause, a checkpoint) leaves the window short. Between records the window
 * stays as the last record left it, so an idle input does not look like a lag.
 * Updated from the task thread only.
 */
final class MergeWindow {
    /** The share of the lag beyond live that a version may wait in addition. */
    static final long LAG_DIVISOR = 10;

    private final long windowMs;
    private final long maxWindowMs;
    private final long liveLagMs;
    private long newestEventTime = Long.MIN_VALUE;
    /** Volatile: also read by the metrics reporter's thread. */
    private volatile long currentMs;
    private boolean live = true;

    /**
     * @param windowMs the window while live
     * @param maxWindowMs the longest window while behind; at most {@code windowMs}: the window stays
     *     {@code windowMs}
     * @param liveLagMs how far event time may trail the wall clock at the sink with the job live
     */
    MergeWindow(long windowMs, long maxWindowMs, long liveLagMs) {
        this.windowMs = windowMs;
        this.maxWindowMs = Math.max(windowMs, maxWindowMs);
        this.liveLagMs = liveLagMs;
        this.currentMs = windowMs;
    }

    /** A version caused by an event at {@code eventTime} reached the sink at {@code now}. */
    void observe(long eventTime, long now) {
        newestEventTime = Math.max(newestEventTime, eventTime);
        // The newest event time, not this record's: an event that arrived late within the
        // out-of-orderness bound does not make the job look behind.
        long behindLive = now - newestEventTime - liveLagMs;
        long following = behindLive / LAG_DIVISOR;
        live = following <= windowMs;
        currentMs = Math.min(maxWindowMs, Math.max(windowMs, following));
    }

    /**
     * Whether the job is live: behind live by no more than a hiccup (the lag would not lengthen the
     * window), whatever the longest window allows.
     */
    boolean isLive() {
        return live;
    }

    /** The window while live, in milliseconds. */
    long liveMs() {
        return windowMs;
    }

    /** The window now, in milliseconds. */
    long currentMs() {
        return currentMs;
    }
}
