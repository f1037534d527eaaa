package com.rglimits.event;

/** A record that breaks the event contract; the message names the field and what was wrong. */
class InvalidEventException extends Exception {
    /** The record's only fault is a createdAt beyond the bound ahead of the processing time. */
    final boolean createdAtAhead;

    InvalidEventException(String message) {
        this(message, false);
    }

    InvalidEventException(String message, boolean createdAtAhead) {
        super(message, null, false, false);
        this.createdAtAhead = createdAtAhead;
    }
}
