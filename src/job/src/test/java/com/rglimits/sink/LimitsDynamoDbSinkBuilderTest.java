package com.rglimits.sink;

import com.rglimits.aws.AwsSettings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rglimits.config.JobConfig;
import com.rglimits.config.Settings;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.connector.base.sink.writer.config.AsyncSinkWriterConfiguration;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

class LimitsDynamoDbSinkBuilderTest {
    private static Properties aws() {
        Properties p = new Properties();
        p.setProperty("aws.region", "eu-west-1");
        p.setProperty("aws.credentials.provider", "BASIC");
        p.setProperty("aws.credentials.provider.basic.accesskeyid", "id");
        p.setProperty("aws.credentials.provider.basic.secretkey", "secret");
        return p;
    }

    @Test
    void defaults() {
        LimitsDynamoDbSink sink = LimitsDynamoDbSink.builder().tableName("t").awsProperties(aws()).build();
        AsyncSinkWriterConfiguration c = sink.writerConfiguration();

        assertThat(sink.tableName()).isEqualTo("t");
        assertThat(c.getMaxBatchSize()).isEqualTo(25);
        assertThat(c.getMaxInFlightRequests()).isEqualTo(8);
        assertThat(c.getMaxBufferedRequests()).isEqualTo(1_000);
        assertThat(c.getMaxBatchSizeInBytes()).isEqualTo(16L * 1024 * 1024);
        assertThat(c.getMaxTimeInBufferMS()).isEqualTo(20);
        assertThat(c.getMaxRecordSizeInBytes()).isEqualTo(400 * 1024);
    }

    @Test
    void theStandardSettersOfFlinksBuilderOverrideTheDefaults() {
        AsyncSinkWriterConfiguration c = LimitsDynamoDbSink.builder().tableName("t").awsProperties(aws())
                .setMaxBatchSize(10).setMaxInFlightRequests(2).setMaxBufferedRequests(50)
                .setMaxBatchSizeInBytes(1024 * 1024).setMaxTimeInBufferMS(7).setMaxRecordSizeInBytes(200 * 1024)
                .build().writerConfiguration();

        assertThat(c.getMaxBatchSize()).isEqualTo(10);
        assertThat(c.getMaxInFlightRequests()).isEqualTo(2);
        assertThat(c.getMaxBufferedRequests()).isEqualTo(50);
        assertThat(c.getMaxBatchSizeInBytes()).isEqualTo(1024 * 1024);
        assertThat(c.getMaxTimeInBufferMS()).isEqualTo(7);
        assertThat(c.getMaxRecordSizeInBytes()).isEqualTo(200 * 1024);
    }

    @Test
    void fromConfigTakesTableAwsSettingsBatchSizeAndRequestsInFlight() throws Exception {
        JobConfig config = JobConfig.from(new Settings(Map.of(
                "source.file", "events.json",
                "table.name", "limits-prod",
                "sink.max-batch-size", "200",
                "sink.max-in-flight", "3",
                "sink.merge.window.ms", "750",
                "sink.merge.max-limits", "123",
                "sink.merge.max-window.ms", "9000",
                "ordering.out-of-orderness.ms", "2000",
                "aws.region", "eu-west-1",
                "aws.endpoint", "http://localhost:1"), key -> key));

        LimitsDynamoDbSink sink = LimitsDynamoDbSink.fromConfig(config);
        AsyncSinkWriterConfiguration c = sink.writerConfiguration();

        assertThat(sink.tableName()).isEqualTo("limits-prod");
        assertThat(c.getMaxBatchSize()).isEqualTo(200);
        assertThat(c.getMaxInFlightRequests()).isEqualTo(3);
        assertThat(c.getMaxBufferedRequests()).isGreaterThan(200);
        assertThat(config.sinkMergeWindowMs()).isEqualTo(750);
        assertThat(config.sinkMergeMaxLimits()).isEqualTo(123);
        assertThat(config.sinkMergeMaxWindowMs()).isEqualTo(9000);
        // Live: the ordering hold plus a second of delivery.
        assertThat(sink).extracting("mergeWindowMs", "mergeMaxWindowMs", "mergeLiveLagMs", "mergeMaxLimits")
                .containsExactly(750L, 9000L, 3000L, 123);
        // The sink travels to the task managers with the job graph.
        assertThat(InstantiationUtil.clone(sink).tableName()).isEqualTo("limits-prod");
    }

    @Test
    void rejectsBadSettingsWhenTheJobIsBuilt() {
        assertThatThrownBy(() -> LimitsDynamoDbSink.builder().awsProperties(aws()).build())
                .hasMessageContaining("table name");
        assertThatThrownBy(() -> LimitsDynamoDbSink.builder().tableName("t").awsProperties(aws())
                .setMaxBatchSize(50).setMaxBufferedRequests(50).build())
                .hasMessageContaining("maxBufferedRequests");
        assertThatThrownBy(() -> LimitsDynamoDbSink.builder().tableName("t").setMaxInFlightRequests(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxInFlightRequests must be positive, got 0");
        assertThatThrownBy(() -> LimitsDynamoDbSink.builder().tableName("t").setMaxBatchSizeInBytes(1024).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxBatchSizeInBytes (1024) must be at least maxRecordSizeInBytes (409600)");

        Properties badRegion = aws();
        badRegion.setProperty("aws.region", "moon-1");
        assertThatThrownBy(() -> LimitsDynamoDbSink.builder().tableName("t").awsProperties(badRegion).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("region");

        Properties basicWithoutKeys = aws();
        basicWithoutKeys.remove("aws.credentials.provider.basic.secretkey");
        assertThatThrownBy(() -> LimitsDynamoDbSink.builder().tableName("t").awsProperties(basicWithoutKeys).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("aws.credentials.provider.basic.secretkey is required with aws.credentials.provider BASIC");
    }
}
