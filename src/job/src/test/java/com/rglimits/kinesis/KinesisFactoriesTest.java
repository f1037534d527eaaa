package com.rglimits.kinesis;

import com.rglimits.aws.AwsSettings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rglimits.config.ConfigException;
import com.rglimits.config.JobConfig;
import com.rglimits.config.JobOptions;
import com.rglimits.config.Settings;
import com.rglimits.deadletter.DeadLetter;
import com.rglimits.deadletter.DeadLetterReason;
import com.rglimits.event.ParsedRecord;
import com.rglimits.event.RecordSource;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kinesis.source.KinesisStreamsSource;
import org.apache.flink.connector.kinesis.source.config.KinesisStreamsSourceConfigConstants.InitialPosition;
import org.apache.flink.connector.kinesis.source.config.KinesisStreamsSourceConfigConstants;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.core.SdkBytes;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.Record;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

class KinesisFactoriesTest {
    private static final String ARN = "arn:aws:kinesis:eu-west-1:123456789012:stream/user-limit-events";

    private static JobConfig config(String... keyValues) {
        Map<String, String> values = new HashMap<>();
        values.put(JobOptions.SOURCE_STREAM.key(), ARN);
        for (int i = 0; i < keyValues.length; i += 2) {
            values.put(keyValues[i], keyValues[i + 1]);
        }
        return JobConfig.from(new Settings(values, k -> "'" + k + "'"));
    }

    @Test
    void streamNamesAndArns() {
        assertThat(KinesisStreams.isArn(ARN)).isTrue();
        assertThat(KinesisStreams.isArn("user-limit-events")).isFalse();
        assertThat(KinesisStreams.nameOf(ARN)).isEqualTo("user-limit-events");
        assertThat(KinesisStreams.nameOf("plain")).isEqualTo("plain");
        assertThat(KinesisStreams.resolveArn(null, ARN)).isEqualTo(ARN);
        assertThatThrownBy(() -> KinesisStreams.nameOf("arn:aws:s3:::bucket")).isInstanceOf(ConfigException.class);
    }

    @Test
    void sourceConfigCarriesAwsSettingsAndStartingPosition() {
        Configuration c = KinesisSourceFactory.sourceConfig(config(
                "aws.region", "eu-west-1", "aws.endpoint", "http://localhost:1", "source.initpos", "at_timestamp",
                "source.initpos.timestamp", "1718000000123"));
        assertThat(c.getString("aws.region", null)).isEqualTo("eu-west-1");
        assertThat(c.getString("aws.endpoint", null)).isEqualTo("http://localhost:1");
        assertThat(c.get(KinesisStreamsSourceConfigConstants.STREAM_INITIAL_POSITION)).isEqualTo(InitialPosition.AT_TIMESTAMP);
        assertThat(c.get(KinesisStreamsSourceConfigConstants.STREAM_INITIAL_TIMESTAMP)).isEqualTo("1718000000.123");

        assertThat(KinesisSourceFactory.sourceConfig(config()).get(KinesisStreamsSourceConfigConstants.STREAM_INITIAL_POSITION))
                .isEqualTo(InitialPosition.TRIM_HORIZON);
        assertThat(KinesisSourceFactory.sourceConfig(config("source.initpos", "LATEST"))
                .get(KinesisStreamsSourceConfigConstants.STREAM_INITIAL_POSITION)).isEqualTo(InitialPosition.LATEST);
    }

    @Test
    void sourceFromAnArnNeedsNoCallToKinesis() {
        KinesisStreamsSource<ParsedRecord> source = KinesisSourceFactory.create(config("aws.region", "eu-west-1"));
        assertThat(source).isNotNull();
    }

    @Test
    void deserializationParsesOnceAndSaysWhereTheRecordCameFrom() throws Exception {
        ParsingDeserializationSchema schema = new ParsingDeserializationSchema(JobOptions.MAX_AHEAD.defaultValue().toMillis());
        List<ParsedRecord> out = new ArrayList<>();
        Collector<ParsedRecord> collector = new Collector<>() {
            @Override
            public void collect(ParsedRecord record) {
                out.add(record);
            }

            @Override
            public void close() {}
        };
        schema.deserialize(record("{not json", "4960001"), ARN, "shardId-000000000003", collector);
        schema.deserialize(record("{\"eventId\":\"e1\",\"type\":\"LIMIT_USER_CREATED\",\"createdAt\":5}", "4960002"),
                ARN, "shardId-000000000001", collector);

        assertThat(out).hasSize(2);
        assertThat(out.get(0).kind).isEqualTo(ParsedRecord.Kind.INVALID);
        assertThat(out.get(0).invalid.source)
                .isEqualTo(RecordSource.kinesis("user-limit-events", "shardId-000000000003", "4960001"));
        assertThat(new String(out.get(0).invalid.record, StandardCharsets.UTF_8)).isEqualTo("{not json");
        assertThat(out.get(1).kind).isEqualTo(ParsedRecord.Kind.SKIPPED);
        assertThat(out.get(1).eventTime()).isEqualTo(5);
        assertThat(schema.getProducedType().getTypeClass()).isEqualTo(ParsedRecord.class);
    }

    @Test
    void deadLetterPartitionKeys() {
        DeadLetter d = new DeadLetter();
        d.reason = DeadLetterReason.INVALID_EVENT;
        d.record = "x".getBytes(StandardCharsets.UTF_8);
        assertThat(DeadLetterSinkFactory.partitionKey(d)).startsWith("record-").hasSize("record-".length() + 64);
        d.eventId = "ev-1";
        assertThat(DeadLetterSinkFactory.partitionKey(d)).isEqualTo("ev-1");
        d.userId = "u".repeat(300);
        assertThat(DeadLetterSinkFactory.partitionKey(d)).hasSize(256);
    }

    @Test
    void deadLetterSinkNeedsItsStream() {
        assertThatThrownBy(() -> DeadLetterSinkFactory.create(config())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("dlq.stream");
        assertThat(DeadLetterSinkFactory.create(config("dlq.stream", "dead-letters", "aws.region", "eu-west-1"))).isNotNull();
    }

    private static Record record(String data, String sequenceNumber) {
        return Record.builder()
                .data(SdkBytes.fromUtf8String(data))
                .sequenceNumber(sequenceNumber)
                .partitionKey("k")
                .approximateArrivalTimestamp(Instant.ofEpochMilli(1))
                .build();
    }
}
