package com.rglimits.job;

import static com.rglimits.testing.Events.created;
import static com.rglimits.testing.Events.event;
import static com.rglimits.testing.Events.progress;
import static org.assertj.core.api.Assertions.assertThat;

import com.rglimits.deadletter.DeadLetter;
import com.rglimits.deadletter.DeadLetterReason;
import com.rglimits.event.JumpVerdict;
import com.rglimits.event.LimitEvent;
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
import org.junit.jupiter.api.Test;

/**
 * The keyed operator on a bounded input (its events carry their split's watermark; no processing
 * time), and the unconfirmed jumps of either input with the router's verdicts on them.
 */
class OrderingByRecordsAndJumpsTest {
    private static final long MAX_HOLD = 30_000;
    private static final long RETENTION = 7L * 24 * 3600 * 1000;
    private static final long YEAR = 365L * 24 * 3600 * 1000;

    private KeyedOneInputStreamOperatorTestHarness<String, LimitEvent, UserLimit> harness;

    private void open(UserLimitOperator operator) throws Exception {
        harness = new KeyedOneInputStreamOperatorTestHarness<>(operator, e -> e.userId, Types.STRING, 128, 1, 0);
        harness.setStateBackend(new EmbeddedRocksDBStateBackend());
        harness.getExecutionConfig().disableGenericTypes();
        harness.open();
    }

    private void openBounded() throws Exception {
        open(UserLimitOperator.orderedByRecords(RETENTION, 1_000));
    }

