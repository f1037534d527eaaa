package com.rglimits.tools;

/** A tool cannot do what it was asked: the message is a one-line error (several lines for several bad input lines). */
public class ToolException extends RuntimeException {
    public ToolException(String message) {
        super(message);
    }
}
