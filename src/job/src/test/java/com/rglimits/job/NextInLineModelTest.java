package com.rglimits.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.rglimits.deadletter.DeadLetter;
import com.rglimits.deadletter.DeadLetterReason;
import com.rglimits.event.EventParser;
import com.rglimits.event.LimitEvent;
import com.rglimits.event.ParsedRecord;
import com.rglimits.limit.UserLimit;
import com.rglimits.testing.GeneratedEvents;
import com.rglimits.testing.KinesisInOrderModel;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fast path against the in-order model: complete streams shuffled inside the out-of-orderness
 * bound, with redeliveries (events and records of other types), rule rejections, invalid records and
 * late events, through the keyed operator with the router's part played here (markers for the other
 * types, the bounded out-of-orderness watermark), with a checkpoint and a restart at a random record.
 * Applying events that are next in line at once must give exactly the versions, table and dead
 * letters of applying every user's events in sequence order, as the operator without it does.
 */
class NextInLineModelTest {
    private static final int USERS = 6;
    private static final long BOUND = 5_000;
    private static final long MAX_HOLD = 600_000;
    private static final long RETENTION = 7L * 24 * 3600 * 1000;

    /** What one run of the operator over the records gave. */
    private static final class Outcome {
        final List<String> versions = new ArrayList<>();
        final Map<String, UserLimit> table = new TreeMap<>();
        final List<String> deadLetters = new ArrayList<>();
        long appliedNextInLine;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
    void appliesExactlyWhatTheInOrderModelApplies(long seed) throws Exception {
        GeneratedEvents generated = GeneratedEvents.generate(seed, USERS, 150, 3_000, true);
        // The stream's last records are events far behind their users' cursors: the model takes them after the rest.
        int late = (USERS + 2) / 3;
        List<byte[]> records = generated.records;
        KinesisInOrderModel model = new KinesisInOrderModel()
                .applyPhase(records.subList(0, records.size() - late))
                .applyPhase(records.subList(records.size() - late, records.size()));

        Outcome fast = run(records, true, seed);
        Outcome waiting = run(records, false, seed);

        for (Outcome o : List.of(fast, waiting)) {
            assertThat(model.versionDifferences(o.versions)).isEmpty();
            assertThat(o.table).isEqualTo(model.limits());
            assertThat(o.deadLetters).containsExactlyInAnyOrderElementsOf(model.deadLetterKeys());
        }
        assertThat(fast.appliedNextInLine).as("most events of a complete stream are next in line on arrival")
                .isGreaterThan(model.appliedCount() / 4);
        assertThat(waiting.appliedNextInLine).isZero();
    }

    /** The records in order through the keyed operator; a checkpoint and a restart at a record chosen by the seed. */
    private static Outcome run(List<byte[]> records, boolean completeStream, long seed) throws Exception {
        Outcome o = new Outcome();
        int restartAt = new Random(seed).nextInt(records.size());
        KeyedOneInputStreamOperatorTestHarness<String, LimitEvent, UserLimit> h = open(completeStream, null);
        long maxCreatedAt = Long.MIN_VALUE;
        long now = 0;
        for (int i = 0; i < records.size(); i++) {
            if (i == restartAt) {
                OperatorSubtaskState snapshot = h.snapshot(i, now);
                collect(h, o);
                h.close();
                h = open(completeStream, snapshot);
            }
            byte[] raw = records.get(i);
            ParsedRecord p = EventParser.parse(raw, null, 0);
            h.setProcessingTime(now += 10);
            switch (p.kind) {
                case EVENT:
                    h.processElement(p.event, p.event.createdAt);
                    maxCreatedAt = Math.max(maxCreatedAt, p.event.createdAt);
                    break;
                case SKIPPED:
                    if (completeStream && p.skippedSequenceNumber != null) {
                        h.processElement(LimitEvent.marker(p.skippedKey, p.skippedSequenceNumber), Long.MIN_VALUE);
                    }
                    if (p.skippedCreatedAt != null) {
                        maxCreatedAt = Math.max(maxCreatedAt, p.skippedCreatedAt);
                    }
                    break;
                default:
                    o.deadLetters.add(DeadLetterReason.INVALID_EVENT + " " + Base64.getEncoder().encodeToString(raw));
            }
            if (i % 10 == 9 && maxCreatedAt != Long.MIN_VALUE) {
                h.processWatermark(new Watermark(maxCreatedAt - BOUND));
            }
        }
        h.processWatermark(new Watermark(Long.MAX_VALUE));
        collect(h, o);
        h.close();
        return o;
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, LimitEvent, UserLimit> open(
            boolean completeStream, OperatorSubtaskState restoreFrom) throws Exception {
        UserLimitOperator operator = new UserLimitOperator(MAX_HOLD, BOUND, 10_000, RETENTION, 3);
        var h = NextInLineTest.newHarness(completeStream ? operator.onCompleteStream() : operator, 1, 0);
        if (restoreFrom != null) {
            h.initializeState(restoreFrom);
        }
        h.open();
        return h;
    }

    /** Takes what the harness emitted (a harness keeps its output until it is closed). */
    private static void collect(KeyedOneInputStreamOperatorTestHarness<String, LimitEvent, UserLimit> h, Outcome o) {
        for (UserLimit l : h.extractOutputValues()) {
            o.versions.add(KinesisInOrderModel.versionKey(l));
            o.table.put(KinesisInOrderModel.key(l), l);
        }
        var side = h.getSideOutput(Descriptors.DEAD_LETTERS);
        if (side != null) {
            for (StreamRecord<DeadLetter> d : side) {
                o.deadLetters.add(d.getValue().reason + " " + Base64.getEncoder().encodeToString(d.getValue().record));
            }
        }
        o.appliedNextInLine += ((UserLimitOperator) h.getOperator()).gauges().appliedNextInLine.getCount();
    }
}
