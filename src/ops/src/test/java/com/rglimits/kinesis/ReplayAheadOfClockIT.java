package com.rglimits.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import com.rglimits.testing.KinesisTestEvents;
import com.rglimits.tools.ReplayDeadLetters;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 15 on kinesalite ({@link BurstRun}), (d): a producer's clock was 40 s ahead, so its records
 * are dead letters (INVALID_EVENT) when read within 20 s of their publication; once the clock has
 * caught up and the stream has been idle, the dead-letter replay tool publishes them again, and they
 * are applied: the limits, every limit version and the dead-letter stream are exactly the in-order
 * result at each step.
 */
class ReplayAheadOfClockIT {
    @RegisterExtension
    static final MiniClusterExtension FLINK = KinesisJobTests.miniClusterWithoutRestarts(2);

    @RegisterExtension
    static final KinesisEmulators AWS = new KinesisEmulators();

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void recordsAheadOfTheClockAreReplayedOnceItCaughtUp(@InjectClusterClient ClusterClient<?> cluster) throws Exception {
        try (BurstRun run = new BurstRun(AWS, cluster, "clock")) {
            long beforeThem = System.currentTimeMillis();
            KinesisTestEvents ahead = new KinesisTestEvents(16, BurstRun.USERS,
                    System.currentTimeMillis() + 2 * BurstRun.MAX_AHEAD_MS, "clock-");
            List<byte[]> invalid = ahead.next(300);
            long latestCreatedAt = ahead.time();
            run.publish(invalid);
            List<byte[]> deadLettered = run.model.aheadOfClockPhase(invalid);
            run.settle("records ahead of the clock dead-lettered");
            assertThat(deadLettered).isNotEmpty();

            Thread.sleep(Math.max(BurstRun.IDLENESS_MS + 3_000, latestCreatedAt - System.currentTimeMillis() + 1_000));
            List<String> args = new ArrayList<>(List.of("--from-stream", run.config.dlqStream(), "--to", run.input,
                    "--reason", "INVALID_EVENT", "--since", Long.toString(beforeThem)));
            AWS.bed().awsProperties().forEach((k, v) -> {
                args.add("--" + k);
                args.add((String) v);
            });
            ReplayDeadLetters.Result replayed = ReplayDeadLetters.run(args.toArray(new String[0]));
            assertThat(replayed.replayed).isEqualTo(deadLettered.size());
            run.model.applyPhase(deadLettered);
            run.publish(KinesisJobTests.endOfStream(AWS.kinesis(), run.input, ahead.time() + 6_000));
            run.settle("the replay");
        }
    }
}
