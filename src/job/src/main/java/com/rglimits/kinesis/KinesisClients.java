package com.rglimits.kinesis;

import java.net.URI;
import java.util.Properties;
import org.apache.flink.connector.aws.config.AWSConfigConstants;
import org.apache.flink.connector.aws.util.AWSGeneralUtil;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.KinesisClientBuilder;

/**
 * A plain (unshaded) Kinesis client configured from the same {@code aws.*} properties the
 * connectors take: region, endpoint override and credentials provider mean the same here as there.
 */
public final class KinesisClients {
    private KinesisClients() {}

    public static KinesisClient create(Properties aws) {
        KinesisClientBuilder builder = KinesisClient.builder()
                .httpClientBuilder(ApacheHttpClient.builder())
                .credentialsProvider(AWSGeneralUtil.getCredentialsProvider(aws));
        if (aws.getProperty(AWSConfigConstants.AWS_REGION) != null) {
            builder.region(AWSGeneralUtil.getRegion(aws));
        }
        String endpoint = aws.getProperty(AWSConfigConstants.AWS_ENDPOINT);
        if (endpoint != null) {
            builder.endpointOverride(URI.create(endpoint));
        }
        return builder.build();
    }
}
