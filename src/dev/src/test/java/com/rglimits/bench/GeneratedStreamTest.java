package com.rglimits.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.rglimits.event.EventParser;
import com.rglimits.event.LimitEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The index the scale rows' latency probe reads back from a generated eventId, and the sequence numbers
 * of the two numberings.
 */
class GeneratedStreamTest {
    private static final int USERS = 1_000;

    @Test
    void aCompleteStreamCarriesEveryNumberOfAUserAfterItsInitialState() {
        for (GeneratedStream.Shape shape : GeneratedStream.Shape.values()) {
            GeneratedStream stream = new GeneratedStream(USERS, shape, 5, true);
            // Whole blocks of the shuffled shape: 26,000 events, 26 rounds of each user in either shape.
            long positions = shape == GeneratedStream.Shape.SESSIONS ? 13L * stream.positionsPerBlock() : 26_000;
            Map<Integer, List<Long>> numbers = numbersByUser(stream, positions);
            assertThat(numbers).as(shape.name()).hasSize(USERS);
            numbers.forEach((user, seen) -> {
                long last = stream.initialState(user, new GeneratedStream.AsciiWriter()).lastSequence;
                assertThat(seen).as("%s, user %d, after %d", shape, user, last).first().isEqualTo(last + 1);
                for (int i = 1; i < seen.size(); i++) {
                    assertThat(seen.get(i)).as("%s, user %d, after %d", shape, user, seen.get(i - 1))
                            .isEqualTo(seen.get(i - 1) + 1);
                }
            });
        }
    }

    @Test
    void theOtherStreamHasGapsAndTheSameInitialState() {
        GeneratedStream gaps = new GeneratedStream(USERS, GeneratedStream.Shape.PLAIN, 5, false);
        GeneratedStream complete = new GeneratedStream(USERS, GeneratedStream.Shape.PLAIN, 5, true);
        long gapsSeen = 0;
        for (Map.Entry<Integer, List<Long>> e : numbersByUser(gaps, 26_000).entrySet()) {
            List<Long> seen = e.getValue();
            long last = gaps.initialState(e.getKey(), new GeneratedStream.AsciiWriter()).lastSequence;
            assertThat(seen.get(0)).isGreaterThan(last);
            for (int i = 1; i < seen.size(); i++) {
                assertThat(seen.get(i)).isGreaterThan(seen.get(i - 1));
                gapsSeen += seen.get(i) - seen.get(i - 1) - 1;
            }
            assertThat(complete.initialState(e.getKey(), new GeneratedStream.AsciiWriter()))
                    .as("the state both restore").usingRecursiveComparison()
                    .isEqualTo(gaps.initialState(e.getKey(), new GeneratedStream.AsciiWriter()));
        }
        assertThat(gapsSeen).as("numbers the stream leaves out").isGreaterThan(25_000);
    }

    /** Each user's numbers in the stream's first positions, sorted; redeliveries (an earlier record again) left out. */
    private static Map<Integer, List<Long>> numbersByUser(GeneratedStream stream, long positions) {
        Map<Integer, List<Long>> byUser = new HashMap<>();
        GeneratedStream.Cursor cursor = stream.new Cursor();
        GeneratedStream.AsciiWriter w = new GeneratedStream.AsciiWriter();
        Set<Long> taken = new HashSet<>();
        for (long position = 0; position < positions; position++) {
            long g = cursor.eventAt(position);
            if (!taken.add(g)) {
                continue;
            }
            LimitEvent event = EventParser.parse(stream.record(g, w), null, 0).event;
            byUser.computeIfAbsent(stream.userOf(g), u -> new ArrayList<>()).add(event.sequenceNumber);
        }
        byUser.values().forEach(Collections::sort);
        return byUser;
    }
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
