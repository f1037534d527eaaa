package com.rglimits.bench;

import com.rglimits.config.JobConfig;
import com.rglimits.limit.UserLimit;
import com.rglimits.sink.LimitsDynamoDbSink;
import java.io.Serializable;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/** The limits sinks the job scenarios write to. */
final class BenchSinks {
    private BenchSinks() {}

    /** Builds the limits sink of one scenario from the job's config. */
    @FunctionalInterface
    interface SinkFactory extends Serializable {
        Sink<UserLimit> create(JobConfig config);
    }

    static Sink<UserLimit> discarding(JobConfig config) {
        return new DiscardingSink<>();
    }

    /** The limits sink of the DynamoDB scenario: the job's real, conditional DynamoDB sink. */
    static Sink<UserLimit> dynamoDb(JobConfig config) {
        return LimitsDynamoDbSink.fromConfig(config);
    }
}
