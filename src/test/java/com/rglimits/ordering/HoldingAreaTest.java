package com.rglimits.ordering;

import static org.assertj.core.api.Assertions.assertThat;

import com.rglimits.event.LimitEvent;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class HoldingAreaTest {
    private static final long HOLD = 30_000;
    private static final long ARRIVAL_HOLD = 2_000;

    private final HoldingArea area = new HoldingArea(HOLD);

    private static LimitEvent event(String user, String id, long seq, long createdAt) {
        LimitEvent e = EventOrderingTest.event(id, seq, createdAt);
        e.userId = user;
        return e;
    }

    private boolean hold(LimitEvent e, long now, long watermark) {
        return area.hold(EventOrdering.arriving(e, now, watermark, ARRIVAL_HOLD, false), watermark);
    }

    private static List<String> ids(List<LimitEvent> events) {
        return events.stream().map(e -> e.eventId).collect(Collectors.toList());
    }

    @Test
    void findsOnlyTheUsersTheWatermarkPassedAndReleasesTheirEventsInOrder() {
        assertThat(hold(event("u1", "b", 2, 200), 0, Long.MIN_VALUE)).isFalse();
        hold(event("u1", "a", 1, 100), 0, Long.MIN_VALUE);
        hold(event("u2", "c", 1, 900), 0, Long.MIN_VALUE);
        assertThat(area.size()).isEqualTo(3);

        assertThat(area.dueUsers(200, 0, 0)).containsExactly("u1");
        assertThat(ids(area.release("u1", 200, 0, 0))).containsExactly("a", "b");
        assertThat(area.size()).isEqualTo(1);
        assertThat(area.dueUsers(899, 0, 0)).isEmpty();
        assertThat(area.dueUsers(900, 0, 0)).containsExactly("u2");
    }

    @Test
    void anEventReleasedWithADueNeighbourIsNotFoundAgain() {
        hold(event("u1", "seq2", 2, 100), 0, Long.MIN_VALUE);
        hold(event("u1", "seq1", 1, 500), 0, Long.MIN_VALUE);
        area.dueUsers(100, 0, 0);
        assertThat(ids(area.release("u1", 100, 0, 0))).containsExactly("seq1", "seq2");
        assertThat(area.dueUsers(500, 0, 0)).isEmpty();
        assertThat(area.size()).isZero();
    }

    @Test
    void behindTheWatermarkEventsWaitTheArrivalHoldThenComeOutTogetherInSequenceOrder() {
        long w = 10_000;
        assertThat(hold(event("u1", "seq3", 3, 300), 1_000, w)).isFalse();
        hold(event("u1", "seq1", 1, 100), 1_400, w);
        hold(event("u1", "seq2", 2, 200), 1_800, w);
        assertThat(area.nextWakeUp(1_800, 0)).isEqualTo(1_000 + ARRIVAL_HOLD);
        assertThat(area.dueUsers(w, 2_999, 0)).isEmpty();
        assertThat(area.dueUsers(w, 3_000, 0)).containsExactly("u1");
        assertThat(ids(area.release("u1", w, 3_000, 0))).containsExactly("seq1", "seq2", "seq3");
        assertThat(area.nextWakeUp(3_000, 0)).as("nothing held").isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void withoutArrivalHoldAnEventBehindTheWatermarkIsDueAtOnce() {
        assertThat(area.hold(EventOrdering.arriving(event("u1", "a", 1, 100), 0, 1_000, 0, false), 1_000)).isTrue();
        assertThat(ids(area.release("u1", 1_000, 0, 0))).containsExactly("a");
    }

    @Test
    void theBoundReleasesUsersOnceTheWatermarkHasStoodStillForIt() {
        hold(event("u1", "a", 1, 5_000), 1_000, 0);
        assertThat(area.nextWakeUp(1_000, 500)).isEqualTo(500 + HOLD);
        assertThat(area.dueUsers(0, 1_000 + HOLD - 1, 500)).isEmpty();
        assertThat(area.dueUsers(0, 1_000 + HOLD, 500)).containsExactly("u1");
        assertThat(area.nextWakeUp(1_000 + HOLD, 500)).as("checked at every wake-up while it stands still")
                .isEqualTo(1_000 + HOLD);
    }

    @Test
    void theFinalWatermarkReleasesEveryone() {
        hold(event("u1", "a", 1, 100), 0, 50);
        hold(event("u2", "b", 1, 50), 0, 50);
        assertThat(area.dueUsers(Long.MAX_VALUE, 0, 0)).containsExactlyInAnyOrder("u1", "u2");
        assertThat(ids(area.release("u2", Long.MAX_VALUE, 0, 0))).containsExactly("b");
    }

    @Test
    void remembersWhichUsersChangedForTheNextCheckpoint() {
        hold(event("u1", "a", 1, 100), 0, Long.MIN_VALUE);
        hold(event("u2", "b", 1, 900), 0, Long.MIN_VALUE);
        assertThat(area.takeChanged()).containsExactlyInAnyOrder("u1", "u2");
        assertThat(area.takeChanged()).isEmpty();
        area.dueUsers(100, 0, 0);
        area.release("u1", 100, 0, 0);
        assertThat(area.takeChanged()).as("u1 holds nothing now: the operator clears it, knowing it had some").isEmpty();
        assertThat(area.holds("u1")).isFalse();
        assertThat(area.heldOf("u1")).isEmpty();
        assertThat(ids(area.heldOf("u2"))).containsExactly("b");
        hold(event("u2", "c", 2, 950), 0, Long.MIN_VALUE);
        assertThat(area.takeChanged()).containsExactly("u2");
    }

    @Test
    void aUserWithSomeEventsReleasedIsChanged() {
        hold(event("u1", "a", 1, 100), 0, Long.MIN_VALUE);
        hold(event("u1", "b", 2, 900), 0, Long.MIN_VALUE);
        area.takeChanged();
        assertThat(area.dueUsers(100, 0, 0)).containsExactly("u1");
        assertThat(ids(area.release("u1", 100, 0, 0))).containsExactly("a");
        assertThat(area.takeChanged()).containsExactly("u1");
        assertThat(ids(area.heldOf("u1"))).containsExactly("b");
    }

    @Test
    void restoredEventsWaitForTheWatermarkOrTheBoundFromTheRestart() {
        area.restore(event("u1", "a", 1, 100), 50_000);
        assertThat(area.dueUsers(99, 50_000 + HOLD - 1, 50_000)).isEmpty();
        assertThat(area.dueUsers(100, 50_000, 50_000)).containsExactly("u1");
    }

    @Test
    void whileResumingAnEventAheadOfTheWatermarkStillWaitsItsArrivalHoldWhenAnotherInputCarriesTheWatermarkPast() {
        // An upstream subtask that was idle comes back behind the others: its seq 29 arrives ahead of the
        // watermark, the others carry the watermark past it, its seq 26 arrives a moment later.
        assertThat(area.hold(EventOrdering.arriving(event("u1", "seq29", 29, 57_920), 1_000, 47_899, ARRIVAL_HOLD, true),
                47_899)).isFalse();
        assertThat(area.dueUsers(58_999, 1_100, 1_100)).as("passed by the watermark, but in its arrival hold").isEmpty();
        assertThat(area.nextWakeUp(1_100, 1_100)).isEqualTo(1_000 + ARRIVAL_HOLD);
        area.hold(EventOrdering.arriving(event("u1", "seq26", 26, 57_440), 1_300, 58_999, ARRIVAL_HOLD, true), 58_999);
        assertThat(area.dueUsers(58_999, 1_000 + ARRIVAL_HOLD, 1_100)).containsExactly("u1");
        assertThat(ids(area.release("u1", 58_999, 1_000 + ARRIVAL_HOLD, 1_100))).containsExactly("seq26", "seq29");
    }
}
