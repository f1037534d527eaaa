package com.rglimits.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The index the scale rows' latency probe reads back from a generated eventId. */
class GeneratedStreamTest {
    @Test
    void anEventIdCarriesItsRecordsIndex() {
        for (long g : new long[] {0, 1, 15, 16, 4_095, 123_456_789L, (1L << 48) - 1}) {
            assertThat(GeneratedStream.indexOf(eventId(g, 7))).as("index %d", g).isEqualTo(g);
        }
    }

    @Test
    void anEventIdNotMadeHereHasNoIndex() {
        assertThat(GeneratedStream.indexOf(null)).isEqualTo(-1);
        assertThat(GeneratedStream.indexOf("0a1b2c3d-0000-4000-8000-00000000001")).as("35 characters").isEqualTo(-1);
        assertThat(GeneratedStream.indexOf("0a1b2c3d-0000-4000-8000-00000000001g")).as("not hex").isEqualTo(-1);
    }

    private static String eventId(long g, int user) {
        GeneratedStream.AsciiWriter w = new GeneratedStream.AsciiWriter();
        w.eventId(g, user);
        return new String(w.toBytes(), StandardCharsets.US_ASCII);
    }
}
