package com.rglimits.localaws;

import com.rglimits.aws.AwsClients;
import java.net.URI;
import java.util.Map;
import java.util.Properties;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The DynamoDB emulator dynalite (npm, Apache-2.0), in memory, on a loopback port: for local runs,
 * the local stack, the query API's local mode, the benchmark and the tests; never in production.
 * It speaks the DynamoDB JSON protocol the AWS SDK uses; tables are created at once.
 */
public final class Dynalite implements AutoCloseable {
    private final NodeEmulator emulator;

    private Dynalite(NodeEmulator emulator) {
        this.emulator = emulator;
    }

    /** Installs if needed and starts on a free loopback port. */
    public static Dynalite start() throws Exception {
        return start(0);
    }

    /** Installs if needed and starts on {@code port} (0: a free one). */
    public static Dynalite start(int port) throws Exception {
        return new Dynalite(NodeEmulator.start("dynalite", port, Map.of(
                "createTableMs", 0, "deleteTableMs", 0, "updateTableMs", 0)));
    }

    public int port() {
        return emulator.port();
    }

    public URI endpoint() {
        return emulator.endpoint();
    }

    /** The operating system's id of the emulator's process. */
    public long pid() {
        return emulator.pid();
    }

    /** The {@code aws.*} settings that point the job's AWS clients at this emulator. */
    public Properties awsProperties() {
        return LocalAws.awsProperties(endpoint());
    }

    public DynamoDbClient client() {
        return AwsClients.sync(LocalAws.awsSettings(endpoint()), DynamoDbClient.builder());
    }

    @Override
    public void close() {
        emulator.close();
    }
}
