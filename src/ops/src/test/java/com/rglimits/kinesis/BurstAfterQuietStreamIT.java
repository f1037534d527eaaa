package com.rglimits.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import com.rglimits.testing.KinesisTestEvents;
import java.util.concurrent.TimeUnit;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 15 on kinesalite, 4 shards, idleness 20 s ({@link BurstRun}): bursts of a shuffled stream of
 * 300 users with redeliveries, rule violations and invalid records, published at full speed (a) right
 * away, (b) after the stream was quiet for longer than the idleness, (c) as two bursts with such a
 * pause between them. After a pause the first shard read carries the watermark past what the others
 * still hold; their records arrive behind it and must still be applied per user in sequence order.
 * After each burst the limits, every limit version and the dead-letter stream are exactly the
 * in-order result. (d), the replay after a producer's clock came back, is {@link ReplayAheadOfClockIT}.
 */
class BurstAfterQuietStreamIT {
    @RegisterExtension
    static final MiniClusterExtension FLINK = KinesisJobTests.miniClusterWithoutRestarts(2);

    @RegisterExtension
    static final KinesisEmulators AWS = new KinesisEmulators();

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void burstsAfterAQuietStreamComeOutInOrder(@InjectClusterClient ClusterClient<?> cluster) throws Exception {
        KinesisTestEvents events = new KinesisTestEvents(15, BurstRun.USERS);
        try (BurstRun run = new BurstRun(AWS, cluster, "burst")) {
            run.burst("(a) right away", events, 1_200);

            Thread.sleep(BurstRun.IDLENESS_MS + 3_000);
            run.burst("(b) after the stream was idle", events, 1_200);

            run.burst("(c) first of two", events, 600);
            Thread.sleep(BurstRun.IDLENESS_MS + 3_000);
            run.burst("(c) second of two", events, 600);

            assertThat(run.model.deadLetterKeys()).anyMatch(k -> k.startsWith("INVALID_EVENT"))
                    .anyMatch(k -> k.startsWith("UNKNOWN_LIMIT")).anyMatch(k -> k.startsWith("LIMIT_ALREADY_EXISTS"));
            assertThat(run.model.duplicates()).isGreaterThan(100);
        }
    }
}
