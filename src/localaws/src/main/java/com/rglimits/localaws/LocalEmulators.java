package com.rglimits.localaws;

import com.rglimits.aws.AwsClients;
import com.rglimits.aws.AwsSettings;
import java.net.URI;
import java.util.Properties;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * The whole emulated AWS of the local stack and the tests, on this machine without Docker:
 * kinesalite and dynalite behind one {@link EmulatorFront}, so that one set of {@code aws.*}
 * settings (one endpoint) reaches both, as with LocalStack in docker-compose.
 */
public final class LocalEmulators implements AutoCloseable {
    private final Kinesalite kinesalite;
    private final Dynalite dynamoDb;
    private final EmulatorFront front;

    private LocalEmulators(Kinesalite kinesalite, Dynalite dynamoDb, EmulatorFront front) {
        this.kinesalite = kinesalite;
        this.dynamoDb = dynamoDb;
        this.front = front;
    }

    /** Starts both emulators on free ports, and the front on {@code frontPort} (0: a free one). */
    public static LocalEmulators start(int frontPort) throws Exception {
        Kinesalite kinesalite = Kinesalite.start();
        Dynalite dynamoDb = null;
        try {
            dynamoDb = Dynalite.start();
            EmulatorFront front = EmulatorFront.start(frontPort, kinesalite.endpoint(), dynamoDb.endpoint());
            return new LocalEmulators(kinesalite, dynamoDb, front);
        } catch (Exception e) {
            kinesalite.close();
            if (dynamoDb != null) {
                dynamoDb.close();
            }
            throw e;
        }
    }

    /** The one endpoint for Kinesis and DynamoDB. */
    public URI endpoint() {
        return front.endpoint();
    }

    public URI kinesaliteEndpoint() {
        return kinesalite.endpoint();
    }

    public URI dynamoDbEndpoint() {
        return dynamoDb.endpoint();
    }

    /** The {@code aws.*} settings that point all of the job's AWS clients at the emulators. */
    public Properties awsProperties() {
        return awsProperties(endpoint());
    }

    public static Properties awsProperties(URI endpoint) {
        Properties p = LocalAws.awsProperties(endpoint);
        // EMULATOR QUIRK: the Kinesis sink speaks HTTP/2 by default; kinesalite and the front only HTTP/1.1.
        p.setProperty("aws.http.protocol.version", "HTTP1_1");
        return p;
    }

    public KinesisClient kinesisClient() {
        return AwsClients.sync(AwsSettings.of(awsProperties()), KinesisClient.builder());
    }

    public DynamoDbClient dynamoDbClient() {
        return AwsClients.sync(AwsSettings.of(awsProperties()), DynamoDbClient.builder());
    }

    @Override
    public void close() throws Exception {
        try {
            front.close();
            kinesalite.close();
        } finally {
            dynamoDb.close();
        }
    }
}
