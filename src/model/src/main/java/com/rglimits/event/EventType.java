package com.rglimits.event;

/** The envelope types the job processes; every other type on the stream is skipped. */
public enum EventType {
    USER_LIMIT_CREATED,
    USER_LIMIT_PROGRESS_CHANGED,
    USER_LIMIT_RESET
}
