package com.rglimits.sink;

import com.rglimits.aws.AwsSettings;
import java.io.Serializable;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.apache.flink.connector.base.sink.AsyncSinkBaseBuilder;
import org.apache.flink.connector.base.sink.writer.config.AsyncSinkWriterConfiguration;

/**
 * Builds an {@link AwsAsyncSink}: the standard settings of Flink's {@link AsyncSinkBaseBuilder}
 * ({@code setMaxBatchSize}, {@code setMaxInFlightRequests}, {@code setMaxBufferedRequests},
 * {@code setMaxBatchSizeInBytes}, {@code setMaxTimeInBufferMS}, {@code setMaxRecordSizeInBytes}),
 * each one not given taken from the sink's defaults, and the {@code aws.*} settings.
 */
public abstract class AwsAsyncSinkBuilder<InputT, RequestEntryT extends Serializable,
        B extends AwsAsyncSinkBuilder<InputT, RequestEntryT, B>> extends AsyncSinkBaseBuilder<InputT, RequestEntryT, B> {
    private AwsSettings aws = AwsSettings.of(Map.of());

    /** The {@code aws.*} client settings, as Flink's AWS connectors take them. */
    public B awsProperties(Properties awsProperties) {
        this.aws = AwsSettings.of(Objects.requireNonNull(awsProperties, "awsProperties"));
        return self();
    }

    @SuppressWarnings("unchecked")
    protected final B self() {
        return (B) this;
    }

    protected final AwsSettings aws() {
        return aws;
    }

    /** The standard settings given to this builder, each one not given from {@code defaults}. */
    protected final AsyncSinkWriterConfiguration batching(AsyncSinkWriterConfiguration defaults) {
        return AwsAsyncSink.batching(
                or(getMaxBatchSize(), defaults.getMaxBatchSize()),
                or(getMaxInFlightRequests(), defaults.getMaxInFlightRequests()),
                or(getMaxBufferedRequests(), defaults.getMaxBufferedRequests()),
                or(getMaxBatchSizeInBytes(), defaults.getMaxBatchSizeInBytes()),
                or(getMaxTimeInBufferMS(), defaults.getMaxTimeInBufferMS()),
                or(getMaxRecordSizeInBytes(), defaults.getMaxRecordSizeInBytes()));
    }

    private static <T> T or(T given, T defaultValue) {
        return given != null ? given : defaultValue;
    }
}
