package com.rglimits.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rglimits.event.RecordSource;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class DeadLetterJsonTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void writesEveryFieldOfTheSpec() throws Exception {
        DeadLetter d = new DeadLetter();
        d.reason = DeadLetterReason.LATE_EVENT;
        d.error = "late";
        d.record = "{\"eventId\":\"e1\"}".getBytes(StandardCharsets.UTF_8);
        d.eventId = "e1";
        d.type = "USER_LIMIT_RESET";
        d.userId = "u1";
        d.sequenceNumber = 9L;
        d.source = RecordSource.kinesis("limits-in", "shardId-000000000002", "49590338271490256608559692538361571095921575989136588898");
        d.deadLetteredAt = 1_718_000_000_000L;

        JsonNode json = MAPPER.readTree(DeadLetterJson.toJson(d));

        assertThat(json.get("reason").asText()).isEqualTo("LATE_EVENT");
        assertThat(json.get("error").asText()).isEqualTo("late");
        assertThat(json.get("record").asText()).isEqualTo("{\"eventId\":\"e1\"}");
        assertThat(json.has("recordBase64")).isFalse();
        assertThat(json.get("eventId").asText()).isEqualTo("e1");
        assertThat(json.get("type").asText()).isEqualTo("USER_LIMIT_RESET");
        assertThat(json.get("userId").asText()).isEqualTo("u1");
        assertThat(json.get("sequenceNumber").asLong()).isEqualTo(9L);
        assertThat(json.get("source").get("stream").asText()).isEqualTo("limits-in");
        assertThat(json.get("source").get("shardId").asText()).isEqualTo("shardId-000000000002");
        assertThat(json.get("source").get("sequenceNumber").asText()).startsWith("4959");
        assertThat(json.get("deadLetteredAt").asLong()).isEqualTo(1_718_000_000_000L);
    }

    @Test
    void recordThatIsNotUtf8IsWrittenAsBase64AndUnknownFieldsAreLeftOut() throws Exception {
        DeadLetter d = new DeadLetter();
        d.reason = DeadLetterReason.INVALID_EVENT;
        d.error = "record is not valid JSON";
        d.record = new byte[] {(byte) 0xff, (byte) 0xfe, 'x'};
        d.source = RecordSource.fileLine("events.ndjson", 3);

        JsonNode json = MAPPER.readTree(DeadLetterJson.toJson(d));

        assertThat(json.has("record")).isFalse();
        assertThat(Base64.getDecoder().decode(json.get("recordBase64").asText())).isEqualTo(d.record);
        assertThat(json.has("eventId")).isFalse();
        assertThat(json.has("sequenceNumber")).isFalse();
        assertThat(json.get("source").get("file").asText()).isEqualTo("events.ndjson");
        assertThat(json.get("source").get("line").asLong()).isEqualTo(3L);
    }
}
