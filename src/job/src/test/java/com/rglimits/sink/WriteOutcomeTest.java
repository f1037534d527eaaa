package com.rglimits.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.InternalServerErrorException;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/** How the writer treats each kind of PutItem failure (exception values, as the SDK builds them). */
class WriteOutcomeTest {
    private static AwsErrorDetails code(String code) {
        return AwsErrorDetails.builder().errorCode(code).errorMessage(code).build();
    }

    @Test
    void aFailedConditionIsAStaleWrite() {
        ConditionalCheckFailedException e = ConditionalCheckFailedException.builder()
                .statusCode(400).awsErrorDetails(code("ConditionalCheckFailedException")).build();

        assertThat(WriteOutcome.of(e)).isEqualTo(WriteOutcome.STALE);
        assertThat(WriteOutcome.of(new CompletionException(e))).isEqualTo(WriteOutcome.STALE);
    }

    @Test
    void throttlingServerErrorsAndNetworkErrorsAreRetried() {
        assertThat(WriteOutcome.of(new CompletionException(ProvisionedThroughputExceededException.builder()
                .statusCode(400).awsErrorDetails(code("ProvisionedThroughputExceededException")).build())))
                .isEqualTo(WriteOutcome.RETRY);
        assertThat(WriteOutcome.of(DynamoDbException.builder()
                .statusCode(400).awsErrorDetails(code("ThrottlingException")).build()))
                .isEqualTo(WriteOutcome.RETRY);
        assertThat(WriteOutcome.of(InternalServerErrorException.builder()
                .statusCode(500).awsErrorDetails(code("InternalServerError")).build()))
                .isEqualTo(WriteOutcome.RETRY);
        assertThat(WriteOutcome.of(DynamoDbException.builder()
                .statusCode(503).awsErrorDetails(code("ServiceUnavailable")).build()))
                .isEqualTo(WriteOutcome.RETRY);
        assertThat(WriteOutcome.of(new CompletionException(SdkClientException.builder()
                .message("Unable to execute HTTP request").cause(new ConnectException("refused")).build())))
                .isEqualTo(WriteOutcome.RETRY);
        assertThat(WriteOutcome.of(ApiCallTimeoutException.create(1000))).isEqualTo(WriteOutcome.RETRY);
        assertThat(WriteOutcome.of(new IOException("reset"))).isEqualTo(WriteOutcome.RETRY);
        // What the SDK reports when every pooled connection is stuck on an unreachable endpoint.
        assertThat(WriteOutcome.of(new CompletionException(SdkClientException.builder()
                .message("Unable to execute HTTP request: Acquire operation took longer than the configured maximum time")
                .cause(new Throwable("Acquire operation took longer than the configured maximum time",
                        new TimeoutException("Acquire operation took longer than 60000 milliseconds.")))
                .build())))
                .isEqualTo(WriteOutcome.RETRY);
    }

    @Test
    void clientErrorsAndMisconfigurationFailTheJob() {
        assertThat(WriteOutcome.of(new CompletionException(ResourceNotFoundException.builder()
                .statusCode(400).awsErrorDetails(code("ResourceNotFoundException")).build())))
                .isEqualTo(WriteOutcome.FATAL);
        assertThat(WriteOutcome.of(DynamoDbException.builder()
                .statusCode(400).awsErrorDetails(code("ValidationException")).build()))
                .isEqualTo(WriteOutcome.FATAL);
        assertThat(WriteOutcome.of(DynamoDbException.builder()
                .statusCode(400).awsErrorDetails(code("AccessDeniedException")).build()))
                .isEqualTo(WriteOutcome.FATAL);
        assertThat(WriteOutcome.of(DynamoDbException.builder()
                .statusCode(400).awsErrorDetails(code("UnrecognizedClientException")).build()))
                .isEqualTo(WriteOutcome.FATAL);
        assertThat(WriteOutcome.of(SdkClientException.create("Unable to load credentials from any provider")))
                .isEqualTo(WriteOutcome.FATAL);
        assertThat(WriteOutcome.of(new IllegalStateException("bug"))).isEqualTo(WriteOutcome.FATAL);
    }
}
