package com.rglimits.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializerSnapshot;
import org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackend;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.memory.DataInputViewStreamWrapper;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.SavepointType;
import org.apache.flink.runtime.state.KeyGroupsStateHandle;
import org.apache.flink.runtime.state.KeyedBackendSerializationProxy;
import org.apache.flink.runtime.state.KeyedStateHandle;
import org.apache.flink.runtime.state.metainfo.StateMetaInfoSnapshot;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

/**
 * {@code user-state} as the previous release wrote it (PojoSerializer) is migrated by RocksDB at the
 * restore: read with the PojoSerializer, rewritten with {@link UserStateSerializer}. The state
 * restored from the next snapshot is then read as is, with no PojoSerializer involved: that read
 * would fail, or give other values, if the bytes were still the PojoSerializer's. The savepoint
 * fixture of {@code UpgradeFromPreviousReleaseIT} restores the same way into the whole job.
 */
class UserStateMigrationTest {
    private static final int MAX_PARALLELISM = 128;
    /** The descriptor of {@code user-state} in the previous release. */
    private static final ValueStateDescriptor<UserState> PREVIOUS_RELEASE_USER_STATE =
            new ValueStateDescriptor<>("user-state", UserStateSerializerTest.PREVIOUS_RELEASE_TYPE);

    @Test
    void theStateDescriptorUsesTheHandWrittenSerializer() {
        assertThat(Descriptors.USER_STATE.getName()).isEqualTo("user-state");
        assertThat(Descriptors.USER_STATE.getSerializer()).isSameAs(UserStateSerializer.INSTANCE);
    }

    @Test
    void stateWrittenByThePreviousReleaseIsMigratedOnceAndThenReadInTheNewFormat() throws Exception {
        Map<String, UserState> users = new TreeMap<>();
        UserState[] states = UserStateSerializerTest.variedStates();
        for (int i = 0; i < states.length; i++) {
            users.put("user-" + i, states[i]);
        }

        OperatorSubtaskState previousRelease = run(PREVIOUS_RELEASE_USER_STATE, null, users, "write");
        assertThat(serializerSnapshotOfUserState(previousRelease)).isInstanceOf(PojoSerializerSnapshot.class);

        // The first restore: the migration. The probe reads every user, and the snapshot after it is written.
        Map<String, UserState> migrated = new HashMap<>();
        OperatorSubtaskState afterMigration = run(Descriptors.USER_STATE, previousRelease, users, "read", migrated);
        assertThat(new TreeMap<>(migrated)).usingRecursiveComparison().isEqualTo(users);
        assertThat(serializerSnapshotOfUserState(afterMigration))
                .isInstanceOf(UserStateSerializer.UserStateSerializerSnapshot.class);

        // The next restore: compatible as is, the bytes read by UserStateSerializer alone.
        Map<String, UserState> readAgain = new HashMap<>();
        run(Descriptors.USER_STATE, afterMigration, users, "read", readAgain);
        assertThat(new TreeMap<>(readAgain)).usingRecursiveComparison().isEqualTo(users);
    }

    private static OperatorSubtaskState run(ValueStateDescriptor<UserState> descriptor, OperatorSubtaskState restored,
            Map<String, UserState> users, String action) throws Exception {
        return run(descriptor, restored, users, action, new HashMap<>());
    }

    /** Runs the probe over every user ("write" their state, or "read" it into {@code read}) and snapshots it. */
    private static OperatorSubtaskState run(ValueStateDescriptor<UserState> descriptor, OperatorSubtaskState restored,
            Map<String, UserState> users, String action, Map<String, UserState> read) throws Exception {
        StateProbe probe = new StateProbe(descriptor);
        try (KeyedOneInputStreamOperatorTestHarness<String, String, String> h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(probe), s -> s.substring(0, s.indexOf('/')), Types.STRING, MAX_PARALLELISM, 1, 0)) {
            h.setStateBackend(new EmbeddedRocksDBStateBackend(true));
            h.getExecutionConfig().disableGenericTypes();
            if (restored != null) {
                h.initializeState(restored);
            }
            h.open();
            StateProbe.users = users;
            StateProbe.read = read;
            for (String userId : users.keySet()) {
                h.processElement(new StreamRecord<>(userId + "/" + action));
            }
            // A canonical savepoint, as the release's savepoint fixtures are: self-contained, in the full format.
            return h.snapshotWithLocalState(1L, 1L, SavepointType.savepoint(SavepointFormatType.CANONICAL))
                    .getJobManagerOwnedState();
        }
    }

    /** The serializer snapshot that a savepoint's keyed state metadata (written ahead of its key groups) holds for user-state. */
    private static TypeSerializerSnapshot<?> serializerSnapshotOfUserState(OperatorSubtaskState state) throws IOException {
        KeyedStateHandle handle = state.getManagedKeyedState().iterator().next();
        try (FSDataInputStream in = ((KeyGroupsStateHandle) handle).openInputStream()) {
            KeyedBackendSerializationProxy<String> metadata =
                    new KeyedBackendSerializationProxy<>(UserStateMigrationTest.class.getClassLoader());
            metadata.read(new DataInputViewStreamWrapper(in));
            for (StateMetaInfoSnapshot s : metadata.getStateMetaInfoSnapshots()) {
                if (s.getName().equals("user-state")) {
                    return s.getTypeSerializerSnapshot(StateMetaInfoSnapshot.CommonSerializerKeys.VALUE_SERIALIZER);
                }
            }
        }
        throw new AssertionError("no user-state in the snapshot");
    }

    /** Writes a user's state from {@link #users} ("write"), or reads it into {@link #read} ("read"). */
    static final class StateProbe extends KeyedProcessFunction<String, String, String> {
        static Map<String, UserState> users;
        static Map<String, UserState> read;
        private final ValueStateDescriptor<UserState> descriptor;

        StateProbe(ValueStateDescriptor<UserState> descriptor) {
            this.descriptor = descriptor;
        }

        @Override
        public void processElement(String value, Context ctx, Collector<String> out) throws Exception {
            ValueState<UserState> state = getRuntimeContext().getState(descriptor);
            String userId = ctx.getCurrentKey();
            if (value.endsWith("/write")) {
                state.update(users.get(userId));
            } else {
                read.put(userId, state.value());
            }
        }
    }
}
