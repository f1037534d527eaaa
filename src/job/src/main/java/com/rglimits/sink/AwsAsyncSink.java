package com.rglimits.sink;

import com.rglimits.aws.AwsSettings;
import java.io.IOException;
import java.io.Serializable;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.base.sink.AsyncSinkBase;
import org.apache.flink.connector.base.sink.writer.AsyncSinkWriter;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import org.apache.flink.connector.base.sink.writer.config.AsyncSinkWriterConfiguration;

/**
 * A sink on Flink's {@link AsyncSinkBase} whose writers call AWS: the limits sink and the
 * subscribers' SQS sink. It carries the {@code aws.*} settings ({@link AwsSettings}, checked when
 * the job is built); each writer builds its clients from them and closes them with itself.
 *
 * <p>Writers are made by {@link #createWriter(WriterInitContext)}, and from their checkpointed
 * buffers by {@link #restoreWriter(WriterInitContext, Collection)} (Flink's
 * {@code SupportsWriterState}): the sink API that Flink 2.0 keeps.
 */
public abstract class AwsAsyncSink<InputT, RequestEntryT extends Serializable> extends AsyncSinkBase<InputT, RequestEntryT> {
    private static final long serialVersionUID = 1L;

    private final AwsSettings aws;

    /** @param batching the standard settings ({@link #batching}, {@link AwsAsyncSinkBuilder#batching}) */
    protected AwsAsyncSink(ElementConverter<InputT, RequestEntryT> converter, AsyncSinkWriterConfiguration batching,
            AwsSettings aws) {
        super(converter, batching.getMaxBatchSize(), batching.getMaxInFlightRequests(), batching.getMaxBufferedRequests(),
                batching.getMaxBatchSizeInBytes(), batching.getMaxTimeInBufferMS(), batching.getMaxRecordSizeInBytes());
        this.aws = Objects.requireNonNull(aws, "aws");
        // As the connectors: a bad region, credentials provider or endpoint fails the build; credentials are the writers' to resolve.
        aws.validate();
    }

    /**
     * The standard settings as one value, in the order of {@link AsyncSinkBase}'s: a sink's defaults,
     * a writer's configuration. Settings the writers would refuse fail here, when the job is built.
     */
    public static AsyncSinkWriterConfiguration batching(int maxBatchSize, int maxInFlightRequests, int maxBufferedRequests,
            long maxBatchSizeInBytes, long maxTimeInBufferMs, long maxRecordSizeInBytes) {
        positive("maxBatchSize", maxBatchSize);
        positive("maxInFlightRequests", maxInFlightRequests);
        positive("maxTimeInBufferMS", maxTimeInBufferMs);
        positive("maxRecordSizeInBytes", maxRecordSizeInBytes);
        if (maxBufferedRequests <= maxBatchSize) {
            throw new IllegalArgumentException("maxBufferedRequests (" + maxBufferedRequests
                    + ") must be greater than maxBatchSize (" + maxBatchSize + ")");
        }
        if (maxBatchSizeInBytes < maxRecordSizeInBytes) {
            throw new IllegalArgumentException("maxBatchSizeInBytes (" + maxBatchSizeInBytes
                    + ") must be at least maxRecordSizeInBytes (" + maxRecordSizeInBytes + ")");
        }
        return AsyncSinkWriterConfiguration.builder()
                .setMaxBatchSize(maxBatchSize)
                .setMaxBatchSizeInBytes(maxBatchSizeInBytes)
                .setMaxInFlightRequests(maxInFlightRequests)
                .setMaxBufferedRequests(maxBufferedRequests)
                .setMaxTimeInBufferMS(maxTimeInBufferMs)
                .setMaxRecordSizeInBytes(maxRecordSizeInBytes)
                .build();
    }

    private static void positive(String name, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }

    /** What the writers convert each input with. */
    final ElementConverter<InputT, RequestEntryT> converter() {
        return getElementConverter();
    }

    /** What the writers build their AWS clients from. */
    protected final AwsSettings aws() {
        return aws;
    }

    /** The standard settings, for the writers. */
    protected final AsyncSinkWriterConfiguration writerConfiguration() {
        return batching(getMaxBatchSize(), getMaxInFlightRequests(), getMaxBufferedRequests(), getMaxBatchSizeInBytes(),
                getMaxTimeInBufferMS(), getMaxRecordSizeInBytes());
    }

    @Override
    public AsyncSinkWriter<InputT, RequestEntryT> createWriter(WriterInitContext context) throws IOException {
        return restoreWriter(context, List.of());
    }

    /**
     * A writer that sends the restored buffers first. The return type is Flink's writer base:
     * a writer with state in both Flink 1.19 (whose {@code StatefulSink} names it) and 2.0.
     */
    @Override
    public abstract AsyncSinkWriter<InputT, RequestEntryT> restoreWriter(
            WriterInitContext context, Collection<BufferedRequestState<RequestEntryT>> recoveredState) throws IOException;

    /**
     * Flink 1.19 still declares this method (2.0 has removed it, and so must this override then);
     * its runtime creates writers with {@link #createWriter(WriterInitContext)} only.
     */
    @Override
    public final SinkWriter<InputT> createWriter(Sink.InitContext context) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " creates its writers with createWriter(WriterInitContext)");
    }
}
