package com.rglimits.sink;

/** A write of {@link LimitsDynamoDbSink} failed in a way that retrying cannot fix: the job fails. */
public class LimitsDynamoDbSinkException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LimitsDynamoDbSinkException(String message, Throwable cause) {
        super(message, cause);
    }
}
