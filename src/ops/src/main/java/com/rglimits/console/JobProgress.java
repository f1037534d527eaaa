package com.rglimits.console;

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
                stepTo(progress, done.getAllAccumulatorResults().get(accumulator));
                return done;
            } catch (TimeoutException stillRunning) {
                stepTo(progress, running(job, accumulator));
            } catch (ExecutionException e) {
                throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
            }
        }
    }

    /** The accumulator's value while the job runs; null while it is starting or ending (the next poll asks again). */
    private static Object running(JobClient job, String accumulator) {
        try {
            return job.getAccumulators().get(POLL_MS, TimeUnit.MILLISECONDS).get(accumulator);
        } catch (Exception notYet) {
            return null;
        }
    }

    private static void stepTo(Progress progress, Object count) {
        if (count instanceof Number) {
            progress.stepTo(((Number) count).longValue());
        }
    }
}
