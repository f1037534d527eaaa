package com.rglimits.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import com.rglimits.event.EventParser;
import com.rglimits.event.ParsedRecord;
import com.rglimits.event.RecordSource;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DeadLetterTest {
    @Test
    void aRejectedRecordBecomesAnInvalidEventWithEverythingTheParserRead() {
        byte[] raw = ("{\"eventId\":\"e9\",\"type\":\"USER_LIMIT_CREATED\",\"aggregateId\":\"u7\",\"sequenceNumber\":12,"
                + "\"createdAt\":\"yesterday\"}").getBytes(StandardCharsets.UTF_8);
        RecordSource source = RecordSource.fileLine("events.ndjson", 3);
        ParsedRecord parsed = EventParser.parse(raw, source, 1_718_000_000_000L);

        DeadLetter d = DeadLetter.invalidEvent(parsed.invalid);

        assertThat(d.reason).isEqualTo(DeadLetterReason.INVALID_EVENT);
        assertThat(d.error).isEqualTo(parsed.invalid.error).startsWith("field 'createdAt'");
        assertThat(d.record).isEqualTo(raw);
        assertThat(d.eventId).isEqualTo("e9");
        assertThat(d.type).isEqualTo("USER_LIMIT_CREATED");
        assertThat(d.userId).isEqualTo("u7");
        assertThat(d.sequenceNumber).isEqualTo(12L);
        assertThat(d.source).isEqualTo(source);
        assertThat(d.deadLetteredAt).as("when the parser refused it").isEqualTo(1_718_000_000_000L);
    }
}
