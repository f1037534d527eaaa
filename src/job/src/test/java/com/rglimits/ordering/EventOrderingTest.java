package com.rglimits.ordering;

import static org.assertj.core.api.Assertions.assertThat;

import com.rglimits.event.LimitEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventOrderingTest {
    private static final long HOLD = 30_000;

    static LimitEvent event(String id, long seq, long createdAt) {
        LimitEvent e = new LimitEvent();
        e.eventId = id;
        e.userId = "u";
        e.sequenceNumber = seq;
        e.createdAt = createdAt;
        return e;
    }

    /** An event that arrived ahead of the watermark. */
    private static HeldEvent e(String id, long seq, long createdAt, long arrivedAt) {
        return EventOrdering.arriving(event(id, seq, createdAt), arrivedAt, Long.MIN_VALUE, 0, false);
    }

    private static List<String> ids(List<LimitEvent> events) {
        return events.stream().map(x -> x.eventId).collect(java.util.stream.Collectors.toList());
    }

    private static List<String> heldIds(List<HeldEvent> events) {
        return events.stream().map(x -> x.event().eventId).collect(java.util.stream.Collectors.toList());
    }

    private static HeldEvent jump(String id, long seq, long createdAt, long arrivedAt) {
        LimitEvent e = event(id, seq, createdAt);
        e.jumpedFrom = 0L;
        return EventOrdering.arriving(e, arrivedAt, Long.MIN_VALUE, 0, false);
    }

    @Test
    void anUnconfirmedJumpIsNotReleasedWithALaterDueEventNorByTheBound() {
        List<HeldEvent> held = List.of(jump("jump", 1, 900_000, 0), e("due", 2, 100, 0));
        Release r = EventOrdering.release(held, 100, 0, HOLD, Long.MIN_VALUE);
        assertThat(ids(r.due())).containsExactly("due");
        assertThat(heldIds(r.kept())).containsExactly("jump");
        assertThat(r.expired()).isEmpty();

        Release stoodStill = EventOrdering.release(List.of(jump("jump", 1, 900_000, 0)), 100, HOLD, HOLD, Long.MIN_VALUE);
        assertThat(stoodStill.due()).isEmpty();
        assertThat(ids(stoodStill.expired())).as("expired: the stream never confirmed it").containsExactly("jump");
    }

    @Test
    void theWatermarkReleasesAJumpItPassedAndTheFinalOneExpiresIt() {
        assertThat(ids(EventOrdering.release(List.of(jump("jump", 1, 900_000, 0)), 900_000, 0, HOLD, Long.MIN_VALUE).due()))
                .containsExactly("jump");
        Release end = EventOrdering.release(List.of(jump("jump", 1, 900_000, 0)), Long.MAX_VALUE, 0, HOLD, Long.MIN_VALUE);
        assertThat(end.due()).isEmpty();
        assertThat(ids(end.expired())).containsExactly("jump");
    }

    @Test
    void anUnboundedHoldNeverEndsAndNeverOverflows() {
        HeldEvent h = e("a", 1, 100, 5_000);
        assertThat(EventOrdering.holdDeadline(h, Long.MAX_VALUE, 7_000)).isEqualTo(Long.MAX_VALUE);
        assertThat(EventOrdering.release(List.of(h), 99, Long.MAX_VALUE - 1, Long.MAX_VALUE, 7_000).due()).isEmpty();
    }

    @Test
    void releasesEventsTheWatermarkPassedInSequenceOrder() {
        List<HeldEvent> held = List.of(e("c", 3, 300, 0), e("a", 1, 100, 0), e("late-time", 4, 900, 0), e("b", 2, 200, 0));
        Release r = EventOrdering.release(held, 300, 0, HOLD, Long.MIN_VALUE);
        assertThat(ids(r.due())).containsExactly("a", "b", "c");
        assertThat(heldIds(r.kept())).containsExactly("late-time");
    }

    @Test
    void keepsEverythingBeforeTheWatermarkArrives() {
        List<HeldEvent> held = List.of(e("a", 1, 100, 0));
        Release r = EventOrdering.release(held, 99, 0, HOLD, Long.MIN_VALUE);
        assertThat(r.due()).isEmpty();
        assertThat(heldIds(r.kept())).containsExactly("a");
    }

    @Test
    void releasesOnTheProcessingTimeBoundWhenTheWatermarkStalls() {
        List<HeldEvent> held = List.of(e("old", 1, 100, 1_000), e("new", 2, 200, 20_000));
        Release r = EventOrdering.release(held, Long.MIN_VALUE, 1_000 + HOLD, HOLD, Long.MIN_VALUE);
        assertThat(ids(r.due())).containsExactly("old");
        assertThat(heldIds(r.kept())).containsExactly("new");
    }

    @Test
    void timeBeforeThisInstanceStartedDoesNotCountAsHeld() {
        List<HeldEvent> held = List.of(e("restored", 1, 100, 1_000));
        long restartedAt = 500_000;
        assertThat(EventOrdering.release(held, Long.MIN_VALUE, restartedAt + 1, HOLD, restartedAt).due()).isEmpty();
        assertThat(ids(EventOrdering.release(held, Long.MIN_VALUE, restartedAt + HOLD, HOLD, restartedAt).due()))
                .containsExactly("restored");
    }

    @Test
    void theBoundCountsFromTheLastMoveOfTheWatermark() {
        List<HeldEvent> held = List.of(e("a", 1, 100, 1_000));
        long movedAt = 20_000;
        assertThat(EventOrdering.release(held, 50, 1_000 + HOLD, HOLD, movedAt).due()).isEmpty();
        assertThat(ids(EventOrdering.release(held, 50, movedAt + HOLD, HOLD, movedAt).due())).containsExactly("a");
    }

    @Test
    void aSmallerSequenceIsReleasedWithALargerDueOneRatherThanMadeLate() {
        List<HeldEvent> held = List.of(e("seq5", 5, 100, 0), e("seq4", 4, 500, 0));
        Release r = EventOrdering.release(held, 100, 0, HOLD, Long.MIN_VALUE);
        assertThat(ids(r.due())).containsExactly("seq4", "seq5");
        assertThat(r.kept()).isEmpty();
    }

    @Test
    void tiesOnSequenceGoBySmallerCreatedAtThenArrival() {
        List<HeldEvent> held = List.of(e("second-arrival", 7, 100, 0), e("later-time", 7, 150, 0),
                e("first-time", 7, 50, 0));
        Release r = EventOrdering.release(held, 1_000, 0, HOLD, Long.MIN_VALUE);
        assertThat(ids(r.due())).containsExactly("first-time", "second-arrival", "later-time");
    }

    @Test
    void equalSequenceAndTimeKeepArrivalOrder() {
        List<HeldEvent> held = List.of(e("x", 7, 100, 0), e("y", 7, 100, 0), e("z", 7, 100, 0));
        assertThat(ids(EventOrdering.release(held, 100, 0, HOLD, Long.MIN_VALUE).due())).containsExactly("x", "y", "z");
    }

    @Test
    void anEventArrivingBehindTheWatermarkWaitsTheArrivalHoldAndIsAppliedInOrderWithItsNeighbours() {
        long arrival = 10_000;
        HeldEvent seq3 = EventOrdering.arriving(event("seq3", 3, 300), arrival, 1_000, 2_000, false);
        HeldEvent seq1 = EventOrdering.arriving(event("seq1", 1, 100), arrival + 500, 1_000, 2_000, false);
        assertThat(seq3.notBefore()).isEqualTo(arrival + 2_000);
        List<HeldEvent> held = List.of(seq3, seq1);
        assertThat(EventOrdering.release(held, 1_000, arrival + 1_999, HOLD, arrival).due()).isEmpty();
        Release r = EventOrdering.release(held, 1_000, arrival + 2_000, HOLD, arrival);
        assertThat(ids(r.due())).containsExactly("seq1", "seq3");
    }

    @Test
    void anEventArrivingAheadOfTheWatermarkHasNoArrivalHold() {
        HeldEvent h = EventOrdering.arriving(event("a", 1, 2_000), 10_000, 1_000, 2_000, false);
        assertThat(h.notBefore()).isEqualTo(10_000);
        assertThat(ids(EventOrdering.release(List.of(h), 2_000, 10_000, HOLD, 10_000).due())).containsExactly("a");
    }

    @Test
    void theFinalWatermarkReleasesEverythingArrivalHoldOrNot() {
        HeldEvent h = EventOrdering.arriving(event("a", 1, 100), 10_000, 1_000, 2_000, false);
        assertThat(ids(EventOrdering.release(List.of(h), Long.MAX_VALUE, 10_000, HOLD, 10_000).due())).containsExactly("a");
    }
}
