package com.rglimits.ordering;

import static org.assertj.core.api.Assertions.assertThat;

import com.rglimits.event.LimitEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventOrderingTest {
    private static final long HOLD = 30_000;

    private static LimitEvent e(String id, long seq, long createdAt, long arrivedAt) {
        LimitEvent e = new LimitEvent();
        e.eventId = id;
        e.sequenceNumber = seq;
        e.createdAt = createdAt;
        e.arrivedAt = arrivedAt;
        return e;
    }

    private static List<String> ids(List<LimitEvent> events) {
        return events.stream().map(x -> x.eventId).collect(java.util.stream.Collectors.toList());
    }

    @Test
    void releasesEventsTheWatermarkPassedInSequenceOrder() {
        List<LimitEvent> held = List.of(e("c", 3, 300, 0), e("a", 1, 100, 0), e("late-time", 4, 900, 0), e("b", 2, 200, 0));
        Release r = EventOrdering.release(held, 300, 0, HOLD, Long.MIN_VALUE);
        assertThat(ids(r.due())).containsExactly("a", "b", "c");
        assertThat(ids(r.kept())).containsExactly("late-time");
    }

    @Test
    void keepsEverythingBeforeTheWatermarkArrives() {
        List<LimitEvent> held = List.of(e("a", 1, 100, 0));
        Release r = EventOrdering.release(held, 99, 0, HOLD, Long.MIN_VALUE);
        assertThat(r.due()).isEmpty();
        assertThat(ids(r.kept())).containsExactly("a");
    }

    @Test
    void releasesOnTheProcessingTimeBoundWhenTheWatermarkStalls() {
        List<LimitEvent> held = List.of(e("old", 1, 100, 1_000), e("new", 2, 200, 20_000));
        Release r = EventOrdering.release(held, Long.MIN_VALUE, 1_000 + HOLD, HOLD, Long.MIN_VALUE);
        assertThat(ids(r.due())).containsExactly("old");
        assertThat(ids(r.kept())).containsExactly("new");
    }

    @Test
    void timeBeforeThisInstanceStartedDoesNotCountAsHeld() {
        List<LimitEvent> held = List.of(e("restored", 1, 100, 1_000));
        long restartedAt = 500_000;
        assertThat(EventOrdering.release(held, Long.MIN_VALUE, restartedAt + 1, HOLD, restartedAt).due()).isEmpty();
        assertThat(ids(EventOrdering.release(held, Long.MIN_VALUE, restartedAt + HOLD, HOLD, restartedAt).due()))
                .containsExactly("restored");
    }

    @Test
    void theBoundCountsFromTheLastMoveOfTheWatermark() {
        List<LimitEvent> held = List.of(e("a", 1, 100, 1_000));
        long movedAt = 20_000;
        assertThat(EventOrdering.release(held, 50, 1_000 + HOLD, HOLD, movedAt).due()).isEmpty();
        assertThat(ids(EventOrdering.release(held, 50, movedAt + HOLD, HOLD, movedAt).due())).containsExactly("a");
    }

    @Test
    void aSmallerSequenceIsReleasedWithALargerDueOneRatherThanMadeLate() {
        List<LimitEvent> held = List.of(e("seq5", 5, 100, 0), e("seq4", 4, 500, 0));
        Release r = EventOrdering.release(held, 100, 0, HOLD, Long.MIN_VALUE);
        assertThat(ids(r.due())).containsExactly("seq4", "seq5");
        assertThat(r.kept()).isEmpty();
    }

    @Test
    void tiesOnSequenceGoBySmallerCreatedAtThenArrival() {
        List<LimitEvent> held = List.of(e("second-arrival", 7, 100, 0), e("later-time", 7, 150, 0),
                e("first-time", 7, 50, 0));
        Release r = EventOrdering.release(held, 1_000, 0, HOLD, Long.MIN_VALUE);
        assertThat(ids(r.due())).containsExactly("first-time", "second-arrival", "later-time");
    }

    @Test
    void equalSequenceAndTimeKeepArrivalOrder() {
        List<LimitEvent> held = List.of(e("x", 7, 100, 0), e("y", 7, 100, 0), e("z", 7, 100, 0));
        assertThat(ids(EventOrdering.release(held, 100, 0, HOLD, Long.MIN_VALUE).due())).containsExactly("x", "y", "z");
    }
}
