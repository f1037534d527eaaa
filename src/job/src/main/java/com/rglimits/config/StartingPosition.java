package com.rglimits.config;

public enum StartingPosition {
    TRIM_HORIZON,
    LATEST,
    AT_TIMESTAMP
}
