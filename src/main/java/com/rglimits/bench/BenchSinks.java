package com.rglimits.bench;

import com.rglimits.config.JobConfig;
import com.rglimits.limit.UserLimit;
import com.rglimits.table.LimitItems;
import java.io.Serializable;
import java.util.List;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import org.apache.flink.connector.dynamodb.sink.DynamoDbSink;
import org.apache.flink.connector.dynamodb.sink.DynamoDbWriteRequest;
import org.apache.flink.connector.dynamodb.sink.DynamoDbWriteRequestType;
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

    /**
     * The limits sink of the DynamoDB scenario: the job's real DynamoDB sink.
     *
     * <p>{@code com.rglimits.sink.LimitsDynamoDbSink} (conditional PutItem) is not on this branch
     * yet. On merge, the one line marked SWAP becomes
     * {@code return com.rglimits.sink.LimitsDynamoDbSink.fromConfig(config);}, and
     * {@link #standInDynamoDbSink} and {@link LimitItemConverter} are deleted.
     */
    static Sink<UserLimit> dynamoDb(JobConfig config) {
        return standInDynamoDbSink(config); // SWAP on merge: return com.rglimits.sink.LimitsDynamoDbSink.fromConfig(config);
    }

    /**
     * STAND-IN until LimitsDynamoDbSink is merged: Flink's stock {@code DynamoDbSink}
     * (BatchWriteItem of unconditional PUTs, at most 25 per batch) with {@link LimitItems#toItem}.
     * One request in flight: with several, an older PUT can land after a newer one for the same
     * limit (docs/PLATFORM facts; the benchmark's cross-check caught it: 16 of 400 items stale in a
     * 2,000-event run with 8 in flight). The real sink's conditional writes do not have that problem.
     */
    static Sink<UserLimit> standInDynamoDbSink(JobConfig config) {
        return DynamoDbSink.<UserLimit>builder()
                .setTableName(config.tableName())
                .setDynamoDbProperties(config.awsProperties())
                .setElementConverter(new LimitItemConverter())
                .setOverwriteByPartitionKeys(List.of(LimitItems.USER_ID, LimitItems.USER_LIMIT_ID))
                .setMaxBatchSize(Math.min(25, config.sinkMaxBatchSize()))
                .setMaxInFlightRequests(1)
                .setFailOnError(true)
                .build();
    }

    /** STAND-IN only (see {@link #standInDynamoDbSink}): a limit as an unconditional PUT of its item. */
    static final class LimitItemConverter implements ElementConverter<UserLimit, DynamoDbWriteRequest> {
        private static final long serialVersionUID = 1L;

        @Override
        public DynamoDbWriteRequest apply(UserLimit limit, SinkWriter.Context context) {
            return DynamoDbWriteRequest.builder()
                    .setType(DynamoDbWriteRequestType.PUT)
                    .setItem(LimitItems.toItem(limit))
                    .build();
        }
    }
}
