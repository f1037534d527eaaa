package com.rglimits.sink;

import java.io.Serializable;

/**
 * Sees what a {@link LimitsDynamoDbSink} does, for whoever embeds and measures it (the benchmark
 * reads cost and acknowledgement times through it; the job sets none). Called from the writer's
 * threads: implementations must be thread-safe and quick.
 */
public interface LimitWriteObserver extends Serializable {
    /** Watches nothing. */
    LimitWriteObserver NONE = new LimitWriteObserver() {};

    /** A writer subtask started; its cost counters count from now on. */
    default void opened(SinkCost cost) {}

    /** The table holds this version or a newer one: written, or rejected as stale by the condition. */
    default void acknowledged(LimitPut put) {}
}
