package com.rglimits.kinesis;

import com.rglimits.config.ConfigException;
import com.rglimits.config.JobConfig;
import com.rglimits.config.JobOptions;
import com.rglimits.deadletter.DeadLetter;
import com.rglimits.deadletter.DeadLetterJson;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kinesis.sink.KinesisStreamsSink;
import org.apache.flink.connector.kinesis.sink.KinesisStreamsSinkBuilder;
import org.apache.flink.connector.kinesis.sink.PartitionKeyGenerator;

/**
 * Builds the dead-letter {@link KinesisStreamsSink}: one JSON object per record
 * ({@link DeadLetterJson}), partition key the user id, else the event id, else a hash of the
 * original record. {@code dlq.stream} may be a stream name or an ARN. At-least-once: the sink
 * flushes on every checkpoint, a restore from an older checkpoint can write a dead letter twice.
 */
public final class DeadLetterSinkFactory {
    /** Kinesis limit for a partition key, in Unicode code units. */
    static final int MAX_PARTITION_KEY = 256;

    private DeadLetterSinkFactory() {}

    public static KinesisStreamsSink<DeadLetter> create(JobConfig config) {
        String stream = config.dlqStream();
        if (stream == null) {
            throw new ConfigException("setting '" + JobOptions.DLQ_STREAM.key() + "' is required to write dead letters to Kinesis");
        }
        KinesisStreamsSinkBuilder<DeadLetter> builder = KinesisStreamsSink.<DeadLetter>builder()
                .setKinesisClientProperties(config.awsProperties())
                .setSerializationSchema(new JsonSerialization())
                .setPartitionKeyGenerator(new DeadLetterPartitionKey())
                .setFailOnError(false);
        if (KinesisStreams.isArn(stream)) {
            KinesisStreams.nameOf(stream); // validates the shape
            builder.setStreamArn(stream);
        } else {
            builder.setStreamName(stream);
        }
        return builder.build();
    }

    static final class JsonSerialization implements SerializationSchema<DeadLetter> {
        private static final long serialVersionUID = 1L;

        @Override
        public byte[] serialize(DeadLetter deadLetter) {
            return DeadLetterJson.toJson(deadLetter).getBytes(StandardCharsets.UTF_8);
        }
    }

    static final class DeadLetterPartitionKey implements PartitionKeyGenerator<DeadLetter> {
        private static final long serialVersionUID = 1L;

        @Override
        public String apply(DeadLetter d) {
            return partitionKey(d);
        }
    }

    static String partitionKey(DeadLetter d) {
        if (d.userId != null && !d.userId.isEmpty()) {
            return truncate(d.userId);
        }
        if (d.eventId != null && !d.eventId.isEmpty()) {
            return truncate(d.eventId);
        }
        return "record-" + sha256Hex(d.record == null ? new byte[0] : d.record);
    }

    private static String truncate(String key) {
        return key.length() <= MAX_PARTITION_KEY ? key : key.substring(0, MAX_PARTITION_KEY);
    }

    private static String sha256Hex(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            StringBuilder sb = new StringBuilder(digest.length * 2);
            for (byte b : digest) {
                sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
            }
            return sb.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
