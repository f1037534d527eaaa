package com.rglimits.query;

import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import java.net.InetSocketAddress;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The query API on Undertow, reading through the given DynamoDB client. */
public final class QueryServer implements AutoCloseable {
    private final Undertow undertow;

    private QueryServer(Undertow undertow) {
        this.undertow = undertow;
    }

    /** Starts listening; the client stays the caller's to close. */
    public static QueryServer start(QueryConfig config, DynamoDbClient client) {
        LimitReader reader = new LimitReader(client, config.tableName(), config.consistentRead());
        Undertow undertow = Undertow.builder()
                .addHttpListener(config.port(), config.host())
                .setWorkerThreads(config.workerThreads())
                // A GET-only API: refuse request bodies rather than buffer them.
                .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, 0L)
                .setHandler(new QueryHandler(reader, ReadAccess.of(config.auth())))
                .build();
        undertow.start();
        return new QueryServer(undertow);
    }

    /** The port actually bound (the configured one, or the free one picked for port 0). */
    public int port() {
        return ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
    }

    @Override
    public void close() {
        undertow.stop();
    }
}
