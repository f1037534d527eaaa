package com.rglimits.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RecordPublisherTest {
    @Test
    void partitionKeyIsTheUserId() {
        assertThat(RecordPublisher.partitionKey("{\"aggregateId\":\"a\",\"eventId\":\"e\",\"payload\":{\"userId\":\"u\"}}"
                .getBytes(StandardCharsets.UTF_8))).isEqualTo("u");
        assertThat(RecordPublisher.partitionKey("{\"aggregateId\":\"a\",\"eventId\":\"e\"}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("a");
        assertThat(RecordPublisher.partitionKey("{\"eventId\":\"e\",\"payload\":{\"userId\":7}}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("e");
        assertThat(RecordPublisher.partitionKey("{oops".getBytes(StandardCharsets.UTF_8))).startsWith("record-").hasSize(39);
    }
}
