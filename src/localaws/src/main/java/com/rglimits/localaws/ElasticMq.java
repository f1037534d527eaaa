package com.rglimits.localaws;

import com.rglimits.aws.AwsClients;
import java.net.URI;
import java.util.Map;
import java.util.Properties;
import org.elasticmq.NodeAddress;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.elasticmq.rest.sqs.TheSQSRestServerBuilder;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The SQS emulator ElasticMQ (Apache-2.0), embedded in this JVM on a loopback port, in memory: FIFO
 * queues with message groups and the 5-minute de-duplication window, over the SQS JSON protocol
 * the AWS SDK speaks. For the local stack and the tests; never in production.
 */
public final class ElasticMq implements AutoCloseable {
    private final SQSRestServer server;
    private final int port;

    private ElasticMq(SQSRestServer server, int port) {
        this.server = server;
        this.port = port;
    }

    /**
     * Starts on {@code port}, or with 0 on a port the server binds itself: a port picked free and
     * bound later could be taken in between by another process of a parallel test run.
     */
    public static ElasticMq start(int port) {
        TheSQSRestServerBuilder builder = SQSRestServerBuilder.withInterface("127.0.0.1");
        // Queue URLs name the port it really listens on: given, or (dynamic) the one it bound.
        SQSRestServer server = port != 0
                ? builder.withPort(port).withServerAddress(new NodeAddress("http", "127.0.0.1", port, "")).start()
                : builder.withDynamicPort().start();
        int bound = server.waitUntilStarted().localAddress().getPort();
        return new ElasticMq(server, bound);
    }

    public static ElasticMq start() {
        return start(0);
    }

    public int port() {
        return port;
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** The {@code aws.*} settings that point the job's AWS clients at this emulator. */
    public Properties awsProperties() {
        return LocalAws.awsProperties(endpoint());
    }

    public SqsClient client() {
        return AwsClients.sync(LocalAws.awsSettings(endpoint()), SqsClient.builder());
    }

    /** Creates a FIFO queue (explicit de-duplication ids) unless it exists; returns its URL. */
    public static String createFifoQueue(SqsClient client, String name) {
        return client.createQueue(b -> b.queueName(name).attributes(Map.of(
                QueueAttributeName.FIFO_QUEUE, "true",
                QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "false"))).queueUrl();
    }

    @Override
    public void close() {
        server.stopAndWait();
    }
}
