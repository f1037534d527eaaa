package com.rglimits.ordering;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventClockTest {
    private static final long JUMP = 300_000;
    private static final long T0 = 1_672_531_200_000L; // 2023-01-01
    private static final long YEAR = 365L * 24 * 3600 * 1000;
    private static final long NOT_A_JUMP = Long.MIN_VALUE;

    private final EventClock clock = new EventClock(JUMP, 3);

    private long observe(String key, long createdAt) {
        return clock.observe(key, createdAt, false, key + "@" + createdAt, 0);
    }

    @Test
    void noEventTimeUntilThreeKeysHaveBeenSeenThenTheHighestNearTheirCommonTime() {
        assertThat(observe("a", T0 + 100)).isEqualTo(NOT_A_JUMP);
        assertThat(observe("a", T0 + YEAR)).as("a key alone is not judged yet").isEqualTo(NOT_A_JUMP);
        assertThat(observe("b", T0 + 50)).isEqualTo(NOT_A_JUMP);
        assertThat(clock.level()).isEqualTo(Long.MIN_VALUE);
        assertThat(clock.watermark(5_000)).isEqualTo(Long.MIN_VALUE);

        assertThat(observe("c", T0 + 200)).isEqualTo(NOT_A_JUMP);
        // Reference: the third most advanced key, b at T0+50; a's year ahead is beyond the jump bound of it.
        assertThat(clock.level()).isEqualTo(T0 + 200);
        assertThat(clock.watermark(5_000)).isEqualTo(T0 + 200 - 5_000 - 1);
        assertThat(clock.openJumps()).isZero();
    }

    @Test
    void recordsWithinTheBoundMoveEventTimeOneFarAheadDoesNotAndIsRefutedWhenTheStreamMovesOn() {
        bootstrap();
        assertThat(observe("d", T0 + 1_000)).isEqualTo(NOT_A_JUMP);
        assertThat(clock.level()).isEqualTo(T0 + 1_000);
        assertThat(observe("d", T0 + 1_000 + JUMP)).as("exactly the bound ahead moves it").isEqualTo(NOT_A_JUMP);
        assertThat(clock.level()).isEqualTo(T0 + 1_000 + JUMP);

        long level = clock.level();
        assertThat(observe("wrong-clock", level + YEAR)).isEqualTo(level);
        assertThat(clock.level()).isEqualTo(level);
        assertThat(clock.openJumps()).isOne();
        assertThat(clock.takeSettled()).isEmpty();

        // The stream goes on: one step short of the bound beyond where it stood, then the bound.
        observe("a", level + JUMP - 1);
        observe("b", level + JUMP - 1);
        assertThat(clock.takeSettled()).isEmpty();
        observe("c", level + JUMP);
        List<EventClock.Jump> settled = clock.takeSettled();
        assertThat(settled).hasSize(1);
        assertThat(settled.get(0).eventId).isEqualTo("wrong-clock@" + (level + YEAR));
        assertThat(settled.get(0).key).isEqualTo("wrong-clock");
        assertThat(settled.get(0).from).isEqualTo(level);
        assertThat(settled.get(0).confirmed()).isFalse();
        assertThat(clock.level()).isEqualTo(level + JUMP);
        assertThat(clock.openJumps()).isZero();
    }

    @Test
    void manyRecordsOfOneKeyFarAheadNeverMoveEventTime() {
        bootstrap();
        long level = clock.level();
        for (int i = 0; i < 50; i++) {
            assertThat(observe("runaway", level + YEAR + i)).isEqualTo(level);
        }
        assertThat(clock.level()).isEqualTo(level);
        assertThat(clock.openJumps()).isEqualTo(50);
    }

    @Test
    void afterAQuietSpellTheFirstRecordsOfThreeKeysConfirmEachOther() {
        bootstrap();
        long level = clock.level();
        long later = level + 8 * 3600 * 1000; // eight hours later
        assertThat(observe("a", later)).isEqualTo(level);
        assertThat(observe("b", later + 10)).isEqualTo(level);
        assertThat(clock.takeSettled()).isEmpty();
        assertThat(observe("c", later + 5)).as("the third key confirms: no longer a jump").isEqualTo(NOT_A_JUMP);
        List<EventClock.Jump> settled = clock.takeSettled();
        assertThat(settled).extracting(j -> j.eventId).containsExactly("a@" + later, "b@" + (later + 10));
        assertThat(settled).allMatch(EventClock.Jump::confirmed);
        assertThat(clock.level()).isEqualTo(later + 10);
    }

    @Test
    void aJumpWithinTwiceTheBoundIsConfirmedWhenTheStreamCatchesUp() {
        bootstrap();
        long level = clock.level();
        assertThat(observe("early", level + JUMP + 60_000)).isEqualTo(level);
        observe("a", level + 30_000);
        assertThat(clock.takeSettled()).isEmpty();
        observe("b", level + 60_000);
        assertThat(clock.takeSettled()).singleElement().matches(EventClock.Jump::confirmed);
        assertThat(clock.level()).isEqualTo(level + JUMP + 60_000);
    }

    @Test
    void aRecordCurrentByTheWallClockMovesEventTimeAtOnce() {
        long now = T0 + YEAR;
        assertThat(clock.observe("a", now, true, "e1", now)).isEqualTo(NOT_A_JUMP);
        assertThat(clock.level()).isEqualTo(now);
        bootstrap();
        assertThat(clock.level()).isEqualTo(now);
    }

    @Test
    void recordsOfOtherTypesMoveEventTimeAndTheirJumpsAreSettledWithoutAVerdict() {
        bootstrap();
        long level = clock.level();
        assertThat(clock.observe("x", level + YEAR, false, null, 0)).isEqualTo(level);
        assertThat(clock.drain()).isEmpty();
        assertThat(clock.openJumps()).isZero();
    }

    @Test
    void theEndOfTheInputAndAgeRefuteOpenJumps() {
        bootstrap();
        long level = clock.level();
        clock.observe("x", level + YEAR, false, "old", 1_000);
        clock.observe("y", level + YEAR, false, "new", 5_000);
        assertThat(clock.refuteArrivedBefore(2_000)).extracting(j -> j.eventId).containsExactly("old");
        assertThat(clock.drain()).extracting(j -> j.eventId).containsExactly("new");
        assertThat(clock.openJumps()).isZero();
    }

    @Test
    void openJumpsAreBoundedTheOldestRefutedFirst() {
        bootstrap();
        long level = clock.level();
        for (int i = 0; i <= EventClock.MAX_OPEN_JUMPS; i++) {
            clock.observe("runaway", level + YEAR, false, "e" + i, 0);
        }
        assertThat(clock.openJumps()).isEqualTo(EventClock.MAX_OPEN_JUMPS);
        assertThat(clock.takeSettled()).extracting(j -> j.eventId).containsExactly("e0");
    }

    @Test
    void theSameRecordsGiveTheSameClockAfterAWriteAndARead() throws IOException {
        bootstrap();
        long level = clock.level();
        String oddKey = "user-\uD800-" + "k".repeat(70_000);
        clock.observe(oddKey, level + YEAR, false, "e-\uDFFF", 7);
        clock.observe(null, level + 10, false, null, 8);

        EventClock restored = EventClock.read(new DataInputStream(new ByteArrayInputStream(bytes(clock))), JUMP, 3);
        assertThat(bytes(restored)).isEqualTo(bytes(clock));
        assertThat(restored.level()).isEqualTo(clock.level());
        assertThat(restored.records()).isEqualTo(clock.records());
        assertThat(restored.drain()).singleElement().satisfies(j -> {
            assertThat(j.key).isEqualTo(oddKey);
            assertThat(j.eventId).isEqualTo("e-\uDFFF");
            assertThat(j.arrivedAt).isEqualTo(7);
        });

        EventClock fewerKeys = EventClock.read(new DataInputStream(new ByteArrayInputStream(bytes(clock))), JUMP, 1);
        assertThat(fewerKeys.level()).isEqualTo(clock.level());
        assertThat(fewerKeys.openJumps()).isOne();
    }

    private void bootstrap() {
        observe("a", T0);
        observe("b", T0);
        observe("c", T0);
        clock.takeSettled();
    }

    private static byte[] bytes(EventClock c) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        c.write(new DataOutputStream(b));
        return b.toByteArray();
    }
}
