package com.rglimits.query;

import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import java.net.InetSocketAddress;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/** The query API on Undertow, reading through the given DynamoDB client. */
public final class QueryServer implements AutoCloseable {
    /** Bodies are small JSON objects of the subscription endpoints; anything larger is refused unread. */
    private static final long MAX_BODY = 64 * 1024;

    private final Undertow undertow;
    private final SqsClient sqs;

    private QueryServer(Undertow undertow, SqsClient sqs) {
        this.undertow = undertow;
        this.sqs = sqs;
    }

    /**
     * Starts listening; the DynamoDB client stays the caller's to close. The SQS client of the
     * subscription endpoints (which create subscribers' queues) is the server's own.
     */
    public static QueryServer start(QueryConfig config, DynamoDbClient client) {
        SqsClient sqs = DynamoClients.sqs(config);
        try {
            LimitReader reader = new LimitReader(client, config.tableName(), config.consistentRead());
            SubscriptionHandler subscriptions = new SubscriptionHandler(
                    new SubscriptionStore(client, config.subscriptionsTable()), sqs);
            Undertow undertow = Undertow.builder()
                    .addHttpListener(config.port(), config.host())
                    .setWorkerThreads(config.workerThreads())
                    .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, MAX_BODY)
                    .setHandler(new QueryHandler(reader, ReadAccess.of(config.auth()), subscriptions))
                    .build();
            undertow.start();
            return new QueryServer(undertow, sqs);
        } catch (RuntimeException e) {
            sqs.close();
            throw e;
        }
    }

    /** The port actually bound (the configured one, or the free one picked for port 0). */
    public int port() {
        return ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
    }

    @Override
    public void close() {
        undertow.stop();
        sqs.close();
    }
}
