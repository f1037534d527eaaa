package com.rglimits.sink;

import com.rglimits.aws.AwsClients;
import com.rglimits.aws.AwsSettings;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.base.sink.writer.AsyncSinkWriter;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import software.amazon.awssdk.awscore.client.builder.AwsAsyncClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * A writer of an {@link AwsAsyncSink}: Flink's {@link AsyncSinkWriter} with the sink's converter
 * and standard settings, and the AWS clients it builds from the sink's settings, which it closes
 * when it is closed.
 */
public abstract class AwsAsyncSinkWriter<InputT, RequestEntryT extends Serializable> extends AsyncSinkWriter<InputT, RequestEntryT> {
    private final ElementConverter<InputT, RequestEntryT> converter;
    private final List<SdkAutoCloseable> clients = new ArrayList<>();

    /** @param states the restored buffers, sent first */
    protected AwsAsyncSinkWriter(AwsAsyncSink<InputT, RequestEntryT> sink, WriterInitContext context,
            Collection<BufferedRequestState<RequestEntryT>> states) {
        super(sink.converter(), context, sink.writerConfiguration(), states);
        this.converter = sink.converter();
    }

    /** The sink's element converter, which the base writer applies to what it is given. */
    protected final ElementConverter<InputT, RequestEntryT> converter() {
        return converter;
    }

    /**
     * An asynchronous client built from {@code aws}, closed with this writer. Its credentials are
     * resolved now: missing ones fail the task at once, not every request as if they were transient.
     */
    protected final <B extends AwsAsyncClientBuilder<B, C> & AwsClientBuilder<B, C>, C extends SdkAutoCloseable> C client(
            AwsSettings aws, B builder) {
        try {
            AwsClients.credentialsProvider(aws).resolveCredentials();
            C client = AwsClients.async(aws, builder);
            clients.add(client);
            return client;
        } catch (RuntimeException e) {
            // Flink does not close a writer whose constructor failed.
            closeClients(e);
            throw e;
        }
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        try {
            super.close();
        } catch (RuntimeException e) {
            failure = e;
        }
        failure = closeClients(failure);
        if (failure != null) {
            throw failure;
        }
    }

    /** Closes every client; the first failure, else {@code failure}, with the others suppressed. */
    private RuntimeException closeClients(RuntimeException failure) {
        for (SdkAutoCloseable client : clients) {
            try {
                client.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        clients.clear();
        return failure;
    }
}
