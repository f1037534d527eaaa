package com.rglimits.kinesis;

import com.rglimits.aws.AwsClients;
import com.rglimits.aws.AwsSettings;
import com.rglimits.config.ConfigException;
import com.rglimits.config.JobConfig;
import com.rglimits.config.JobOptions;
import com.rglimits.event.ParsedRecord;
import java.util.Properties;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kinesis.source.KinesisStreamsSource;
import org.apache.flink.connector.kinesis.source.config.KinesisStreamsSourceConfigConstants.InitialPosition;
import org.apache.flink.connector.kinesis.source.config.KinesisStreamsSourceConfigConstants;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * Builds the connector's FLIP-27 {@link KinesisStreamsSource} from {@link JobConfig}:
 * {@code source.stream} (an ARN, or a name resolved to its ARN), {@code source.initpos}
 * (TRIM_HORIZON, LATEST, AT_TIMESTAMP with {@code source.initpos.timestamp} in epoch ms) and every
 * {@code aws.*} setting passed through. Event time and per-shard watermarks come from the pipeline's
 * watermark strategy ({@code env.fromSource}), not from the Kinesis arrival time.
 */
public final class KinesisSourceFactory {
    private KinesisSourceFactory() {}

    /** Resolves a stream name to its ARN with DescribeStreamSummary; an ARN is used as it is. */
    public static KinesisStreamsSource<ParsedRecord> create(JobConfig config) {
        String stream = requireStream(config);
        if (KinesisStreams.isArn(stream)) {
            return create(config, stream);
        }
        try (KinesisClient kinesis = AwsClients.sync(AwsSettings.of(config.awsProperties()), KinesisClient.builder())) {
            return create(config, KinesisStreams.resolveArn(kinesis, stream));
        }
    }

    public static KinesisStreamsSource<ParsedRecord> create(JobConfig config, String streamArn) {
        return KinesisStreamsSource.<ParsedRecord>builder()
                .setStreamArn(streamArn)
                .setSourceConfig(sourceConfig(config))
                .setDeserializationSchema(new ParsingDeserializationSchema(config.maxAheadMs()))
                .build();
    }

    /** The connector's configuration: the {@code aws.*} settings plus the starting position. */
    public static Configuration sourceConfig(JobConfig config) {
        Configuration c = new Configuration();
        Properties aws = config.awsProperties();
        aws.stringPropertyNames().forEach(k -> c.setString(k, aws.getProperty(k)));
        c.set(KinesisStreamsSourceConfigConstants.STREAM_INITIAL_POSITION,
                InitialPosition.valueOf(config.startingPosition().name()));
        if (config.startingTimestamp() != null) {
            // The connector parses a plain number as epoch seconds (fractions allowed).
            long ms = config.startingTimestamp();
            c.set(KinesisStreamsSourceConfigConstants.STREAM_INITIAL_TIMESTAMP,
                    String.format("%d.%03d", ms / 1000, ms % 1000));
        }
        return c;
    }

    private static String requireStream(JobConfig config) {
        if (config.sourceStream() == null) {
            throw new ConfigException("setting '" + JobOptions.SOURCE_STREAM.key() + "' is required to read from Kinesis");
        }
        return config.sourceStream();
    }
}
