package com.rglimits.job;

import static com.rglimits.testing.Events.created;
import static com.rglimits.testing.Events.event;
import static com.rglimits.testing.Events.progress;
import static org.assertj.core.api.Assertions.assertThat;

import com.rglimits.event.LimitEvent;
import com.rglimits.limit.LimitRules;
import com.rglimits.limit.UserLimit;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackend;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

/**
 * A user kept in the layout of the releases up to 2026-11-30 (a {@code limits} map and a
 * {@code last-sequence} cursor) is read from it, and moved to {@code user-state} at its first
 * write-back. The savepoint fixtures prove the same on real savepoints; this shows the move itself.
 */
class UserStateUpgradeTest {
    private static final int MAX_PARALLELISM = 128;

    @Test
    void aUserInTheOldLayoutIsReadFromItAndMovedToTheNewOne() throws Exception {
        UserLimit created = LimitRules.apply(null, event(created("c", "u1", "lim", 3, 1_000, "100"))).limit();
        OperatorSubtaskState oldLayout = withState("u1", "write", created);

        List<String> outcome;
        OperatorSubtaskState written;
        try (KeyedOneInputStreamOperatorTestHarness<String, LimitEvent, UserLimit> h = UserLimitOperatorTest.newHarness(0, 1_000)) {
            h.initializeState(oldLayout);
            h.open();
            LimitEvent late = event(progress("late", "u1", "lim", 2, 5_000, "0", "1"));
            h.processElement(late, late.createdAt);
            LimitEvent next = event(progress("p", "u1", "lim", 4, 5_000, "0", "5"));
            h.processElement(next, next.createdAt);
            h.processWatermark(new Watermark(5_000));
            outcome = h.extractOutputValues().stream().map(l -> l.userLimitId + "@" + l.lastSequenceNumber + ":" + l.progress).collect(Collectors.toList());
            assertThat(h.getSideOutput(Descriptors.DEAD_LETTERS)).extracting(r -> r.getValue().eventId + ":" + r.getValue().reason)
                    .as("the old cursor (3) is read").containsExactly("late:LATE_EVENT");
            written = h.snapshot(1L, 1L);
        }
        assertThat(outcome).as("the old limit is read").containsExactly("lim@4:5");
        assertThat(stateOf("u1", written)).as("moved: the new layout has it, the old one no longer")
                .containsExactly("user-state: cursor 4, limits [lim@4:5]", "old limits: []", "old cursor: null");
    }

    /** Runs a probe over the user's state, as another operator with the same state names would. */
    private static OperatorSubtaskState withState(String userId, String action, UserLimit limit) throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, String, String> h = probe(null)) {
            StateProbe.limit = limit;
            h.processElement(new StreamRecord<>(userId + "/" + action));
            return h.snapshot(1L, 1L);
        }
    }

    private static List<String> stateOf(String userId, OperatorSubtaskState state) throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, String, String> h = probe(state)) {
            h.processElement(new StreamRecord<>(userId + "/read"));
            return h.extractOutputValues();
        }
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, String, String> probe(OperatorSubtaskState state) throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, String, String> h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new StateProbe()), s -> s.substring(0, s.indexOf('/')), Types.STRING, MAX_PARALLELISM, 1, 0);
        h.setStateBackend(new EmbeddedRocksDBStateBackend());
        h.getExecutionConfig().disableGenericTypes();
        if (state != null) {
            h.initializeState(state);
        }
        h.open();
        return h;
    }

    /** Writes the old layout for a user ("write"), or says what both layouts hold ("read"). */
    static final class StateProbe extends KeyedProcessFunction<String, String, String> {
        static UserLimit limit;

        @Override
        public void processElement(String value, Context ctx, Collector<String> out) throws Exception {
            MapState<String, UserLimit> oldLimits = getRuntimeContext().getMapState(Descriptors.LEGACY_LIMITS);
            ValueState<Long> oldCursor = getRuntimeContext().getState(Descriptors.LEGACY_LAST_SEQUENCE);
            ValueState<UserState> user = getRuntimeContext().getState(Descriptors.USER_STATE);
            if (value.endsWith("/write")) {
                oldLimits.put(limit.userLimitId, limit);
                oldCursor.update(limit.lastSequenceNumber);
                return;
            }
            UserState s = user.value();
            out.collect(s == null ? "user-state: none" : "user-state: cursor " + s.lastSequence + ", limits "
                    + s.limits.stream().map(l -> l.userLimitId + "@" + l.lastSequenceNumber + ":" + l.progress).collect(Collectors.toList()));
            StringBuilder old = new StringBuilder();
            for (String id : oldLimits.keys()) {
                old.append(id);
            }
            out.collect("old limits: [" + old + "]");
            out.collect("old cursor: " + oldCursor.value());
        }
    }
}
