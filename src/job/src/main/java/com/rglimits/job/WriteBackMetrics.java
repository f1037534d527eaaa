package com.rglimits.job;

import com.rglimits.metrics.ExportedMetrics;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;

/**
 * What the write-back of {@link UserLimitOperator}'s cached users to keyed state costs, in group
 * {@value #GROUP} (and under {@link ExportedMetrics#GROUP} for CloudWatch). The operator's input waits
 * while it runs: at a checkpoint it is the operator's part of the checkpoint's synchronous phase (the
 * rest is the state backend's, mostly RocksDB's flush of its memtables), and when the cache of users is
 * full it comes between two events.
 *
 * <ul>
 *   <li>{@value #CHECKPOINTS}: write-backs at checkpoints;
 *   <li>{@value #CHECKPOINT_USERS}: users whose limits, sequence cursor or dedup hashes they wrote;
 *   <li>{@value #CHECKPOINT_HELD_USERS}: users whose held events they wrote, or cleared;
 *   <li>{@value #CHECKPOINT_MICROS}: the time they took, in µs; {@value #LAST_CHECKPOINT_MS}: the last one's, in ms;
 *   <li>{@value #EVICTIONS}: write-backs because the cache was full, each followed by the eviction of a
 *       quarter of it; {@value #EVICTION_MICROS}: the time those took, in µs. Many of them say the cache
 *       ({@code ordering.cached-users}) is small for the users that are active together.
 * </ul>
 */
final class WriteBackMetrics {
    static final String GROUP = "writeBack";
    static final String CHECKPOINTS = "checkpointWriteBacks";
    static final String CHECKPOINT_USERS = "checkpointWriteBackUsers";
    static final String CHECKPOINT_HELD_USERS = "checkpointWriteBackHeldUsers";
    static final String CHECKPOINT_MICROS = "checkpointWriteBackMicros";
    static final String LAST_CHECKPOINT_MS = "lastCheckpointWriteBackMs";
    static final String EVICTIONS = "cacheEvictions";
    static final String EVICTION_MICROS = "cacheEvictionMicros";

    final Counter checkpointWriteBacks = new SimpleCounter();
    final Counter checkpointUsers = new SimpleCounter();
    final Counter checkpointHeldUsers = new SimpleCounter();
    final Counter checkpointMicros = new SimpleCounter();
    final Counter evictions = new SimpleCounter();
    final Counter evictionMicros = new SimpleCounter();
    /** Read by the metric reporters' thread. */
    private volatile long lastCheckpointWriteBackMs;

    WriteBackMetrics(MetricGroup operatorGroup) {
        Gauge<Long> last = this::lastCheckpointWriteBackMs;
        for (MetricGroup g : new MetricGroup[] {operatorGroup.addGroup(GROUP), ExportedMetrics.group(operatorGroup)}) {
            g.counter(CHECKPOINTS, checkpointWriteBacks);
            g.counter(CHECKPOINT_USERS, checkpointUsers);
            g.counter(CHECKPOINT_HELD_USERS, checkpointHeldUsers);
            g.counter(CHECKPOINT_MICROS, checkpointMicros);
            g.gauge(LAST_CHECKPOINT_MS, last);
            g.counter(EVICTIONS, evictions);
            g.counter(EVICTION_MICROS, evictionMicros);
        }
    }

    void checkpoint(long nanos, int users, int heldUsers) {
        checkpointWriteBacks.inc();
        checkpointUsers.inc(users);
        checkpointHeldUsers.inc(heldUsers);
        checkpointMicros.inc(nanos / 1_000);
        lastCheckpointWriteBackMs = nanos / 1_000_000;
    }

    void eviction(long nanos) {
        evictions.inc();
        evictionMicros.inc(nanos / 1_000);
    }

    long lastCheckpointWriteBackMs() {
        return lastCheckpointWriteBackMs;
    }
}
