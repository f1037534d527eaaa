package com.rglimits.job;

import static com.rglimits.testing.Events.created;
import static com.rglimits.testing.Events.event;
import static com.rglimits.testing.Events.progress;
import static com.rglimits.testing.Events.reset;
import static org.assertj.core.api.Assertions.assertThat;

import com.rglimits.deadletter.DeadLetter;
import com.rglimits.deadletter.DeadLetterReason;
import com.rglimits.event.LimitEvent;
import com.rglimits.event.RecordSource;
import com.rglimits.limit.UserLimit;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackend;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class UserLimitOperatorTest {
    private static final long MAX_HOLD = 30_000;
    private static final long RETENTION = 7L * 24 * 3600 * 1000;
    private static final int MAX_PARALLELISM = 128;

    private KeyedOneInputStreamOperatorTestHarness<String, LimitEvent, UserLimit> harness;

    /** No arrival hold: an event behind the watermark is applied at once, as before the arrival hold existed. */
    private static KeyedOneInputStreamOperatorTestHarness<String, LimitEvent, UserLimit> newHarness() throws Exception {
        return newHarness(0, 1_000);
    }

    static KeyedOneInputStreamOperatorTestHarness<String, LimitEvent, UserLimit> newHarness(long arrivalHold, int cachedUsers)
            throws Exception {
        return newHarness(arrivalHold, cachedUsers, 1, 0);
    }

    static KeyedOneInputStreamOperatorTestHarness<String, LimitEvent, UserLimit> newHarness(
            long arrivalHold, int cachedUsers, int parallelism, int subtask) throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, LimitEvent, UserLimit> h = new KeyedOneInputStreamOperatorTestHarness<>(
                new UserLimitOperator(MAX_HOLD, arrivalHold, 10_000, RETENTION, cachedUsers), e -> e.userId, Types.STRING,
                MAX_PARALLELISM, parallelism, subtask);
        h.setStateBackend(new EmbeddedRocksDBStateBackend());
        h.getExecutionConfig().disableGenericTypes();
        return h;
    }

    @BeforeEach
    void open() throws Exception {
        harness = newHarness();
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    /** A new, empty task with these settings instead of the default one. */
    private void reopenWith(long arrivalHold, int cachedUsers) throws Exception {
        harness.close();
        harness = newHarness(arrivalHold, cachedUsers);
        harness.open();
    }

    /** A new task (default settings) from the snapshot, as after a failure or a restore. */
    private void restartFrom(OperatorSubtaskState snapshot) throws Exception {
        harness.close();
        harness = newHarness();
        harness.initializeState(snapshot);
        harness.open();
    }

    private void send(LimitEvent e) throws Exception {
        harness.processElement(e, e.createdAt);
    }

    private List<String> emitted() {
        return harness.extractOutputValues().stream()
                .map(l -> l.userLimitId + "@" + l.lastSequenceNumber + ":" + l.progress.toPlainString())
                .collect(Collectors.toList());
    }

    private List<DeadLetter> deadLetters() {
        var out = harness.getSideOutput(Descriptors.DEAD_LETTERS);
        return out == null ? List.of() : out.stream().map(StreamRecord::getValue).collect(Collectors.toList());
    }

    @Test
    void reordersEventsInsideTheBoundBySequenceNumber() throws Exception {
        send(event(progress("p2", "u1", "lim", 3, 1_300, "10", "5")));
        send(event(created("c", "u1", "lim", 1, 1_000, "100")));
        send(event(progress("p1", "u1", "lim", 2, 1_200, "0", "10")));
        assertThat(emitted()).isEmpty();

        harness.processWatermark(new Watermark(1_300));

        assertThat(emitted()).containsExactly("lim@1:0", "lim@2:10", "lim@3:15");
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void holdsAnEventUntilTheWatermarkPassesItsCreatedAt() throws Exception {
        send(event(created("c", "u1", "lim", 1, 5_000, "100")));
        harness.processWatermark(new Watermark(4_999));
        assertThat(emitted()).isEmpty();
        harness.processWatermark(new Watermark(5_000));
        assertThat(emitted()).containsExactly("lim@1:0");
    }

    @Test
    void anEventBehindTheWatermarkIsAppliedAtOnce() throws Exception {
        harness.processWatermark(new Watermark(10_000));
        send(event(created("c", "u1", "lim", 1, 5_000, "100")));
        assertThat(emitted()).containsExactly("lim@1:0");
    }

    @Test
    void theProcessingTimeBoundReleasesEventsWhenTheWatermarkStalls() throws Exception {
        harness.setProcessingTime(1_000);
        send(event(created("c", "u1", "lim", 1, 5_000, "100")));
        harness.setProcessingTime(1_000 + MAX_HOLD - 1);
        assertThat(emitted()).isEmpty();
        harness.setProcessingTime(1_000 + MAX_HOLD + UserLimitOperator.WAKE_UP_RESOLUTION_MS);
        assertThat(emitted()).containsExactly("lim@1:0");
    }

    @Test
    void theBoundCountsFromTheLastMoveOfTheWatermark() throws Exception {
        harness.setProcessingTime(1_000);
        send(event(created("c", "u1", "lim", 1, 50_000, "100")));
        harness.setProcessingTime(2_000);
        harness.processWatermark(new Watermark(40_000)); // the last periodic watermark of a stream going quiet
        harness.setProcessingTime(2_000 + MAX_HOLD - 1);
        assertThat(emitted()).isEmpty();
        harness.setProcessingTime(2_000 + MAX_HOLD + UserLimitOperator.WAKE_UP_RESOLUTION_MS);
        assertThat(emitted()).containsExactly("lim@1:0");
    }

    @Test
    void aWatermarkThatKeepsMovingHoldsEventsPastTheBoundUntilItPassesThem() throws Exception {
        // A backlog being read, or a parent shard being drained: the earlier event of the user is still on its way.
        harness.setProcessingTime(1_000);
        send(event(progress("p2", "u1", "lim", 2, 100_000, "0", "5")));
        for (long t = 5_000, wm = 10_000; t <= 5 * MAX_HOLD; t += 5_000, wm += 1_000) {
            harness.setProcessingTime(t);
            harness.processWatermark(new Watermark(wm));
        }
        assertThat(emitted()).isEmpty();
        assertThat(deadLetters()).isEmpty();

        send(event(created("c", "u1", "lim", 1, 90_000, "100")));
        harness.processWatermark(new Watermark(100_000));
        assertThat(emitted()).containsExactly("lim@1:0", "lim@2:5");
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void duplicatesAreDroppedWithoutEffect() throws Exception {
        LimitEvent c = event(created("c", "u1", "lim", 1, 1_000, "100"));
        LimitEvent p = event(progress("p", "u1", "lim", 2, 1_100, "0", "10"));
        send(c);
        send(event(created("c", "u1", "lim", 1, 1_000, "100")));
        harness.processWatermark(new Watermark(2_000));
        send(p);
        send(event(progress("p", "u1", "lim", 2, 1_100, "0", "10")));
        send(event(created("c", "u1", "lim", 1, 1_000, "100")));

        assertThat(emitted()).containsExactly("lim@1:0", "lim@2:10");
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void anEventAfterALaterOneWasAppliedIsLate() throws Exception {
        send(event(created("c", "u1", "lim", 1, 1_000, "100")));
        send(event(progress("p5", "u1", "lim", 5, 1_500, "0", "10")));
        harness.processWatermark(new Watermark(2_000));
        send(event(progress("p4", "u1", "lim", 4, 1_400, "0", "3")));

        assertThat(emitted()).containsExactly("lim@1:0", "lim@5:10");
        DeadLetter late = deadLetters().get(0);
        assertThat(late.reason).isEqualTo(DeadLetterReason.LATE_EVENT);
        assertThat(late.eventId).isEqualTo("p4");
        assertThat(late.userId).isEqualTo("u1");
        assertThat(late.sequenceNumber).isEqualTo(4L);
        assertThat(late.type).isEqualTo("USER_LIMIT_PROGRESS_CHANGED");
        assertThat(late.error).isEqualTo("sequenceNumber 4 arrived after sequenceNumber 5 of user u1 was processed");
        assertThat(new String(late.record)).contains("\"eventId\":\"p4\"");
    }

    @Test
    void onATieOnSequenceTheSmallerCreatedAtWinsAndTheOtherIsLate() throws Exception {
        send(event(created("c", "u1", "lim", 1, 1_000, "100")));
        send(event(progress("later", "u1", "lim", 2, 1_200, "0", "7")));
        send(event(progress("earlier", "u1", "lim", 2, 1_100, "0", "3")));
        harness.processWatermark(new Watermark(2_000));

        assertThat(emitted()).containsExactly("lim@1:0", "lim@2:3");
        assertThat(deadLetters()).extracting(d -> d.eventId + ":" + d.reason).containsExactly("later:LATE_EVENT");
    }

    @Test
    void onAFullTieTheFirstArrivalWins() throws Exception {
        send(event(created("c", "u1", "lim", 1, 1_000, "100")));
        send(event(progress("first", "u1", "lim", 2, 1_100, "0", "3")));
        send(event(progress("second", "u1", "lim", 2, 1_100, "0", "7")));
        harness.processWatermark(new Watermark(2_000));

        assertThat(emitted()).containsExactly("lim@1:0", "lim@2:3");
        assertThat(deadLetters()).extracting(d -> d.eventId + ":" + d.reason).containsExactly("second:LATE_EVENT");
    }

    @Test
    void ruleRejectionsAreDeadLetters() throws Exception {
        send(event(progress("p", "u1", "nope", 1, 1_000, "0", "1")));
        send(event(created("c1", "u1", "lim", 2, 1_100, "100")));
        send(event(created("c2", "u1", "lim", 3, 1_200, "200")));
        send(event(reset("r", "u1", "gone", 4, 1_300)));
        harness.processWatermark(new Watermark(2_000));

        assertThat(emitted()).containsExactly("lim@2:0");
        assertThat(deadLetters()).extracting(d -> d.eventId + ":" + d.reason + ":" + d.error).containsExactly(
                "p:UNKNOWN_LIMIT:no limit nope for user u1",
                "c2:LIMIT_ALREADY_EXISTS:limit lim already exists (last changed by event c1)",
                "r:UNKNOWN_LIMIT:no limit gone for user u1");
    }

    @Test
    void usersAreIndependent() throws Exception {
        send(event(created("a", "u1", "lim", 10, 1_000, "100")));
        send(event(created("b", "u2", "lim", 1, 1_000, "50")));
        harness.processWatermark(new Watermark(1_000));
        send(event(progress("c", "u2", "lim", 2, 1_500, "0", "5")));
        harness.processWatermark(new Watermark(1_500));
        assertThat(harness.extractOutputValues()).extracting(l -> l.userId + "/" + l.lastSequenceNumber)
                .containsExactlyInAnyOrder("u1/10", "u2/1", "u2/2");
        assertThat(deadLetters()).isEmpty();
    }

    /**
     * Both clocks move: the dedup list's TTL and the processing time, by which the hashes kept in a
     * user's value expire (in a job both are the wall clock). A user with one event keeps its hash in its
     * value; the next test fills the list.
     */
    @Test
    void seenEventIdsExpireAfterTheDedupRetention() throws Exception {
        setClocks(0);
        send(event(created("c", "u1", "lim", 1, 1_000, "100")));
        harness.processWatermark(new Watermark(1_000));
        // Seen ids are written to the dedup set when a checkpoint is taken: the retention counts from there.
        harness.snapshot(1L, 1L);

        setClocks(RETENTION - 1);
        send(event(created("c", "u1", "lim", 1, 1_000, "100")));
        assertThat(deadLetters()).as("still a duplicate inside the retention").isEmpty();

        setClocks(RETENTION + 1);
        send(event(created("c", "u1", "lim", 1, 1_000, "100")));
        assertThat(deadLetters()).as("after the retention it is no longer known: a late event, never re-applied")
                .extracting(d -> d.eventId + ":" + d.reason).containsExactly("c:LATE_EVENT");
        assertThat(emitted()).containsExactly("lim@1:0");
    }

    /**
     * A user with more events than its value keeps hashes of: the first ones are in its value, the
     * others in the dedup list; after a restore a redelivery of each is a duplicate, and after the
     * retention a late event.
     */
    @Test
    void aBusyUsersEventsAreDuplicatesAfterARestoreAndLateAfterTheRetention() throws Exception {
        int events = UserStateCache.STORED_SEEN + 5;
        setClocks(0);
        send(event(created("e1", "u1", "lim", 1, 1_000, "100")));
        for (int i = 2; i <= events; i++) {
            send(event(progress("e" + i, "u1", "lim", i, 1_000 + i, "0", "1")));
        }
        harness.processWatermark(new Watermark(1_000 + events));
        assertThat(harness.extractOutputValues()).hasSize(events);
        restartFrom(harness.snapshot(1L, 1L));

        setClocks(RETENTION - 1);
        for (int i = 1; i <= events; i++) {
            send(event(progress("e" + i, "u1", "lim", i, 1_000 + i, "0", "1")));
        }
        assertThat(deadLetters()).as("every redelivery a duplicate").isEmpty();

        setClocks(RETENTION + 1_001);
        send(event(progress("e1", "u1", "lim", 1, 1_001, "0", "1")));
        send(event(progress("e" + events, "u1", "lim", events, 1_000 + events, "0", "1")));
        assertThat(deadLetters()).extracting(d -> d.eventId + ":" + d.reason)
                .containsExactly("e1:LATE_EVENT", "e" + events + ":LATE_EVENT");
        assertThat(harness.extractOutputValues()).isEmpty();
    }

    private void setClocks(long time) throws Exception {
        harness.setStateTtlProcessingTime(time);
        harness.setProcessingTime(time);
    }

    @Test
    void heldEventsAndStateSurviveASnapshotAndRestore() throws Exception {
        send(event(created("c", "u1", "lim", 1, 1_000, "100")));
        harness.processWatermark(new Watermark(1_000));
        send(event(progress("p", "u1", "lim", 2, 3_000, "0", "10")));
        restartFrom(harness.snapshot(1L, 1L));
        send(event(progress("p", "u1", "lim", 2, 3_000, "0", "10")));
        harness.processWatermark(new Watermark(3_000));

        assertThat(emitted()).as("the held event is applied once; its redelivery is a duplicate").containsExactly("lim@2:10");
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void afterARestoreTheHoldIsCountedFromTheRestartNotFromTheOriginalArrival() throws Exception {
        harness.setProcessingTime(1_000);
        send(event(created("c", "u1", "lim", 1, 1_000, "100")));
        harness.processWatermark(new Watermark(1_000));
        send(event(progress("p3", "u1", "lim", 3, 3_000, "0", "10")));
        OperatorSubtaskState snapshot = harness.snapshot(1L, 1L);
        harness.close();

        // The job was stopped far longer than the hold bound; the restored flush timer fires at once.
        long restartedAt = 1_000 + 10 * MAX_HOLD;
        harness = newHarness();
        harness.setProcessingTime(restartedAt);
        harness.initializeState(snapshot);
        harness.open();
        harness.setProcessingTime(restartedAt + 1);
        send(event(progress("p2", "u1", "lim", 2, 2_000, "0", "4")));
        assertThat(emitted()).as("nothing flushed by the downtime").isEmpty();

        harness.setProcessingTime(restartedAt + MAX_HOLD + UserLimitOperator.WAKE_UP_RESOLUTION_MS);
        assertThat(emitted()).as("a quiet stream still releases them, in order").containsExactly("lim@2:4", "lim@3:10");
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void eventsArrivingTogetherBehindTheWatermarkWaitTheArrivalHoldAndAreAppliedInSequenceOrder() throws Exception {
        // A burst after a quiet spell, a replay, a backfill: the watermark is already past all of it.
        reopenWith(2_000, 1_000);
        harness.setProcessingTime(1_000);
        harness.processWatermark(new Watermark(10_000));
        send(event(progress("p3", "u1", "lim", 3, 1_300, "10", "5")));
        harness.setProcessingTime(1_400);
        send(event(created("c", "u1", "lim", 1, 1_000, "100")));
        send(event(progress("p2", "u1", "lim", 2, 1_200, "0", "10")));
        harness.setProcessingTime(2_999);
        assertThat(emitted()).isEmpty();

        harness.setProcessingTime(3_000);
        assertThat(emitted()).containsExactly("lim@1:0", "lim@2:10", "lim@3:15");
        assertThat(deadLetters()).isEmpty();
    }

    /** An event read from this shard of a stream. */
    private static LimitEvent from(String shard, LimitEvent e) {
        e.source = RecordSource.kinesis("events", shard, "1");
        return e;
    }

    @Test
    void aShardWhoseRecordsComeBehindTheWatermarkGetsTheArrivalHoldForItsRecordsAheadOfItToo() throws Exception {
        // A child shard read after the other subtask carried the watermark on (its own subtask was idle):
        // its records come behind the watermark and ahead of it, a user's neighbours among them.
        reopenWith(2_000, 1_000);
        harness.setProcessingTime(1_000);
        harness.processWatermark(new Watermark(25_100));
        send(from("child", event(created("c", "u2", "lim", 1, 16_000, "100"))));
        send(from("child", event(progress("p26", "u1", "lim", 26, 25_240, "0", "5"))));
        harness.processWatermark(new Watermark(30_000));
        assertThat(emitted()).as("behind the watermark, and ahead of it from the same shard: held").isEmpty();
        harness.setProcessingTime(1_500);
        send(from("child", event(progress("p23", "u1", "lim", 23, 25_040, "0", "2"))));
        send(from("child", event(created("c21", "u1", "lim", 21, 25_020, "100"))));

        harness.setProcessingTime(3_500);
        assertThat(emitted()).containsExactly("lim@1:0", "lim@21:0", "lim@23:2", "lim@26:5");
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void aUsersEventBehindTheWatermarkHoldsBackItsEventsThatCameJustBefore() throws Exception {
        reopenWith(2_000, 1_000);
        harness.setProcessingTime(1_000);
        harness.processWatermark(new Watermark(10_000));
        send(from("s", event(created("c5", "u1", "lim", 5, 25_000, "100"))));
        send(from("s", event(created("c4", "u1", "other", 4, 8_000, "100"))));
        harness.processWatermark(new Watermark(30_000));
        harness.setProcessingTime(2_000);
        send(from("s", event(created("c3", "u1", "third", 3, 8_100, "100"))));
        harness.setProcessingTime(2_999);
        assertThat(emitted()).isEmpty();

        harness.setProcessingTime(3_000);
        assertThat(emitted()).containsExactly("third@3:0", "other@4:0", "lim@5:0");
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void withoutTheArrivalHoldABurstBehindTheWatermarkIsAppliedInArrivalOrder() throws Exception {
        harness.processWatermark(new Watermark(10_000));
        send(event(progress("p3", "u1", "lim", 3, 1_300, "10", "5")));
        send(event(created("c", "u1", "lim", 1, 1_000, "100")));
        assertThat(emitted()).as("p3 has no limit to progress yet").isEmpty();
        assertThat(deadLetters()).extracting(d -> d.eventId + ":" + d.reason)
                .containsExactly("p3:UNKNOWN_LIMIT", "c:LATE_EVENT");
    }

    @Test
    void heldEventsAndCachedStateSurviveARescale() throws Exception {
        List<String> users = new java.util.ArrayList<>();
        for (int u = 0; u < 20; u++) {
            users.add("user-" + u);
        }
        for (String u : users) {
            send(event(created("c-" + u, u, "lim", 1, 1_000, "100")));
        }
        harness.processWatermark(new Watermark(1_000));
        for (String u : users) {
            send(event(progress("p-" + u, u, "lim", 2, 3_000, "0", "7")));
        }
        OperatorSubtaskState snapshot = harness.snapshot(1L, 1L);
        harness.close();

        List<String> out = new java.util.ArrayList<>();
        for (int subtask = 0; subtask < 2; subtask++) {
            OperatorSubtaskState part = org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness
                    .repartitionOperatorState(snapshot, MAX_PARALLELISM, 1, 2, subtask);
            var h = newHarness(0, 1_000, 2, subtask);
            h.initializeState(part);
            h.open();
            for (String u : users) {
                int keyGroup = org.apache.flink.runtime.state.KeyGroupRangeAssignment.assignToKeyGroup(u, MAX_PARALLELISM);
                if (org.apache.flink.runtime.state.KeyGroupRangeAssignment
                        .computeKeyGroupRangeForOperatorIndex(MAX_PARALLELISM, 2, subtask).contains(keyGroup)) {
                    h.processElement(event(progress("p-" + u, u, "lim", 2, 3_000, "0", "7")), 3_000); // redelivered
                    h.processElement(event(progress("q-" + u, u, "lim", 3, 3_500, "7", "1")), 3_500);
                }
            }
            h.processWatermark(new Watermark(4_000));
            h.extractOutputValues().forEach(l -> out.add(l.userId + ":" + l.userLimitId + "@" + l.lastSequenceNumber
                    + ":" + l.progress.toPlainString()));
            assertThat(h.getSideOutput(Descriptors.DEAD_LETTERS)).isNullOrEmpty();
            h.close();
        }
        List<String> expected = new java.util.ArrayList<>();
        for (String u : users) {
            expected.add(u + ":lim@2:7");
            expected.add(u + ":lim@3:8");
        }
        assertThat(out).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void aFailureAfterACheckpointLosesNothingTheReplayBringsBack() throws Exception {
        LimitEvent c = event(created("c", "u1", "lim", 1, 1_000, "100"));
        LimitEvent p2 = event(progress("p2", "u1", "lim", 2, 2_000, "0", "10"));
        LimitEvent p3 = event(progress("p3", "u1", "lim", 3, 3_000, "10", "5"));
        send(c);
        harness.processWatermark(new Watermark(1_000));
        send(p2);
        OperatorSubtaskState checkpoint = harness.snapshot(1L, 1L);
        // After the checkpoint: p2 applied and p3 held, in memory only. Then the task fails.
        harness.processWatermark(new Watermark(2_000));
        send(p3);
        assertThat(emitted()).containsExactly("lim@1:0", "lim@2:10");
        restartFrom(checkpoint);
        send(event(progress("p2", "u1", "lim", 2, 2_000, "0", "10"))); // the source re-reads from the checkpoint
        send(event(progress("p3", "u1", "lim", 3, 3_000, "10", "5")));
        harness.processWatermark(new Watermark(3_000));
        assertThat(emitted()).as("p2 was held at the checkpoint: applied once, after the restore")
                .containsExactly("lim@2:10", "lim@3:15");
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void aUserChangedAgainAfterACheckpointIsWrittenAtTheNextOne() throws Exception {
        send(event(created("c", "u1", "lim", 1, 1_000, "100")));
        harness.processWatermark(new Watermark(1_000));
        harness.snapshot(1L, 1L);
        // The user stays cached after the first write-back: its next change must reach the next checkpoint.
        send(event(progress("p", "u1", "lim", 2, 2_000, "0", "10")));
        harness.processWatermark(new Watermark(2_000));
        restartFrom(harness.snapshot(2L, 2L));
        send(event(progress("late", "u1", "lim", 2, 2_500, "0", "1")));
        send(event(progress("q", "u1", "lim", 3, 3_000, "10", "5")));
        harness.processWatermark(new Watermark(3_000));
        assertThat(emitted()).containsExactly("lim@3:15");
        assertThat(deadLetters()).extracting(d -> d.eventId + ":" + d.reason).containsExactly("late:LATE_EVENT");
    }

    @Test
    void aFullCacheWritesUsersBackAndReadsThemAgain() throws Exception {
        reopenWith(0, 1);
        for (String u : List.of("u1", "u2", "u3")) {
            send(event(created("c-" + u, u, "lim", 1, 1_000, "100")));
        }
        harness.processWatermark(new Watermark(1_000));
        for (String u : List.of("u1", "u2", "u3")) {
            send(event(progress("p-" + u, u, "lim", 2, 1_500, "0", "10")));
            send(event(progress("late-" + u, u, "lim", 1, 1_400, "0", "1")));
        }
        harness.processWatermark(new Watermark(2_000));
        for (String u : List.of("u1", "u2", "u3")) {
            send(event(progress("q-" + u, u, "lim", 3, 2_500, "10", "5")));
        }
        harness.processWatermark(new Watermark(3_000));
        assertThat(harness.extractOutputValues()).extracting(l -> l.userId + "@" + l.lastSequenceNumber + ":" + l.progress)
                .containsExactlyInAnyOrder("u1@1:0", "u2@1:0", "u3@1:0", "u1@2:10", "u2@2:10", "u3@2:10",
                        "u1@3:15", "u2@3:15", "u3@3:15");
        assertThat(deadLetters()).extracting(d -> d.eventId + ":" + d.reason)
                .containsExactlyInAnyOrder("late-u1:LATE_EVENT", "late-u2:LATE_EVENT", "late-u3:LATE_EVENT");
    }

    @Test
    void anEventHeldAtOneCheckpointAndReleasedBeforeTheNextIsNotInTheNext() throws Exception {
        send(event(created("c", "u1", "lim", 1, 1_000, "100")));
        harness.snapshot(1L, 1L);
        harness.processWatermark(new Watermark(1_000));
        assertThat(emitted()).containsExactly("lim@1:0");

        restartFrom(harness.snapshot(2L, 2L));
        harness.processWatermark(new Watermark(Long.MAX_VALUE));

        assertThat(emitted()).isEmpty();
        assertThat(deadLetters()).as("nothing held is restored: the release cleared it").isEmpty();
    }

    @Test
    void seenEventsAreStillDuplicatesAfterARestore() throws Exception {
        send(event(created("c", "u1", "lim", 1, 1_000, "100")));
        harness.processWatermark(new Watermark(1_000));
        send(event(progress("late", "u1", "lim", 1, 1_100, "0", "1")));
        assertThat(deadLetters()).extracting(d -> d.eventId + ":" + d.reason).containsExactly("late:LATE_EVENT");

        // Both were seen in memory only; the checkpoint writes them to the dedup set.
        restartFrom(harness.snapshot(1L, 1L));
        send(event(created("c", "u1", "lim", 1, 1_000, "100")));
        send(event(progress("late", "u1", "lim", 1, 1_100, "0", "1")));
        harness.processWatermark(new Watermark(2_000));

        assertThat(emitted()).isEmpty();
        assertThat(deadLetters()).as("redeliveries of an applied and of a late event are duplicates").isEmpty();
    }

    @Test
    void aUserEvictedFromAFullCacheStillKnowsTheEventsItSaw() throws Exception {
        reopenWith(0, 1);
        send(event(created("c1", "u1", "lim", 1, 1_000, "100")));
        send(event(created("c2", "u2", "lim", 1, 1_000, "100")));
        harness.processWatermark(new Watermark(1_000));
        // u1 was written back and evicted when u2 came; its redelivery is found in the dedup set.
        send(event(created("c1", "u1", "lim", 1, 1_000, "100")));

        assertThat(harness.extractOutputValues()).extracting(l -> l.userId + "@" + l.lastSequenceNumber)
                .containsExactlyInAnyOrder("u1@1", "u2@1");
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void usersThatHoldEventsStayCachedWhenTheCacheIsFull() throws Exception {
        reopenWith(0, 1);
        send(event(created("c1", "u1", "lim", 1, 1_000, "100")));
        send(event(created("c2", "u2", "lim", 1, 1_000, "100")));
        send(event(progress("p2", "u1", "lim", 2, 1_100, "0", "10")));
        send(event(created("c3", "u3", "lim", 1, 1_200, "100")));
        harness.processWatermark(new Watermark(2_000));

        // Evicting u1 while it held c1 would have read it again from state for p2, without the limit c1 creates.
        assertThat(harness.extractOutputValues()).extracting(l -> l.userId + "@" + l.lastSequenceNumber)
                .containsExactlyInAnyOrder("u1@1", "u1@2", "u2@1", "u3@1");
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void afterTheInputWasIdleEventsAheadOfTheWatermarkAlsoWaitTheArrivalHold() throws Exception {
        reopenWith(2_000, 1_000);
        harness.setProcessingTime(1_000);
        harness.processWatermark(new Watermark(1_000));
        harness.processWatermarkStatus(org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus.IDLE);
        harness.setProcessingTime(30_000);
        // The first records of the burst come before the input is marked active again.
        send(event(created("c", "u1", "lim", 1, 2_000, "100")));
        harness.processWatermarkStatus(org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus.ACTIVE);
        send(event(progress("p3", "u1", "lim", 3, 2_300, "10", "5")));
        // Another upstream subtask carries the watermark past both before this one delivers p2.
        harness.processWatermark(new Watermark(5_000));
        assertThat(emitted()).as("inside their arrival hold").isEmpty();
        harness.setProcessingTime(30_500);
        send(event(progress("p2", "u1", "lim", 2, 2_200, "0", "10")));

        harness.setProcessingTime(32_000);
        assertThat(emitted()).containsExactly("lim@1:0", "lim@2:10", "lim@3:15");
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void withoutIdlenessEventsAheadOfTheWatermarkGoAsSoonAsItPassesThem() throws Exception {
        reopenWith(2_000, 1_000);
        harness.setProcessingTime(1_000);
        send(event(created("c", "u1", "lim", 1, 2_000, "100")));
        harness.processWatermark(new Watermark(2_000));
        assertThat(emitted()).containsExactly("lim@1:0");
    }
}
