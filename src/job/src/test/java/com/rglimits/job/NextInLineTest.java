package com.rglimits.job;

import static com.rglimits.testing.Events.created;
import static com.rglimits.testing.Events.event;
import static com.rglimits.testing.Events.progress;
import static org.assertj.core.api.Assertions.assertThat;

import com.rglimits.event.JumpVerdict;
import com.rglimits.event.LimitEvent;
import com.rglimits.limit.UserLimit;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackend;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The keyed operator on a complete stream ({@code ordering.complete-stream}): an event that is next in
 * line for its user is applied on arrival; everything else waits for the watermark as before.
 */
class NextInLineTest {
    private static final long MAX_HOLD = 30_000;
    private static final long ARRIVAL_HOLD = 5_000;
    private static final long RETENTION = 7L * 24 * 3600 * 1000;
    private static final int MAX_PARALLELISM = 128;

    private KeyedOneInputStreamOperatorTestHarness<String, LimitEvent, UserLimit> harness;

    static KeyedOneInputStreamOperatorTestHarness<String, LimitEvent, UserLimit> newHarness(
            UserLimitOperator operator, int parallelism, int subtask) throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, LimitEvent, UserLimit> h = new KeyedOneInputStreamOperatorTestHarness<>(
                operator, e -> e.userId, Types.STRING, MAX_PARALLELISM, parallelism, subtask);
        h.setStateBackend(new EmbeddedRocksDBStateBackend());
        h.getExecutionConfig().disableGenericTypes();
        return h;
    }

    private static UserLimitOperator completeStream() {
        return new UserLimitOperator(MAX_HOLD, ARRIVAL_HOLD, 10_000, RETENTION, 1_000).onCompleteStream();
    }

    @BeforeEach
    void open() throws Exception {
        harness = newHarness(completeStream(), 1, 0);
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private void send(LimitEvent e) throws Exception {
        harness.processElement(e, e.createdAt);
    }

    private void marker(String userId, long sequenceNumber) throws Exception {
        harness.processElement(LimitEvent.marker(userId, sequenceNumber), Long.MIN_VALUE);
    }

    private List<String> emitted() {
        return harness.extractOutputValues().stream()
                .map(l -> l.userId + ":" + l.userLimitId + "@" + l.lastSequenceNumber + ":" + l.progress.toPlainString())
                .collect(Collectors.toList());
    }

    private List<String> deadLetters() {
        var out = harness.getSideOutput(Descriptors.DEAD_LETTERS);
        return out == null ? List.of() : out.stream().map(StreamRecord::getValue)
                .map(d -> d.eventId + ":" + d.reason).collect(Collectors.toList());
    }

    /** User u1 with limit lim, its CREATED (seq 1) applied by the watermark: the cursor is at 1. */
    private void userWithCursorAtOne() throws Exception {
        send(event(created("c", "u1", "lim", 1, 1_000, "100")));
        harness.processWatermark(new Watermark(1_000));
        assertThat(emitted()).containsExactly("u1:lim@1:0");
    }

    @Test
    void anEventThatFollowsTheCursorIsAppliedOnArrivalWithoutTheWatermark() throws Exception {
        userWithCursorAtOne();

        send(event(progress("p2", "u1", "lim", 2, 60_000, "0", "10")));

        assertThat(emitted()).containsExactly("u1:lim@1:0", "u1:lim@2:10");
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void withoutTheSettingTheSameEventWaitsForTheWatermark() throws Exception {
        harness.close();
        harness = newHarness(new UserLimitOperator(MAX_HOLD, ARRIVAL_HOLD, 10_000, RETENTION, 1_000), 1, 0);
        harness.open();
        userWithCursorAtOne();

        send(event(progress("p2", "u1", "lim", 2, 60_000, "0", "10")));
        assertThat(emitted()).containsExactly("u1:lim@1:0");

        harness.processWatermark(new Watermark(60_000));
        assertThat(emitted()).containsExactly("u1:lim@1:0", "u1:lim@2:10");
    }

    @Test
    void aRecordOfAnotherTypeFillsTheGapToTheNextEvent() throws Exception {
        userWithCursorAtOne();

        marker("u1", 2);
        marker("u1", 3);
        send(event(progress("p4", "u1", "lim", 4, 60_000, "0", "10")));

        assertThat(emitted()).containsExactly("u1:lim@1:0", "u1:lim@4:10");
    }

    @Test
    void anEventAfterAGapWaitsUntilTheGapIsFilledThenFollowsAtOnceWithWhatItUnblocks() throws Exception {
        userWithCursorAtOne();
        send(event(progress("p4", "u1", "lim", 4, 60_000, "10", "5")));
        send(event(progress("p5", "u1", "lim", 5, 60_100, "15", "1")));
        assertThat(emitted()).as("3 and 2 are not seen yet").containsExactly("u1:lim@1:0");

        marker("u1", 3); // ahead of the gap at 2: dropped
        assertThat(emitted()).containsExactly("u1:lim@1:0");
        send(event(progress("p2", "u1", "lim", 2, 59_000, "0", "10")));
        assertThat(emitted()).as("2 is next; 3's marker was dropped, so 4 waits").containsExactly("u1:lim@1:0", "u1:lim@2:10");

        marker("u1", 3); // the producer's record of 3 again (a redelivery, or in order this time)
        assertThat(emitted()).containsExactly("u1:lim@1:0", "u1:lim@2:10", "u1:lim@4:15", "u1:lim@5:16");
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void aUsersFirstEventWaitsForTheWatermarkAndThoseAfterItDoNot() throws Exception {
        send(event(created("c", "u1", "lim", 7, 1_000, "100")));
        marker("u1", 8);
        send(event(progress("p9", "u1", "lim", 9, 1_100, "0", "1")));
        assertThat(emitted()).as("nothing is known of the numbers before 7").isEmpty();

        harness.processWatermark(new Watermark(1_000));
        assertThat(emitted()).as("7 applied by the watermark; 8 was seen before 7, so 9 waits too").containsExactly("u1:lim@7:0");
        harness.processWatermark(new Watermark(1_100));
        assertThat(emitted()).containsExactly("u1:lim@7:0", "u1:lim@9:1");

        send(event(progress("p10", "u1", "lim", 10, 1_200, "1", "1")));
        assertThat(emitted()).containsExactly("u1:lim@7:0", "u1:lim@9:1", "u1:lim@10:2");
    }

    @Test
    void heldEventsReleasedByTheWatermarkUnblockTheNextOnes() throws Exception {
        userWithCursorAtOne();
        send(event(progress("p3", "u1", "lim", 3, 2_000, "0", "1")));
        send(event(progress("p4", "u1", "lim", 4, 90_000, "1", "1")));
        assertThat(emitted()).containsExactly("u1:lim@1:0");

        harness.processWatermark(new Watermark(2_000));

        assertThat(emitted()).as("3 released by the watermark (2 never came); 4 is next after it")
                .containsExactly("u1:lim@1:0", "u1:lim@3:1", "u1:lim@4:2");
    }

    @Test
    void aRedeliveryOfAnEventAppliedAtOnceIsADuplicateAndAStaleMarkerChangesNothing() throws Exception {
        userWithCursorAtOne();
        LimitEvent p2 = event(progress("p2", "u1", "lim", 2, 60_000, "0", "10"));
        send(p2);
        marker("u1", 2);
        marker("u1", 1);
        send(event(progress("p2", "u1", "lim", 2, 60_000, "0", "10")));

        assertThat(emitted()).containsExactly("u1:lim@1:0", "u1:lim@2:10");
        assertThat(deadLetters()).isEmpty();
        harness.processWatermark(new Watermark(Long.MAX_VALUE));
        assertThat(emitted()).hasSize(2);
    }

    @Test
    void anOlderEventArrivingAfterTheCursorPassedItIsStillLate() throws Exception {
        userWithCursorAtOne();
        marker("u1", 2);
        send(event(progress("p3", "u1", "lim", 3, 60_000, "0", "10")));

        send(event(progress("p0", "u1", "lim", 0, 500, "0", "1")));

        assertThat(emitted()).containsExactly("u1:lim@1:0", "u1:lim@3:10");
        assertThat(deadLetters()).containsExactly("p0:LATE_EVENT");
    }

    @Test
    void aRuleRejectionTakesItsNumberAndTheNextEventFollowsIt() throws Exception {
        userWithCursorAtOne();
        send(event(progress("p2", "u1", "other", 2, 60_000, "0", "10")));
        send(event(progress("p3", "u1", "lim", 3, 60_100, "0", "4")));

        assertThat(deadLetters()).containsExactly("p2:UNKNOWN_LIMIT");
        assertThat(emitted()).containsExactly("u1:lim@1:0", "u1:lim@3:4");
    }

    @Test
    void anUnconfirmedJumpIsNeverNextInLineAndWaitsForItsVerdict() throws Exception {
        userWithCursorAtOne();
        LimitEvent jump = event(progress("j2", "u1", "lim", 2, 400_000_000L, "0", "10"));
        jump.jumpedFrom = 1_000L;
        send(jump);
        send(event(progress("p3", "u1", "lim", 3, 2_000, "10", "1")));
        assertThat(emitted()).containsExactly("u1:lim@1:0");

        harness.processElement(LimitEvent.verdict("u1", "j2", JumpVerdict.REFUTED), Long.MIN_VALUE);

        assertThat(deadLetters()).containsExactly("j2:INVALID_EVENT");
        harness.processWatermark(new Watermark(2_000));
        assertThat(emitted()).as("3 waited for the watermark: the refuted jump left a gap at 2")
                .containsExactly("u1:lim@1:0", "u1:lim@3:11");
    }

    @Test
    void aConfirmedJumpThatIsNextInLineIsAppliedWithItsConfirmation() throws Exception {
        userWithCursorAtOne();
        LimitEvent jump = event(progress("j2", "u1", "lim", 2, 400_000_000L, "0", "10"));
        jump.jumpedFrom = 1_000L;
        send(jump);
        assertThat(emitted()).containsExactly("u1:lim@1:0");

        harness.processElement(LimitEvent.verdict("u1", "j2", JumpVerdict.CONFIRMED), Long.MIN_VALUE);

        assertThat(emitted()).containsExactly("u1:lim@1:0", "u1:lim@2:10");
    }

    @Test
    void anEventBehindTheWatermarkThatIsNextInLineSkipsTheArrivalHold() throws Exception {
        userWithCursorAtOne();
        harness.processWatermark(new Watermark(50_000));
        harness.setProcessingTime(1_000);

        send(event(progress("p2", "u1", "lim", 2, 10_000, "0", "10")));

        assertThat(emitted()).containsExactly("u1:lim@1:0", "u1:lim@2:10");
    }

    @Test
    void whatTheMarkersTaughtSurvivesACheckpointAndARestore() throws Exception {
        userWithCursorAtOne();
        marker("u1", 2);
        OperatorSubtaskState snapshot = harness.snapshot(1L, 1L);
        harness.close();

        harness = newHarness(completeStream(), 1, 0);
        harness.initializeState(snapshot);
        harness.open();
        send(event(progress("p3", "u1", "lim", 3, 60_000, "0", "10")));

        assertThat(emitted()).as("3 follows the 2 seen before the checkpoint").containsExactly("u1:lim@3:10");
    }

    @Test
    void aHeldEventAndTheCursorSurviveARescaleAndTheGapIsFilledAfterIt() throws Exception {
        List<String> users = new ArrayList<>();
        for (int u = 0; u < 20; u++) {
            users.add("user-" + u);
        }
        for (String u : users) {
            send(event(created("c-" + u, u, "lim", 1, 1_000, "100")));
        }
        harness.processWatermark(new Watermark(1_000));
        for (String u : users) {
            marker(u, 2);
            send(event(progress("p4-" + u, u, "lim", 4, 60_000, "0", "7"))); // held: 3 not seen
        }
        OperatorSubtaskState snapshot = harness.snapshot(1L, 1L);
        harness.close();

        List<String> out = new ArrayList<>();
        for (int subtask = 0; subtask < 2; subtask++) {
            OperatorSubtaskState part = AbstractStreamOperatorTestHarness.repartitionOperatorState(
                    snapshot, MAX_PARALLELISM, 1, 2, subtask);
            var h = newHarness(completeStream(), 2, subtask);
            h.initializeState(part);
            h.open();
            for (String u : users) {
                int keyGroup = KeyGroupRangeAssignment.assignToKeyGroup(u, MAX_PARALLELISM);
                if (KeyGroupRangeAssignment.computeKeyGroupRangeForOperatorIndex(MAX_PARALLELISM, 2, subtask).contains(keyGroup)) {
                    h.processElement(LimitEvent.marker(u, 3), Long.MIN_VALUE);
                }
            }
            h.extractOutputValues().forEach(l -> out.add(l.userId + ":" + l.userLimitId + "@" + l.lastSequenceNumber));
            assertThat(h.getSideOutput(Descriptors.DEAD_LETTERS)).isNullOrEmpty();
            h.close();
        }
        assertThat(out).containsExactlyInAnyOrderElementsOf(users.stream().map(u -> u + ":lim@4").collect(Collectors.toList()));
    }

    @Test
    void onABoundedInputAMarkersSplitWatermarkReleasesWhatItPassesFirst() throws Exception {
        harness.close();
        harness = newHarness(UserLimitOperator.orderedByRecords(RETENTION, 1_000).onCompleteStream(), 1, 0);
        harness.open();
        LimitEvent c = event(created("c", "u1", "lim", 1, 1_000, "100"));
        c.splitWatermark = Long.MIN_VALUE;
        send(c);
        LimitEvent m = LimitEvent.marker("u1", 2);
        m.splitWatermark = 1_000;
        harness.processElement(m, Long.MIN_VALUE);
        assertThat(emitted()).as("the marker's split watermark released 1, then 2 followed it").containsExactly("u1:lim@1:0");

        LimitEvent p3 = event(progress("p3", "u1", "lim", 3, 1_500, "0", "2"));
        p3.splitWatermark = 1_000;
        send(p3);

        assertThat(emitted()).containsExactly("u1:lim@1:0", "u1:lim@3:2");
    }

    @Test
    void theOperatorCountsWhatItAppliedNextInLine() throws Exception {
        userWithCursorAtOne();
        send(event(progress("p3", "u1", "lim", 3, 60_000, "0", "1")));
        marker("u1", 2);

        assertThat(emitted()).containsExactly("u1:lim@1:0", "u1:lim@3:1");
        UserLimitOperator operator = (UserLimitOperator) harness.getOperator();
        assertThat(operator.gauges().appliedNextInLine.getCount()).isEqualTo(1);
    }

    @Test
    void onATieOnSequenceTheFirstToArriveWinsWhenItIsNextInLine() throws Exception {
        userWithCursorAtOne();
        send(event(progress("p2-late", "u1", "lim", 2, 60_000, "0", "10")));
        send(event(progress("p2-early", "u1", "lim", 2, 59_000, "0", "20")));

        assertThat(emitted()).as("numbers are unique per user on a complete stream: a second 2 cannot be first")
                .containsExactly("u1:lim@1:0", "u1:lim@2:10");
        assertThat(deadLetters()).containsExactly("p2-early:LATE_EVENT");
    }
}
