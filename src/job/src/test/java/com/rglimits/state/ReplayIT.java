package com.rglimits.state;

import static org.assertj.core.api.Assertions.assertThat;

import com.rglimits.job.Accounting;
import com.rglimits.testing.GeneratedEvents;
import com.rglimits.testing.TestBeds;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replay: after the whole stream has been processed, an older savepoint (taken mid-stream) is
 * restored and the stream re-read from the positions it holds. The replay re-emits every limit
 * version after the savepoint; the table, already at the newest versions, must never show one of
 * them, and ends exactly where it was.
 */
class ReplayIT extends SavepointTestBase {
    @Test
    void restoringAnOlderSavepointReplaysWithoutMovingTheTableBackwards(@TempDir Path dir) throws Exception {
        GeneratedEvents generated = GeneratedEvents.generate(31, 10, 600, 3_000);
        StateTestJob job = newJob(generated, dir, TestBeds.uniqueName("limits-replay"));
        job.recordsPerSecond = 1_000;

        String older;
        try (TablePoller poller = new TablePoller(dynamoDb, job.table)) {
            JobClient run1 = job.start(1, 2, null);
            await("a third of the stream read", () -> job.recordsRead() >= job.records / 3);
            older = run1.triggerSavepoint(dir.resolve("savepoints").toUri().toString(), SavepointFormatType.CANONICAL)
                    .get(60, TimeUnit.SECONDS);
            run1.getJobExecutionResult().get(120, TimeUnit.SECONDS);
            poller.close();
            assertThat(poller.backwards()).isEmpty();
        }
        assertExactResult(job, generated);

        Accounting.Summary replay;
        try (TablePoller poller = new TablePoller(dynamoDb, job.table)) {
            JobClient run2 = job.start(2, 2, older);
            replay = Accounting.summary(run2.getJobExecutionResult().get(120, TimeUnit.SECONDS));
            poller.close();
            assertThat(poller.backwards()).as("items seen at an older version than before").isEmpty();
        }
        // The replay really re-read and re-applied part of the stream (and re-emitted those versions).
        assertThat(replay.records).isPositive().isLessThan(generated.records.size());
        assertThat(replay.applied).isPositive();
        assertThat(job.table()).isEqualTo(generated.expectedLimits);
    }
}
