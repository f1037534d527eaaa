package com.rglimits.localaws;

import com.rglimits.aws.AwsSettings;
import java.net.URI;
import java.util.Properties;

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

    /** The same, for a client of the emulator built with {@code AwsClients}. */
    public static AwsSettings awsSettings(URI endpoint) {
        return AwsSettings.of(awsProperties(endpoint));
    }
}
