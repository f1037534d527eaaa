package com.rglimits.query;

import com.rglimits.config.ConfigException;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.SqsClientBuilder;

/** The DynamoDB (and SQS) clients of the query service, built from its settings. */
final class DynamoClients {
    private DynamoClients() {}

    /**
     * A builder with the service's region, endpoint, credentials, connection pool and timeouts.
     * The HTTP client is named explicitly: with several on the classpath the SDK refuses to pick.
     */
    static DynamoDbClientBuilder builder(QueryConfig c) {
        return builder(c, c.callTimeout(), c.attemptTimeout());
    }

    /** The same with other timeouts, for bulk work such as loading demo data. */
    static DynamoDbClientBuilder builder(QueryConfig c, Duration callTimeout, Duration attemptTimeout) {
        DynamoDbClientBuilder b = DynamoDbClient.builder()
                .httpClientBuilder(ApacheHttpClient.builder()
                        .maxConnections(c.maxConnections())
                        .connectionTimeout(attemptTimeout)
                        .connectionAcquisitionTimeout(attemptTimeout)
                        .socketTimeout(attemptTimeout))
                .overrideConfiguration(o -> o
                        .apiCallTimeout(callTimeout)
                        .apiCallAttemptTimeout(attemptTimeout));
        b.region(c.region() != null ? Region.of(c.region()) : defaultRegion());
        if (c.endpoint() != null) {
            b.endpointOverride(c.endpoint());
        }
        b.credentialsProvider(c.credentialsProvider() == QueryConfig.CredentialsProvider.BASIC
                ? StaticCredentialsProvider.create(AwsBasicCredentials.create(c.accessKey(), c.secretKey()))
                : DefaultCredentialsProvider.create());
        return b;
    }

    /** The SQS client of the subscription endpoints: the same region, credentials and timeouts. */
    static SqsClient sqs(QueryConfig c) {
        SqsClientBuilder b = SqsClient.builder()
                .httpClientBuilder(ApacheHttpClient.builder()
                        .connectionTimeout(c.attemptTimeout())
                        .socketTimeout(c.attemptTimeout()))
                .overrideConfiguration(o -> o.apiCallTimeout(c.callTimeout()).apiCallAttemptTimeout(c.attemptTimeout()));
        b.region(c.region() != null ? Region.of(c.region()) : defaultRegion());
        if (c.sqsEndpoint() != null) {
            b.endpointOverride(c.sqsEndpoint());
        }
        b.credentialsProvider(c.credentialsProvider() == QueryConfig.CredentialsProvider.BASIC
                ? StaticCredentialsProvider.create(AwsBasicCredentials.create(c.accessKey(), c.secretKey()))
                : DefaultCredentialsProvider.create());
        return b.build();
    }

    /** The SDK's default region chain, with a one-line error instead of the chain's long report. */
    private static Region defaultRegion() {
        try {
            return new DefaultAwsRegionProviderChain().getRegion();
        } catch (SdkClientException e) {
            throw new ConfigException("no AWS region: set option --" + QueryConfig.AWS_REGION
                    + " or the AWS_REGION environment variable");
        }
    }
}
