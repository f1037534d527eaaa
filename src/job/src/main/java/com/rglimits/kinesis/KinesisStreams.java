package com.rglimits.kinesis;

import com.rglimits.config.ConfigException;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.Shard;

/** Kinesis stream names and ARNs: telling them apart, and turning a name into the ARN the FLIP-27 source needs. */
public final class KinesisStreams {
    private KinesisStreams() {}

    public static boolean isArn(String nameOrArn) {
        return nameOrArn.startsWith("arn:");
    }

    /** {@code arn:aws:kinesis:REGION:ACCOUNT:stream/NAME} to {@code NAME}; a plain name stays as it is. */
    public static String nameOf(String nameOrArn) {
        if (!isArn(nameOrArn)) {
            return nameOrArn;
        }
        int slash = nameOrArn.lastIndexOf('/');
        if (slash < 0 || slash == nameOrArn.length() - 1 || !nameOrArn.contains(":stream/")) {
            throw new ConfigException("'" + nameOrArn + "' is not a Kinesis stream ARN (arn:...:stream/NAME)");
        }
        return nameOrArn.substring(slash + 1);
    }

    /**
     * The stream's ARN: given as it is when it already is one; otherwise asked from Kinesis with
     * DescribeStreamSummary (which needs the {@code kinesis:DescribeStreamSummary} permission).
     */
    public static String resolveArn(KinesisClient kinesis, String nameOrArn) {
        if (isArn(nameOrArn)) {
            nameOf(nameOrArn); // validates the shape
            return nameOrArn;
        }
        try {
            return kinesis.describeStreamSummary(b -> b.streamName(nameOrArn))
                    .streamDescriptionSummary()
                    .streamARN();
        } catch (ResourceNotFoundException e) {
            throw new ConfigException("Kinesis stream '" + nameOrArn + "' does not exist: " + e.getMessage());
        }
    }

    /** Every shard of the stream (ListShards, all pages), closed ones included. */
    public static List<Shard> shards(KinesisClient kinesis, String name) {
        List<Shard> shards = new ArrayList<>();
        String next = null;
        do {
            String token = next;
            var response = token == null
                    ? kinesis.listShards(b -> b.streamName(name))
                    : kinesis.listShards(b -> b.nextToken(token));
            shards.addAll(response.shards());
            next = response.nextToken();
        } while (next != null);
        return shards;
    }
}
