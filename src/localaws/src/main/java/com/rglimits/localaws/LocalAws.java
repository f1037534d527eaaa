package com.rglimits.localaws;

import java.net.URI;
import java.util.Properties;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.regions.Region;

/** The region and credentials every client uses against the local emulators. */
public final class LocalAws {
    public static final String REGION = "us-east-1";
    public static final String ACCESS_KEY = "local";
    public static final String SECRET_KEY = "local";

    private LocalAws() {}

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
}
