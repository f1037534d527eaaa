package com.rglimits.sink;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/** What a failed conditional PutItem means for the sink. */
enum WriteOutcome {
    /** The table holds this or a newer version: the write is rejected as stale, not retried. */
    STALE,
    /** Throttling, a 5xx or a network problem: send the entry again. */
    RETRY,
    /** Retrying cannot help (missing table, validation, access denied, misconfiguration): fail. */
    FATAL;

    /** Service error codes that are worth retrying even though they come with a 4xx status. */
    private static final Set<String> RETRYABLE_CODES = Set.of(
            "ProvisionedThroughputExceededException",
            "RequestLimitExceeded",
            "ThrottlingException",
            "Throttling",
            "TransactionConflictException",
            "TransactionInProgressException",
            "LimitExceededException");

    static WriteOutcome of(Throwable error) {
        Throwable e = unwrap(error);
        if (e instanceof ConditionalCheckFailedException) {
            return STALE;
        }
        if (e instanceof AwsServiceException) {
            AwsServiceException service = (AwsServiceException) e;
            String code = service.awsErrorDetails() == null ? null : service.awsErrorDetails().errorCode();
            if (service.isThrottlingException()
                    || service.statusCode() >= 500
                    || (code != null && RETRYABLE_CODES.contains(code))) {
                return RETRY;
            }
            return FATAL;
        }
        if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException) {
            return RETRY;
        }
        if (e instanceof SdkClientException) {
            // Network trouble arrives as a client exception caused by an I/O error or a timeout (also
            // waiting for a pooled connection while the endpoint is down); without one it is a
            // misconfiguration (credentials, region, marshalling) that no retry fixes.
            return hasCause(e, IOException.class) || hasCause(e, TimeoutException.class) ? RETRY : FATAL;
        }
        if (e instanceof IOException) {
            return RETRY;
        }
        return FATAL;
    }

    static Throwable unwrap(Throwable error) {
        Throwable e = error;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
