package com.rglimits.config;

/** A missing or malformed setting; the message names the setting and is fit for a one-line error. */
public class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
