package com.rglimits.job;

import static com.rglimits.testing.Events.created;
import static com.rglimits.testing.Events.envelope;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rglimits.event.EventParser;
import com.rglimits.event.LimitEvent;
import com.rglimits.event.LimitEventSerializer;
import com.rglimits.event.ParsedRecord;
import com.rglimits.event.RecordSource;
import com.rglimits.testing.Events;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The router's clocks per input split: split watermarks, jumps and the verdicts on them, through checkpoints. */
class RecordRouterTest {
    private static final long BOUND = 5_000;
    private static final long JUMP = 300_000;
    private static final long T0 = 1_672_531_200_000L; // 2023-01-01, far behind the wall clock
    private static final long YEAR = 365L * 24 * 3600 * 1000;

    private OneInputStreamOperatorTestHarness<ParsedRecord, LimitEvent> harness;

    private void open(boolean bounded, OperatorSubtaskState restore) throws Exception {
        open(new RecordRouter(BOUND, JUMP, 3, 30_000, bounded), restore);
    }

    private void open(RecordRouter router, OperatorSubtaskState restore) throws Exception {
        harness = new OneInputStreamOperatorTestHarness<>(router);
        harness.getExecutionConfig().disableGenericTypes();
        // As on the job's edge to the keyed operator: the POJO serializer would drop the router's own fields.
        harness.setup(LimitEventSerializer.INSTANCE);
        if (restore != null) {
            harness.initializeState(restore);
        }
        // The wall clock: a 2023 record is then not current, and must be confirmed by its split.
        harness.setProcessingTime(System.currentTimeMillis());
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private void send(String split, ObjectNode node) throws Exception {
        ParsedRecord r = EventParser.parse(Events.bytes(node), RecordSource.kinesis("stream", split, "1"), System.currentTimeMillis());
        harness.processElement(new StreamRecord<>(r));
    }

    private void event(String split, String eventId, String user, long createdAt) throws Exception {
        send(split, created(eventId, user, "lim", 1, createdAt, "10"));
    }

    /**
     * The router's output in order: events as "id@splitWatermark[jump from]", verdicts as "VERDICT id",
     * markers as "marker user#seq[@splitWatermark]", watermarks as "W t".
     */
    private List<String> output() {
        List<String> out = new ArrayList<>();
        for (Object o : harness.getOutput()) {
            if (o instanceof Watermark) {
                out.add("W " + ((Watermark) o).getTimestamp());
            } else {
                LimitEvent e = (LimitEvent) ((StreamRecord<?>) o).getValue();
                out.add(e.verdict != null ? e.verdict + " " + e.eventId + " of " + e.userId
                        : e.marker ? "marker " + e.userId + "#" + e.sequenceNumber
                                + (e.splitWatermark == Long.MIN_VALUE ? "" : "@" + (e.splitWatermark - T0))
                        : e.eventId + "@" + (e.splitWatermark == Long.MIN_VALUE ? "-" : Long.toString(e.splitWatermark - T0))
                                + (e.jumpedFrom != null ? " jump from " + (e.jumpedFrom - T0) : ""));
            }
        }
        harness.getOutput().clear();
        return out;
    }

    @Test
    void onABoundedInputEachEventCarriesItsSplitsWatermarkJustBeforeIt() throws Exception {
        open(true, null);
        event("s1", "a1", "a", T0);
        event("s1", "b1", "b", T0 + 100);
        event("s1", "c1", "c", T0 + 200);
        event("s1", "a2", "a", T0 + 10_000);
        event("s2", "x1", "x", T0 + 50_000);
        event("s1", "b2", "b", T0 + 300);

        long w = -BOUND - 1;
        assertThat(output()).containsExactly("a1@-", "b1@-", "c1@-", "a2@" + (200 + w), "x1@-", "b2@" + (10_000 + w));
    }

    @Test
    void aRecordFarAheadOfItsSplitIsAJumpAndIsRefutedWhenTheSplitMovesOnWithoutIt() throws Exception {
        open(false, null);
        event("s1", "a1", "a", T0);
        event("s1", "b1", "b", T0);
        event("s1", "c1", "c", T0);
        send("s1", created("wrong-clock", "d", "lim", 1, T0 + YEAR, "10"));
        // Another type moves event time too, in steps within the bound.
        send("s1", envelope("o1", "LIMIT_USER_CREATED", "e", 7, T0 + JUMP - 1));
        assertThat(output()).containsExactly("a1@-", "b1@-", "c1@-", "wrong-clock@- jump from 0");

        send("s1", envelope("o2", "LIMIT_USER_CREATED", "e", 8, T0 + JUMP));
        assertThat(output()).containsExactly("REFUTED wrong-clock of d");
    }

    @Test
    void aJumpConfirmedByThreeKeysIsConfirmedAndTheSplitFollowsIt() throws Exception {
        open(true, null);
        event("s1", "a1", "a", T0);
        event("s1", "b1", "b", T0);
        event("s1", "c1", "c", T0);
        long later = T0 + 8 * 3600 * 1000;
        event("s1", "a2", "a", later);
        event("s1", "b2", "b", later);
        event("s1", "c2", "c", later + 1);
        event("s1", "c3", "c", later + 2);

        long w = -BOUND - 1;
        long jumpedTo = later - T0;
        assertThat(output()).containsExactly("a1@-", "b1@-", "c1@-", "a2@" + w + " jump from 0", "b2@" + w + " jump from 0",
                "c2@" + w, "CONFIRMED a2 of a", "CONFIRMED b2 of b", "c3@" + (jumpedTo + 1 + w));
    }

    @Test
    void theFinalWatermarkFollowsTheVerdictsOnEveryOpenJump() throws Exception {
        open(true, null);
        event("s1", "a1", "a", T0);
        event("s1", "b1", "b", T0);
        event("s1", "c1", "c", T0);
        event("s2", "a", "a", T0);
        event("s2", "b", "b", T0);
        event("s2", "c", "c", T0);
        event("s1", "j1", "d", T0 + YEAR);
        event("s2", "j2", "e", T0 + YEAR);
        output();

        harness.processWatermark(new Watermark(Long.MAX_VALUE));

        List<String> out = output();
        assertThat(out).hasSize(3).last().isEqualTo("W " + Long.MAX_VALUE);
        assertThat(out.subList(0, 2)).containsExactlyInAnyOrder("REFUTED j1 of d", "REFUTED j2 of e");
    }

    @Test
    void theClocksResumeFromACheckpoint() throws Exception {
        open(false, null);
        event("s1", "a1", "a", T0);
        event("s1", "b1", "b", T0);
        event("s1", "c1", "c", T0);
        event("s1", "j", "d", T0 + YEAR);
        OperatorSubtaskState snapshot = harness.snapshot(1, 1);
        harness.close();

        open(false, snapshot);
        event("s1", "a2", "a", T0 + JUMP / 2);
        assertThat(output()).as("the restored split time: a2 is no jump").containsExactly("a2@-");
        event("s1", "b2", "b", T0 + JUMP);
        assertThat(output()).containsExactly("b2@-", "REFUTED j of d");
    }

    @Test
    void everyRecordIsCountedAndInvalidOnesAreDeadLettered() throws Exception {
        open(true, null);
        event("s1", "a1", "a", T0);
        send("s1", envelope("o1", "LIMIT_USER_CREATED", "e", 7, T0));
        harness.processElement(new StreamRecord<>(EventParser.parse("not json".getBytes(StandardCharsets.UTF_8),
                RecordSource.kinesis("stream", "s1", "9"), 0)));

        assertThat(output()).containsExactly("a1@-");
        assertThat(harness.getSideOutput(Descriptors.DEAD_LETTERS)).singleElement()
                .satisfies(d -> assertThat(d.getValue().error).startsWith("record is not valid JSON"));
    }

    @Test
    void onACompleteStreamARecordOfAnotherTypeGoesToItsUserAsAMarkerWithItsSplitWatermark() throws Exception {
        open(new RecordRouter(BOUND, JUMP, 3, 30_000, true, true), null);
        event("s1", "a1", "a", T0);
        event("s1", "b1", "b", T0);
        event("s1", "c1", "c", T0 + 1_000);
        send("s1", envelope("o1", "LIMIT_USER_CREATED", "e", 7, T0 + 2_000));
        ObjectNode noUser = envelope("o2", "LIMIT_USER_CREATED", "f", 8, T0);
        noUser.remove("aggregateId");
        ((ObjectNode) noUser.get("payload")).remove("userId");
        send("s1", noUser);
        ObjectNode noNumber = envelope("o3", "LIMIT_USER_CREATED", "g", 9, T0);
        noNumber.put("sequenceNumber", "9");
        send("s1", noNumber);

        assertThat(output()).as("only a record that names its user and has an integer number is a marker")
                .containsExactly("a1@-", "b1@-", "c1@-", "marker e#7@" + (1_000 - BOUND - 1));
    }

    @Test
    void withoutTheSettingRecordsOfOtherTypesStopHere() throws Exception {
        open(false, null);
        send("s1", envelope("o1", "LIMIT_USER_CREATED", "e", 7, T0));

        assertThat(output()).isEmpty();
    }
}
