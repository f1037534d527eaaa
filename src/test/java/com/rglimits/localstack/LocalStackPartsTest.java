package com.rglimits.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import com.rglimits.config.ConfigReaders;
import com.rglimits.config.JobConfig;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class LocalStackPartsTest {
    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void frontTurnsStreamArnIntoStreamName() {
        String body = "{\"StreamARN\":\"arn:aws:kinesis:us-east-1:000000000000:stream/events\",\"Limit\":5}";
        assertThat(text(EmulatorFront.rewrite(body.getBytes(StandardCharsets.UTF_8), "application/x-amz-json-1.1")))
                .isEqualTo("{\"Limit\":5,\"StreamName\":\"events\"}");
        assertThat(text(EmulatorFront.rewrite("{\"StreamName\":\"s\"}".getBytes(StandardCharsets.UTF_8), "application/x-amz-json-1.1")))
                .isEqualTo("{\"StreamName\":\"s\"}");
        byte[] cbor = {(byte) 0xbf, 1, 2};
        assertThat(EmulatorFront.rewrite(cbor, "application/x-amz-cbor-1.1")).isSameAs(cbor);
    }

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
