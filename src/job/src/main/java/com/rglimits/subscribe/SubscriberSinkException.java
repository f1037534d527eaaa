package com.rglimits.subscribe;

/** The SQS sink cannot go on: the job fails and restarts from its last checkpoint. */
public class SubscriberSinkException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SubscriberSinkException(String message, Throwable cause) {
        super(message, cause);
    }
}
