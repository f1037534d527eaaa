package com.rglimits.bench;

import com.rglimits.limit.UserLimit;
import org.apache.flink.api.common.functions.MapFunction;

/** Chained right before the scale benchmark's sink: counts the limits and times the sampled ones. */
final class ScaleProbe implements MapFunction<UserLimit, UserLimit> {
    private static final long serialVersionUID = 1L;
    private transient ScaleRun run;

    @Override
    public UserLimit map(UserLimit limit) {
        if (run == null) {
            run = ScaleRun.current();
        }
        run.reachedSink(limit.lastEventId, System.nanoTime());
        return limit;
    }
}
