package com.rglimits.bench;

import com.rglimits.limit.UserLimit;
import org.apache.flink.api.common.functions.MapFunction;

/**
 * Placed right before the limits sink (chained to it): records, for each materialized limit, the
 * time since the source emitted the event that produced it. Passes the limit on unchanged.
 */
final class LatencyProbe implements MapFunction<UserLimit, UserLimit> {
    private static final long serialVersionUID = 1L;
    private transient BenchRun run;

    @Override
    public UserLimit map(UserLimit limit) {
        if (run == null) {
            run = BenchRun.current();
        }
        run.reachedSink(limit.lastEventId, System.nanoTime());
        return limit;
    }
}
