package com.rglimits.job;

import com.rglimits.deadletter.DeadLetter;
import com.rglimits.event.LimitEvent;
import com.rglimits.event.LimitEventTypeInfo;
import com.rglimits.limit.UserLimit;
import java.time.Duration;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.util.OutputTag;

/**
 * The job's state descriptors and side-output tags, in one place. State names are part of the
 * savepoint format: never rename them.
 */
public final class Descriptors {
    /** The POJO type: for state, where the savepoints hold events written by its serializer. */
    public static final TypeInformation<LimitEvent> LIMIT_EVENT_TYPE = TypeInformation.of(LimitEvent.class);
    /**
     * For events crossing the network from the router to the keyed operator: a hand-written
     * serializer, which reads much faster than the POJO one. Never for state.
     */
    public static final TypeInformation<LimitEvent> LIMIT_EVENT_WIRE_TYPE = new LimitEventTypeInfo();
    public static final TypeInformation<UserLimit> USER_LIMIT_TYPE = TypeInformation.of(UserLimit.class);
    public static final TypeInformation<DeadLetter> DEAD_LETTER_TYPE = TypeInformation.of(DeadLetter.class);

    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters", DEAD_LETTER_TYPE);

    /**
     * Per user: its limits and sequence cursor, in one value, with a hand-written serializer. The
     * previous release wrote it with the PojoSerializer; Flink migrates that state at the restore.
     */
    public static final ValueStateDescriptor<UserState> USER_STATE =
            new ValueStateDescriptor<>("user-state", UserStateSerializer.INSTANCE);

    /**
     * Per user: userLimitId to the limit, as releases up to 2026-11-30 kept them. Read for a user
     * without {@link #USER_STATE}, and cleared when the user is written in the new layout.
     */
    public static final MapStateDescriptor<String, UserLimit> LEGACY_LIMITS =
            new MapStateDescriptor<>("limits", Types.STRING, USER_LIMIT_TYPE);

    /** Per user: the sequence cursor, as releases up to 2026-11-30 kept it; see {@link #LEGACY_LIMITS}. */
    public static final ValueStateDescriptor<Long> LEGACY_LAST_SEQUENCE = new ValueStateDescriptor<>("last-sequence", Types.LONG);

    /** Operator state of the router (union): every input split's event time, see {@link SplitClock}. */
    public static final ListStateDescriptor<SplitClock> SPLIT_CLOCKS =
            new ListStateDescriptor<>("split-clocks", TypeInformation.of(SplitClock.class));

    /** Per user: events held until the watermark (or the processing-time bound) releases them. */
    public static final ListStateDescriptor<LimitEvent> HELD_EVENTS = new ListStateDescriptor<>("held-events", LIMIT_EVENT_TYPE);

    private Descriptors() {}

    /**
     * Per user: the {@link com.rglimits.ordering.EventIdHash} of the eventIds seen within the dedup
     * retention that {@link UserState#seenHashes} has no room for; appended (a RocksDB merge, no read)
     * when a checkpoint is taken, read only for an event at or behind its user's sequence cursor. Each
     * hash expires on its own.
     */
    public static ListStateDescriptor<Long> seenEventHashes(Duration retention) {
        ListStateDescriptor<Long> d = new ListStateDescriptor<>("seen-event-hashes", Types.LONG);
        d.enableTimeToLive(dedupTtl(retention));
        return d;
    }

    /**
     * Per user: eventIds seen within the dedup retention, to their sequenceNumber: the dedup set of the
     * releases up to 2026-11-30. Read, never written: its entries expire within the retention after
     * an upgrade, while the job remembers new ids in {@link #seenEventHashes}.
     */
    public static MapStateDescriptor<String, Long> legacySeenEventIds(Duration retention) {
        MapStateDescriptor<String, Long> d = new MapStateDescriptor<>("seen-event-ids", Types.STRING, Types.LONG);
        d.enableTimeToLive(dedupTtl(retention));
        return d;
    }

    private static StateTtlConfig dedupTtl(Duration retention) {
        return StateTtlConfig.newBuilder(retention)
                .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                .cleanupInRocksdbCompactFilter(1000)
                .build();
    }
}
