package com.rglimits.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import com.rglimits.config.ConfigReaders;
import com.rglimits.config.JobConfig;
import com.rglimits.localaws.LocalEmulators;
import java.net.URI;
import org.junit.jupiter.api.Test;

class LocalStackPartsTest {
    @Test
    void localStackDefaultsPointTheJobAtTheEmulatorsAndCanBeOverridden() {
        JobConfig config = LocalStack.jobConfig(
                ConfigReaders.fromArgs(new String[] {"--port", "4999", "--shards", "2", "--sqs-port", "9400", "--table.name", "t"}),
                LocalEmulators.awsProperties(URI.create("http://127.0.0.1:4999")), 9400);
        assertThat(config.sourceStream()).isEqualTo(LocalStack.INPUT_STREAM);
        assertThat(config.dlqStream()).isEqualTo(LocalStack.DLQ_STREAM);
        assertThat(config.tableName()).isEqualTo("t");
        assertThat(config.awsProperties().getProperty("aws.endpoint")).isEqualTo("http://127.0.0.1:4999");
        assertThat(config.subscriptionsTable()).isEqualTo("user-limits-subscriptions");
        assertThat(config.sqsEndpoint()).isEqualTo("http://127.0.0.1:9400");
    }
}
