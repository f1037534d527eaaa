package com.rglimits.job;

import com.rglimits.config.ConfigException;
import com.rglimits.config.JobConfig;
import com.rglimits.config.JobOptions;
import com.rglimits.config.RuntimeSettings;
import com.rglimits.kinesis.DeadLetterSinkFactory;
import com.rglimits.kinesis.KinesisSourceFactory;
import com.rglimits.sink.LimitsDynamoDbSink;
import com.rglimits.subscribe.SubscriberConnectors;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The production job: Kinesis in, DynamoDB and a Kinesis dead-letter stream out. Settings come
 * from command-line options (a Flink cluster, docker-compose), a local file in the managed
 * service's shape, or the managed service's runtime properties ({@link RuntimeSettings}).
 */
public final class UserLimitsJob {
    private UserLimitsJob() {}

    public static void main(String[] args) throws Exception {
        JobConfig config = JobConfig.from(RuntimeSettings.load(args));
        if (config.sourceStream() == null || config.dlqStream() == null) {
            throw new ConfigException("the job needs both " + JobOptions.SOURCE_STREAM.key() + " and " + JobOptions.DLQ_STREAM.key());
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        UserLimitsPipeline.configure(env, config);
        UserLimitsPipeline.build(env, KinesisSourceFactory.create(config), LimitsDynamoDbSink.fromConfig(config),
                DeadLetterSinkFactory.create(config), SubscriberConnectors.fromConfig(config, false), config);
        env.execute("user-limits");
    }
}
