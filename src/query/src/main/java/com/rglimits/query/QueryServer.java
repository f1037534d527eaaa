package com.rglimits.query;

import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import java.net.InetSocketAddress;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/** The query API on Undertow, reading through the given DynamoDB client. */
public final class QueryServer implements AutoCloseable {
    /** The largest body, POST /events' (each endpoint bounds its own); anything larger is refused unread. */
    private static final long MAX_BODY = EventIngestion.MAX_BODY;

    private final Undertow undertow;
    private final SqsClient sqs;
    private final KinesisClient kinesis;

    private QueryServer(Undertow undertow, SqsClient sqs, KinesisClient kinesis) {
        this.undertow = undertow;
        this.sqs = sqs;
        this.kinesis = kinesis;
    }

    /**
     * Starts listening; the DynamoDB client stays the caller's to close. The SQS client of the
     * subscription endpoints (which create subscribers' queues) is the server's own.
     */
    public static QueryServer start(QueryConfig config, DynamoDbClient client) {
        SqsClient sqs = DynamoClients.sqs(config);
        KinesisClient kinesis = config.eventsStream() == null ? null : DynamoClients.kinesis(config);
        try {
            LimitReader reader = new LimitReader(client, config.tableName(), config.consistentRead());
            SubscriptionHandler subscriptions = new SubscriptionHandler(
                    new SubscriptionStore(client, config.subscriptionsTable()), sqs);
            Undertow undertow = Undertow.builder()
                    .addHttpListener(config.port(), config.host())
                    .setWorkerThreads(config.workerThreads())
                    .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, MAX_BODY)
                    .setHandler(new QueryHandler(reader, ReadAccess.of(config.auth()), subscriptions, kinesis == null ? null
                            : new EventIngestion(kinesis, config.eventsStream(), config.eventsMaxAheadMs())))
                    .build();
            undertow.start();
            return new QueryServer(undertow, sqs, kinesis);
        } catch (RuntimeException e) {
            sqs.close();
            if (kinesis != null) {
                kinesis.close();
            }
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
        if (kinesis != null) {
            kinesis.close();
        }
    }
}
