package com.rglimits.query;

import com.rglimits.aws.AwsClients;
import com.rglimits.aws.AwsSettings;
import java.time.Duration;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The DynamoDB (and SQS) clients of the query service, built from its settings: a read answers
 * its caller within the service's timeouts, so each call and each attempt has a bound, and so do
 * the connection pool's waits.
 */
final class DynamoClients {
    private DynamoClients() {}

    /** The service's DynamoDB client: its {@code aws.*} settings, connection pool and timeouts. */
    static DynamoDbClient dynamoDb(QueryConfig c) {
        return dynamoDb(c, c.aws(), c.callTimeout(), c.attemptTimeout());
    }

    /** The same with other settings and timeouts: an emulator's endpoint, bulk work such as loading demo data. */
    static DynamoDbClient dynamoDb(QueryConfig c, AwsSettings aws, Duration callTimeout, Duration attemptTimeout) {
        return AwsClients.sync(aws,
                DynamoDbClient.builder().overrideConfiguration(o -> o
                        .apiCallTimeout(callTimeout)
                        .apiCallAttemptTimeout(attemptTimeout)),
                http -> http.maxConnections(c.maxConnections())
                        .connectionTimeout(attemptTimeout)
                        .connectionAcquisitionTimeout(attemptTimeout)
                        .socketTimeout(attemptTimeout));
    }

    /** The SQS client of the subscription endpoints: the same region, credentials and timeouts, SQS's endpoint. */
    static SqsClient sqs(QueryConfig c) {
        AwsSettings aws = c.aws().with(AwsSettings.ENDPOINT, c.sqsEndpoint() == null ? null : c.sqsEndpoint().toString());
        return AwsClients.sync(aws,
                SqsClient.builder().overrideConfiguration(o -> o
                        .apiCallTimeout(c.callTimeout())
                        .apiCallAttemptTimeout(c.attemptTimeout())),
                http -> http.connectionTimeout(c.attemptTimeout()).socketTimeout(c.attemptTimeout()));
    }
}
