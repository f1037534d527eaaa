package com.rglimits.local;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.net.ServerSocket;
import java.net.URI;
import java.util.Properties;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Amazon's DynamoDB engine (DynamoDB Local), in this process, in memory, on a free loopback port.
 * For local runs and tests only.
 */
public final class DynamoDbLocal implements AutoCloseable {
    public static final String REGION = "us-east-1";
    public static final String ACCESS_KEY = "local";
    public static final String SECRET_KEY = "local";

    private final DynamoDBProxyServer server;
    private final int port;

    private DynamoDbLocal(DynamoDBProxyServer server, int port) {
        this.server = server;
        this.port = port;
    }

    public static DynamoDbLocal start() throws Exception {
        return start(freePort());
    }

    public static DynamoDbLocal start(int port) throws Exception {
        // It prints its configuration to stdout; local runs print the table there instead.
        PrintStream stdout = System.out;
        System.setOut(new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8));
        try {
            DynamoDBProxyServer server = ServerRunner.createServerFromCommandLineArgs(
                    new String[] {"-inMemory", "-disableTelemetry", "-port", Integer.toString(port)});
            server.start();
            return new DynamoDbLocal(server, port);
        } finally {
            System.setOut(stdout);
        }
    }

    public int port() {
        return port;
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** The {@code aws.*} settings that point the job's AWS clients at this server. */
    public Properties awsProperties() {
        return awsProperties(port);
    }

    /** The {@code aws.*} settings for a DynamoDB Local on this port. */
    public static Properties awsProperties(int port) {
        return awsProperties(URI.create("http://127.0.0.1:" + port));
    }

    /** The {@code aws.*} settings that point the job's AWS clients at a local emulator endpoint. */
    public static Properties awsProperties(URI endpoint) {
        Properties p = new Properties();
        p.setProperty("aws.region", REGION);
        p.setProperty("aws.endpoint", endpoint.toString());
        p.setProperty("aws.credentials.provider", "BASIC");
        p.setProperty("aws.credentials.provider.basic.accesskeyid", ACCESS_KEY);
        p.setProperty("aws.credentials.provider.basic.secretkey", SECRET_KEY);
        return p;
    }

    /** Points an AWS SDK client builder at a local emulator endpoint, with the local region and credentials. */
    public static <B extends AwsClientBuilder<B, ?>> B pointedAt(B builder, URI endpoint) {
        return builder.endpointOverride(endpoint)
                .region(Region.of(REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)));
    }

    public DynamoDbClient client() {
        return pointedAt(DynamoDbClient.builder(), endpoint()).build();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
