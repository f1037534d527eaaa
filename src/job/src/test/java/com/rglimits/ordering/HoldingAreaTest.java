package com.rglimits.ordering;

import static org.assertj.core.api.Assertions.assertThat;

import com.rglimits.event.LimitEvent;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class HoldingAreaTest {
    private static final long HOLD = 30_000;
    private static final long ARRIVAL_HOLD = 2_000;

    private final HoldingArea<User> area = new HoldingArea<>(HOLD);
    private final Map<String, User> users = new HashMap<>();

    /** The caller's per-user object: here only a name. */
    private static final class User extends HoldingArea.Holder {
        final String id;

        User(String id) {
            this.id = id;
        }
    }

    private User user(String id) {
        return users.computeIfAbsent(id, User::new);
    }

    private static List<String> names(List<User> users) {
        return users.stream().map(u -> u.id).collect(Collectors.toList());
    }

    private static LimitEvent event(String user, String id, long seq, long createdAt) {
        LimitEvent e = EventOrderingTest.event(id, seq, createdAt);
        e.userId = user;
        return e;
    }

    private boolean hold(LimitEvent e, long now, long watermark) {
        return area.hold(user(e.userId), EventOrdering.arriving(e, now, watermark, ARRIVAL_HOLD, false), watermark);
    }

    /** Releases the user's due events; the expired jumps go to {@link #expired}. */
    private List<LimitEvent> release(User user, long watermark, long now, long stillSince) {
        return area.release(user, watermark, now, stillSince, expired);
    }

    private final List<LimitEvent> expired = new java.util.ArrayList<>();

    private static List<String> ids(List<LimitEvent> events) {
        return events.stream().map(e -> e.eventId).collect(Collectors.toList());
    }

    @Test
    void findsOnlyTheUsersTheWatermarkPassedAndReleasesTheirEventsInOrder() {
        assertThat(hold(event("u1", "b", 2, 200), 0, Long.MIN_VALUE)).isFalse();
        hold(event("u1", "a", 1, 100), 0, Long.MIN_VALUE);
        hold(event("u2", "c", 1, 900), 0, Long.MIN_VALUE);
        assertThat(area.size()).isEqualTo(3);

        assertThat(names(area.dueUsers(200, 0, 0))).containsExactly("u1");
        assertThat(ids(release(user("u1"), 200, 0, 0))).containsExactly("a", "b");
        assertThat(area.size()).isEqualTo(1);
        assertThat(names(area.dueUsers(899, 0, 0))).isEmpty();
        assertThat(names(area.dueUsers(900, 0, 0))).containsExactly("u2");
    }

    @Test
    void anEventReleasedWithADueNeighbourIsNotFoundAgain() {
        hold(event("u1", "seq2", 2, 100), 0, Long.MIN_VALUE);
        hold(event("u1", "seq1", 1, 500), 0, Long.MIN_VALUE);
        area.dueUsers(100, 0, 0);
        assertThat(ids(release(user("u1"), 100, 0, 0))).containsExactly("seq1", "seq2");
        assertThat(names(area.dueUsers(500, 0, 0))).isEmpty();
        assertThat(area.size()).isZero();
    }

    @Test
    void behindTheWatermarkEventsWaitTheArrivalHoldThenComeOutTogetherInSequenceOrder() {
        long w = 10_000;
        assertThat(hold(event("u1", "seq3", 3, 300), 1_000, w)).isFalse();
        hold(event("u1", "seq1", 1, 100), 1_400, w);
        hold(event("u1", "seq2", 2, 200), 1_800, w);
        assertThat(area.nextWakeUp(1_800, 0)).isEqualTo(1_000 + ARRIVAL_HOLD);
        assertThat(names(area.dueUsers(w, 2_999, 0))).isEmpty();
        assertThat(names(area.dueUsers(w, 3_000, 0))).containsExactly("u1");
        assertThat(ids(release(user("u1"), w, 3_000, 0))).containsExactly("seq1", "seq2", "seq3");
        assertThat(area.nextWakeUp(3_000, 0)).as("nothing held").isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void withoutArrivalHoldAnEventBehindTheWatermarkIsDueAtOnce() {
        assertThat(area.hold(user("u1"), EventOrdering.arriving(event("u1", "a", 1, 100), 0, 1_000, 0, false), 1_000)).isTrue();
        assertThat(ids(release(user("u1"), 1_000, 0, 0))).containsExactly("a");
    }

    @Test
    void theBoundReleasesUsersOnceTheWatermarkHasStoodStillForIt() {
        hold(event("u1", "a", 1, 5_000), 1_000, 0);
        assertThat(area.nextWakeUp(1_000, 500)).isEqualTo(500 + HOLD);
        assertThat(names(area.dueUsers(0, 1_000 + HOLD - 1, 500))).isEmpty();
        assertThat(names(area.dueUsers(0, 1_000 + HOLD, 500))).containsExactly("u1");
        assertThat(area.nextWakeUp(1_000 + HOLD, 500)).as("checked at every wake-up while it stands still")
                .isEqualTo(1_000 + HOLD);
    }

    @Test
    void theFinalWatermarkReleasesEveryone() {
        hold(event("u1", "a", 1, 100), 0, 50);
        hold(event("u2", "b", 1, 50), 0, 50);
        assertThat(names(area.dueUsers(Long.MAX_VALUE, 0, 0))).containsExactlyInAnyOrder("u1", "u2");
        assertThat(ids(release(user("u2"), Long.MAX_VALUE, 0, 0))).containsExactly("b");
    }

    @Test
    void usersThatStopAndStartHoldingAreFoundExactlyWhileTheyHold() {
        hold(event("u1", "a", 1, 100), 0, Long.MIN_VALUE);
        hold(event("u2", "b", 1, 200), 0, Long.MIN_VALUE);
        hold(event("u3", "c", 1, 300), 0, Long.MIN_VALUE);
        hold(event("u4", "d", 1, 400), 0, Long.MIN_VALUE);
        release(user("u2"), 200, 0, 0);
        release(user("u4"), 400, 0, 0);
        release(user("u1"), 100, 0, 0);
        assertThat(user("u2").holdsEvents()).isFalse();
        hold(event("u2", "e", 2, 500), 0, Long.MIN_VALUE);
        hold(event("u4", "f", 2, 600), 0, Long.MIN_VALUE);

        assertThat(names(area.takeChanged())).containsExactlyInAnyOrder("u2", "u3", "u4");
        assertThat(names(area.dueUsers(0, HOLD, 0))).as("the quiet stream's bound visits the holders")
                .containsExactlyInAnyOrder("u2", "u3", "u4");
        assertThat(names(area.dueUsers(Long.MAX_VALUE, 0, 0))).containsExactlyInAnyOrder("u2", "u3", "u4");
        assertThat(area.size()).isEqualTo(3);
    }

    @Test
    void afterAnyMixOfHoldsAndReleasesTheHoldersAreExactlyTheUsersWithHeldEvents() {
        java.util.Random random = new java.util.Random(11);
        Map<String, Integer> heldPerUser = new HashMap<>();
        for (int step = 0; step < 5_000; step++) {
            String u = "u" + random.nextInt(40);
            if (random.nextInt(3) > 0) {
                hold(event(u, "e" + step, step, 1_000 + step), 0, Long.MIN_VALUE);
                heldPerUser.merge(u, 1, Integer::sum);
            } else {
                int released = release(user(u), Long.MAX_VALUE, 0, 0).size();
                assertThat(released).isEqualTo(heldPerUser.getOrDefault(u, 0));
                heldPerUser.remove(u);
            }
            if (step % 100 == 0) {
                assertThat(names(area.dueUsers(Long.MAX_VALUE, 0, 0))).as("step %d", step)
                        .containsExactlyInAnyOrderElementsOf(heldPerUser.keySet());
                assertThat(area.size()).isEqualTo(heldPerUser.values().stream().mapToLong(Integer::longValue).sum());
            }
        }
    }

    @Test
    void remembersWhichUsersChangedForTheNextCheckpoint() {
        hold(event("u1", "a", 1, 100), 0, Long.MIN_VALUE);
        hold(event("u2", "b", 1, 900), 0, Long.MIN_VALUE);
        assertThat(names(area.takeChanged())).containsExactlyInAnyOrder("u1", "u2");
        assertThat(names(area.takeChanged())).isEmpty();
        area.dueUsers(100, 0, 0);
        release(user("u1"), 100, 0, 0);
        assertThat(names(area.takeChanged())).as("u1 holds nothing now: the operator clears it, knowing it had some").isEmpty();
        assertThat(user("u1").holdsEvents()).isFalse();
        assertThat(area.heldOf(user("u1"))).isEmpty();
        assertThat(ids(area.heldOf(user("u2")))).containsExactly("b");
        hold(event("u2", "c", 2, 950), 0, Long.MIN_VALUE);
        assertThat(names(area.takeChanged())).containsExactly("u2");
    }

    @Test
    void aUserWithSomeEventsReleasedIsChanged() {
        hold(event("u1", "a", 1, 100), 0, Long.MIN_VALUE);
        hold(event("u1", "b", 2, 900), 0, Long.MIN_VALUE);
        area.takeChanged();
        assertThat(names(area.dueUsers(100, 0, 0))).containsExactly("u1");
        assertThat(ids(release(user("u1"), 100, 0, 0))).containsExactly("a");
        assertThat(names(area.takeChanged())).containsExactly("u1");
        assertThat(ids(area.heldOf(user("u1")))).containsExactly("b");
    }

    @Test
    void restoredEventsWaitForTheWatermarkOrTheBoundFromTheRestart() {
        area.restore(user("u1"), event("u1", "a", 1, 100), 50_000);
        assertThat(names(area.dueUsers(99, 50_000 + HOLD - 1, 50_000))).isEmpty();
        assertThat(names(area.dueUsers(100, 50_000, 50_000))).containsExactly("u1");
    }

    @Test
    void whileResumingAnEventAheadOfTheWatermarkStillWaitsItsArrivalHoldWhenAnotherInputCarriesTheWatermarkPast() {
        // An upstream subtask that was idle comes back behind the others: its seq 29 arrives ahead of the
        // watermark, the others carry the watermark past it, its seq 26 arrives a moment later.
        assertThat(area.hold(user("u1"), EventOrdering.arriving(event("u1", "seq29", 29, 57_920), 1_000, 47_899, ARRIVAL_HOLD, true),
                47_899)).isFalse();
        assertThat(names(area.dueUsers(58_999, 1_100, 1_100))).as("passed by the watermark, but in its arrival hold").isEmpty();
        assertThat(area.nextWakeUp(1_100, 1_100)).isEqualTo(1_000 + ARRIVAL_HOLD);
        area.hold(user("u1"), EventOrdering.arriving(event("u1", "seq26", 26, 57_440), 1_300, 58_999, ARRIVAL_HOLD, true), 58_999);
        assertThat(names(area.dueUsers(58_999, 1_000 + ARRIVAL_HOLD, 1_100))).containsExactly("u1");
        assertThat(ids(release(user("u1"), 58_999, 1_000 + ARRIVAL_HOLD, 1_100))).containsExactly("seq26", "seq29");
    }
}
