package com.rglimits.state;

import static org.assertj.core.api.Assertions.assertThat;

import com.rglimits.job.Accounting;
import com.rglimits.testing.GeneratedEvents;
import com.rglimits.testing.TestBeds;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rescaling: the stream is processed at parallelism 2, stopped with a savepoint mid-stream,
 * continued at 4 from it, stopped again, and finished at 1. Keyed state (limits, dedup entries, the
 * cursor, held events and their timers) moves between subtasks by key group; the result must be
 * the in-order one with every record counted once across the three runs.
 */
class RescalingIT extends SavepointTestBase {
    @Test
    void savepointAtTwoRestoredAtFourThenAtOneGivesTheInOrderResult(@TempDir Path dir) throws Exception {
        GeneratedEvents generated = GeneratedEvents.generate(21, 10, 600, 3_000);
        StateTestJob job = newJob(generated, dir, TestBeds.uniqueName("limits-rescaling"));
        // Stopped at a quarter and at half of the stream, read at 600 records/s: each stop leaves
        // seconds of stream to the next run however long the savepoint takes on a loaded machine.
        job.recordsPerSecond = 600;
        int items = generated.expectedLimits.size();
        assertThat(items).isGreaterThan(150);
        List<Accounting.Summary> runs = new ArrayList<>();

        try (TablePoller poller = new TablePoller(dynamoDb, job.table)) {
            JobClient run1 = job.start(1, 2, null);
            await("a quarter of the stream read", () -> job.recordsRead() >= job.records / 4);
            String savepoint1 = StateTestJob.stopWithSavepoint(run1, dir.resolve("savepoints"));
            runs.add(Accounting.summary(run1.getJobExecutionResult().get(60, TimeUnit.SECONDS)));

            JobClient run2 = job.start(2, 4, savepoint1);
            await("half of the stream read", () -> job.recordsRead() >= job.records / 2);
            String savepoint2 = StateTestJob.stopWithSavepoint(run2, dir.resolve("savepoints"));
            runs.add(Accounting.summary(run2.getJobExecutionResult().get(60, TimeUnit.SECONDS)));

            JobClient run3 = job.start(3, 1, savepoint2);
            runs.add(Accounting.summary(run3.getJobExecutionResult().get(120, TimeUnit.SECONDS)));
            poller.close();
            assertThat(poller.backwards()).as("items seen at an older version than before").isEmpty();
        }
        assertExactResult(job, generated);
        assertAccountingAddsUp(runs, generated);
    }
}
