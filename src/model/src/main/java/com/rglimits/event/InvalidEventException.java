package com.rglimits.event;

/** A record that breaks the event contract; the message names the field and what was wrong. */
class InvalidEventException extends Exception {
    InvalidEventException(String message) {
        super(message, null, false, false);
    }
}
