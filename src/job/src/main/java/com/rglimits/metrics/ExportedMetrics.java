package com.rglimits.metrics;

import org.apache.flink.metrics.MetricGroup;

/**
 * Amazon Managed Service for Apache Flink publishes to CloudWatch (namespace
 * {@code AWS/KinesisAnalytics}) only the custom metrics registered under a metric group named
 * {@value #GROUP}; key/value groups below it become CloudWatch dimensions. The job registers each
 * operator metric twice, with the same metric object: under its own group (Flink web UI, other
 * reporters) and under this one.
 */
public final class ExportedMetrics {
    public static final String GROUP = "kinesisanalytics";

    private ExportedMetrics() {}

    public static MetricGroup group(MetricGroup parent) {
        return parent.addGroup(GROUP);
    }
}
