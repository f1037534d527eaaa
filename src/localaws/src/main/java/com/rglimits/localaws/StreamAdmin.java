package com.rglimits.localaws;

import java.time.Duration;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/** Creating streams and waiting for them (polling DescribeStreamSummary: the SDK waiter polls every 10 s). */
public final class StreamAdmin {
    private StreamAdmin() {}

    /** Creates the stream unless it exists, waits until it is ACTIVE, and returns its ARN. */
    public static String createStream(KinesisClient kinesis, String name, int shards, Duration timeout) {
        try {
            kinesis.createStream(b -> b.streamName(name).shardCount(shards));
        } catch (ResourceInUseException alreadyThere) {
            // idempotent for repeated local runs
        }
        return waitUntilActive(kinesis, name, timeout);
    }

    public static String waitUntilActive(KinesisClient kinesis, String name, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                var summary = kinesis.describeStreamSummary(b -> b.streamName(name)).streamDescriptionSummary();
                if (summary.streamStatus() == StreamStatus.ACTIVE) {
                    return summary.streamARN();
                }
            } catch (ResourceNotFoundException notYet) {
                // created asynchronously
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("stream " + name + " did not become ACTIVE within " + timeout);
            }
            sleep(50);
        }
    }


    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