    private void openUnbounded() throws Exception {
        open(new UserLimitOperator(MAX_HOLD, 0, 10_000, RETENTION, 1_000));
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    /** An event of a bounded input, with its split's watermark just before it. */
    private void send(LimitEvent e, long splitWatermark) throws Exception {
        e.splitWatermark = splitWatermark;
        harness.processElement(e, e.createdAt);
    }

    private void send(LimitEvent e) throws Exception {
        harness.processElement(e, e.createdAt);
    }

    private static LimitEvent jump(LimitEvent e, long from) {
        e.jumpedFrom = from;
        return e;
    }

    private void verdict(String userId, String eventId, JumpVerdict verdict) throws Exception {
        harness.processElement(LimitEvent.verdict(userId, eventId, verdict), Long.MIN_VALUE);
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
    void theSplitWatermarkBeforeAnEventReleasesWhatItPassesBeforeTheEventIsLookedAt() throws Exception {
        openBounded();
        send(event(created("c", "u1", "lim", 1, 1_000, "100")), Long.MIN_VALUE);
        send(event(progress("p3", "u1", "lim", 3, 1_300, "0", "5")), Long.MIN_VALUE);
        assertThat(emitted()).isEmpty();

        // The split's event time passed both before p2 was read: they were released, p2 comes after them.
        send(event(progress("p2", "u1", "lim", 2, 1_200, "0", "1")), 1_300);

        assertThat(emitted()).containsExactly("lim@1:0", "lim@3:5");
        assertThat(deadLetters()).singleElement().satisfies(d -> {
            assertThat(d.reason).isEqualTo(DeadLetterReason.LATE_EVENT);
            assertThat(d.eventId).isEqualTo("p2");
        });
    }

    @Test
    void anEventTheSplitWatermarkHasPassedGoesWithTheHeldEventsBeforeItAndTheRestWaits() throws Exception {
        openBounded();
        send(event(created("c", "u1", "lim", 1, 1_000, "100")), Long.MIN_VALUE);
        send(event(progress("p3", "u1", "lim", 3, 1_300, "1", "5")), Long.MIN_VALUE);

        send(event(progress("p2", "u1", "lim", 2, 1_200, "0", "1")), 1_250);
        assertThat(emitted()).containsExactly("lim@1:0", "lim@2:1");

        harness.processWatermark(new Watermark(Long.MAX_VALUE));
        assertThat(emitted()).containsExactly("lim@1:0", "lim@2:1", "lim@3:6");
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void processingTimeReleasesNothingOnABoundedInput() throws Exception {
        openBounded();
        harness.setProcessingTime(1_000);
        send(event(created("c", "u1", "lim", 1, 5_000, "100")), Long.MIN_VALUE);
        harness.setProcessingTime(1_000 + 10 * MAX_HOLD);
        assertThat(emitted()).isEmpty();
        assertThat(harness.numProcessingTimeTimers()).isZero();

        harness.processWatermark(new Watermark(Long.MAX_VALUE));
        assertThat(emitted()).containsExactly("lim@1:0");
    }

    @Test
    void anUnconfirmedJumpIsNotReleasedWithItsUsersLaterEventAndConfirmedIsAnEventLikeAnyOther() throws Exception {
        openUnbounded();
        send(event(created("c", "u1", "lim", 1, 1_000, "100")));
        send(jump(event(progress("j", "u1", "lim", 2, 1_000 + 600_000, "0", "7")), 1_000));
        send(event(progress("p3", "u1", "lim", 3, 2_000, "7", "1")));

        harness.processWatermark(new Watermark(2_000));
        assertThat(emitted()).as("the jump stays; its user's later event goes").containsExactly("lim@1:0", "lim@3:8");

        verdict("u1", "j", JumpVerdict.CONFIRMED);
        harness.processWatermark(new Watermark(1_000 + 600_000));
        assertThat(emitted()).containsExactly("lim@1:0", "lim@3:8");
        assertThat(deadLetters()).singleElement().satisfies(d -> {
            assertThat(d.reason).isEqualTo(DeadLetterReason.LATE_EVENT);
            assertThat(d.eventId).isEqualTo("j");
        });
    }

    @Test
    void aConfirmedJumpIsReleasedByTheWatermarkInSequenceOrder() throws Exception {
        openUnbounded();
        send(jump(event(created("c", "u1", "lim", 1, 600_000, "100")), 1_000));
        send(event(progress("p2", "u1", "lim", 2, 600_100, "0", "4")));
        verdict("u1", "c", JumpVerdict.CONFIRMED);

        harness.processWatermark(new Watermark(600_100));

        assertThat(emitted()).containsExactly("lim@1:0", "lim@2:4");
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void aRefutedJumpIsAnInvalidEventWithItsOriginalRecordAndIsCounted() throws Exception {
        openUnbounded();
        send(event(created("c", "u1", "lim", 1, 1_000, "100")));
        LimitEvent j = jump(event(progress("j", "u1", "lim", 2, 1_000 + YEAR, "0", "7")), 1_500);
        send(j);

        verdict("u1", "j", JumpVerdict.REFUTED);
        verdict("u1", "j", JumpVerdict.REFUTED);

        assertThat(deadLetters()).singleElement().satisfies(d -> {
            assertThat(d.reason).isEqualTo(DeadLetterReason.INVALID_EVENT);
            assertThat(d.eventId).isEqualTo("j");
            assertThat(d.record).isEqualTo(j.raw);
            assertThat(d.error).isEqualTo("field 'createdAt' is " + (YEAR - 500) + " ms ahead of the event time of its"
                    + " input split (1500), more than ordering.max-jump allows, and its split's records never"
                    + " reached its time");
        });
        harness.processWatermark(new Watermark(Long.MAX_VALUE));
        assertThat(emitted()).containsExactly("lim@1:0");
        assertThat(((UserLimitOperator) harness.getOperator()).gauges().heldEvents()).isZero();
    }

    @Test
    void aJumpStillUnconfirmedWhenTheWatermarkStandsStillForTheBoundIsRefuted() throws Exception {
        openUnbounded();
        harness.setProcessingTime(1_000);
        send(jump(event(created("j", "u1", "lim", 1, 1_000 + YEAR, "100")), 1_000));
        harness.setProcessingTime(1_000 + MAX_HOLD + UserLimitOperator.WAKE_UP_RESOLUTION_MS);

        assertThat(emitted()).isEmpty();
        assertThat(deadLetters()).singleElement().satisfies(d -> assertThat(d.error)
                .endsWith("more than ordering.max-jump allows, and no verdict on it came within the processing-time bound"));
    }

    @Test
    void aJumpWithoutAVerdictAtTheEndOfABoundedInputIsRefuted() throws Exception {
        openBounded();
        send(jump(event(created("j", "u1", "lim", 1, 1_000 + YEAR, "100")), 1_000), Long.MIN_VALUE);

        harness.processWatermark(new Watermark(Long.MAX_VALUE));

        assertThat(emitted()).isEmpty();
        assertThat(deadLetters()).singleElement().satisfies(d -> assertThat(d.error)
                .endsWith("more than ordering.max-jump allows, and the input ended before any verdict on it"));
    }

    @Test
    void aHeldJumpStaysUnconfirmedThroughACheckpointAndARestore() throws Exception {
        openUnbounded();
        send(jump(event(created("j", "u1", "lim", 1, 1_000 + YEAR, "100")), 1_000));
        send(event(created("c", "u1", "other", 2, 2_000, "100")));
        OperatorSubtaskState snapshot = harness.snapshot(1, 1);
        harness.close();

        harness = new KeyedOneInputStreamOperatorTestHarness<>(new UserLimitOperator(MAX_HOLD, 0, 10_000, RETENTION, 1_000),
                e -> e.userId, Types.STRING, 128, 1, 0);
        harness.setStateBackend(new EmbeddedRocksDBStateBackend());
        harness.initializeState(snapshot);
        harness.open();
        harness.processWatermark(new Watermark(2_000));
        assertThat(emitted()).as("not released with the later event").containsExactly("other@2:0");

        verdict("u1", "j", JumpVerdict.REFUTED);
        assertThat(deadLetters()).singleElement().satisfies(d -> assertThat(d.eventId).isEqualTo("j"));
    }
}
