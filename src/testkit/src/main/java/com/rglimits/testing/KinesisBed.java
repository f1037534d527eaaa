package com.rglimits.testing;

import com.rglimits.aws.AwsClients;
import com.rglimits.aws.AwsSettings;
import com.rglimits.localaws.Dynalite;
import com.rglimits.localaws.EmulatorFront;
import com.rglimits.localaws.Kinesalite;
import com.rglimits.localaws.LocalEmulators;
import java.net.URI;
import java.util.Properties;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * The Kinesis tests' emulated AWS, as {@link LocalEmulators} gives it to the local stack: kinesalite
 * and dynalite behind one {@link EmulatorFront}, so that one set of {@code aws.*} settings reaches
 * both. Unlike {@link LocalEmulators} it does not start a dynalite of its own but takes the shared
 * one, so a test JVM runs a single dynalite. Obtained from {@link TestBeds#kinesis()}; lives as long
 * as the JVM.
 */
public final class KinesisBed {
    private final EmulatorFront front;

    private KinesisBed(EmulatorFront front) {
        this.front = front;
    }

    static KinesisBed start(Dynalite dynamoDb) throws Exception {
        Kinesalite kinesalite = Kinesalite.start();
        try {
            return new KinesisBed(EmulatorFront.start(0, kinesalite.endpoint(), dynamoDb.endpoint()));
        } catch (Exception e) {
            kinesalite.close();
            throw e;
        }
    }

    /** The one endpoint for Kinesis and DynamoDB. */
    public URI endpoint() {
        return front.endpoint();
    }

    /** The {@code aws.*} settings that point all of the job's AWS clients at the emulators. */
    public Properties awsProperties() {
        return LocalEmulators.awsProperties(endpoint());
    }

    public KinesisClient kinesisClient() {
        return AwsClients.sync(AwsSettings.of(awsProperties()), KinesisClient.builder());
    }

    public DynamoDbClient dynamoDbClient() {
        return AwsClients.sync(AwsSettings.of(awsProperties()), DynamoDbClient.builder());
    }
}
