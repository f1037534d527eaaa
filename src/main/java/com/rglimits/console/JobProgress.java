package com.rglimits.console;

import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.HeartbeatManagerOptions;
import org.apache.flink.core.execution.JobClient;

/**
 * Follows a running embedded job through one of its counting accumulators and shows it as
 * {@link Progress}. Accumulators reach the client with the task managers' heartbeats, so an
 * embedded cluster that wants progress sets a short heartbeat interval ({@link #configure}).
 */
public final class JobProgress {
    static final long POLL_MS = 500;
    static final long HEARTBEAT_MS = 1_000;

    private JobProgress() {}

    /** Heartbeats every second, so accumulators are at most a second old. */
    public static void configure(Configuration flinkConfig) {
        flinkConfig.set(HeartbeatManagerOptions.HEARTBEAT_INTERVAL, HEARTBEAT_MS);
    }

    /** Waits for the job to end, stepping {@code progress} to the value of {@code accumulator} meanwhile. */
    public static JobExecutionResult await(JobClient job, String accumulator, Progress progress) throws Exception {
        var result = job.getJobExecutionResult();
        while (true) {
            try {
                JobExecutionResult done = result.get(POLL_MS, TimeUnit.MILLISECONDS);
                Object last = done.getAllAccumulatorResults().get(accumulator);
                if (last instanceof Number) {
                    progress.stepTo(((Number) last).longValue());
                }
                return done;
            } catch (TimeoutException stillRunning) {
                step(job, accumulator, progress);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
            }
        }
    }

    private static void step(JobClient job, String accumulator, Progress progress) {
        try {
            Map<String, Object> now = job.getAccumulators().get(POLL_MS, TimeUnit.MILLISECONDS);
            Object value = now.get(accumulator);
            if (value instanceof Number) {
                progress.stepTo(((Number) value).longValue());
            }
        } catch (Exception notYet) {
            // the job is still starting, or ending: the next poll asks again
        }
    }
}
