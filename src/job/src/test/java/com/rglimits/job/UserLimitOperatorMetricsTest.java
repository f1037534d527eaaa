package com.rglimits.job;

import static com.rglimits.testing.Events.created;
import static com.rglimits.testing.Events.event;
import static org.assertj.core.api.Assertions.assertThat;

import com.rglimits.event.LimitEvent;
import com.rglimits.limit.UserLimit;
import com.rglimits.metrics.ExportedMetrics;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackend;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.clusterframework.types.ResourceID;
import org.apache.flink.runtime.executiongraph.ExecutionAttemptID;
import org.apache.flink.runtime.metrics.groups.TaskManagerMetricGroup;
import org.apache.flink.runtime.metrics.groups.TaskMetricGroup;
import org.apache.flink.runtime.metrics.util.TestingMetricRegistry;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The operator metrics of {@link UserLimitOperator}: what they report and where they are registered. */
class UserLimitOperatorMetricsTest {
    private static final long MAX_HOLD = 30_000;
    private static final long RETENTION = 7L * 24 * 3600 * 1000;
    private static final long WALL_CLOCK = 100_000;

    /** "scope.name" of every metric the operator registered, e.g. "kinesisanalytics.heldEvents". */
    private final List<String> registered = new ArrayList<>();
    private final List<Gauge<?>> exportedGauges = new ArrayList<>();

    private KeyedOneInputStreamOperatorTestHarness<String, LimitEvent, UserLimit> harness(UserLimitOperator processor)
            throws Exception {
        TestingMetricRegistry registry = TestingMetricRegistry.builder()
                .setRegisterConsumer((metric, name, group) -> {
                    List<String> scope = new ArrayList<>();
                    for (String s : group.getScopeComponents()) {
                        scope.add(s);
                    }
                    int user = scope.indexOf(ExportedMetrics.GROUP) >= 0 ? scope.indexOf(ExportedMetrics.GROUP)
                            : Math.max(scope.indexOf(Accounting.GROUP),
                                    Math.max(scope.indexOf(OrderingGauges.GROUP), scope.indexOf(WriteBackMetrics.GROUP)));
                    if (user >= 0) {
                        registered.add(String.join(".", scope.subList(user, scope.size())) + "." + name);
                        if (scope.contains(ExportedMetrics.GROUP) && metric instanceof Gauge) {
                            exportedGauges.add((Gauge<?>) metric);
                        }
                    }
                })
                .build();
        TaskMetricGroup task = TaskManagerMetricGroup.createTaskManagerMetricGroup(registry, "host", ResourceID.generate())
                .addJob(new JobID(), "job")
                .addTask(ExecutionAttemptID.randomId(), "task");
        MockEnvironment env = new MockEnvironmentBuilder().setMetricGroup(task).build();
        processor.setWallClock(() -> WALL_CLOCK);
        KeyedOneInputStreamOperatorTestHarness<String, LimitEvent, UserLimit> h = new KeyedOneInputStreamOperatorTestHarness<>(
                processor, e -> e.userId, Types.STRING, env);
        h.setStateBackend(new EmbeddedRocksDBStateBackend());
        h.getExecutionConfig().disableGenericTypes();
        return h;
    }

    private static void send(KeyedOneInputStreamOperatorTestHarness<String, LimitEvent, UserLimit> h, LimitEvent e)
            throws Exception {
        h.processElement(e, e.createdAt);
    }

    @Test
    void heldEventsAndWatermarkLagFollowTheBuffer() throws Exception {
        UserLimitOperator p = new UserLimitOperator(MAX_HOLD, 0, 10_000, RETENTION, 1_000);
        try (var h = harness(p)) {
            h.open();
            assertThat(p.gauges().heldEvents()).isZero();
            assertThat(p.gauges().watermarkLagMs()).as("no watermark seen yet").isZero();

            send(h, event(created("a", "u1", "lim", 1, 10_000, "100")));
            send(h, event(created("b", "u2", "lim", 1, 12_000, "100")));
            send(h, event(created("a", "u1", "lim", 1, 10_000, "100"))); // duplicate: not held
            assertThat(p.gauges().heldEvents()).isEqualTo(2);

            h.processWatermark(new Watermark(10_000));
            assertThat(p.gauges().heldEvents()).isEqualTo(1);
            assertThat(p.gauges().watermarkLagMs()).isEqualTo(WALL_CLOCK - 10_000);

            h.processWatermark(new Watermark(20_000));
            assertThat(p.gauges().heldEvents()).isZero();
            send(h, event(created("c", "u3", "lim", 1, 15_000, "100"))); // behind the watermark: applied at once
            assertThat(p.gauges().heldEvents()).isZero();
            assertThat(p.gauges().watermarkLagMs()).isEqualTo(WALL_CLOCK - 20_000);
            assertThat(h.extractOutputValues()).hasSize(3);

            // The processing-time bound releases too.
            send(h, event(created("d", "u4", "lim", 1, 50_000, "100")));
            assertThat(p.gauges().heldEvents()).isEqualTo(1);
            h.setProcessingTime(MAX_HOLD + UserLimitOperator.WAKE_UP_RESOLUTION_MS);
            assertThat(p.gauges().heldEvents()).isZero();
        }
    }

    @Test
    void afterARestoreTheRestoredEventsAreCountedToo() throws Exception {
        UserLimitOperator first = new UserLimitOperator(MAX_HOLD, 0, 10_000, RETENTION, 1_000);
        OperatorSubtaskState snapshot;
        try (var h = harness(first)) {
            h.open();
            send(h, event(created("a", "u1", "lim", 1, 10_000, "100")));
            send(h, event(created("b", "u2", "lim", 1, 12_000, "100")));
            snapshot = h.snapshot(1L, 1L);
        }

        UserLimitOperator restored = new UserLimitOperator(MAX_HOLD, 0, 10_000, RETENTION, 1_000);
        try (var h = harness(restored)) {
            h.setProcessingTime(5_000);
            h.initializeState(snapshot);
            h.open();
            send(h, event(created("c", "u3", "lim", 1, 11_000, "100")));
            assertThat(restored.gauges().heldEvents()).as("the two restored events and the new one").isEqualTo(3);
            h.processWatermark(new Watermark(10_500));
            assertThat(restored.gauges().heldEvents()).isEqualTo(2);
            h.processWatermark(new Watermark(20_000));
            assertThat(restored.gauges().heldEvents()).isZero();
            assertThat(h.extractOutputValues()).hasSize(3);
        }
    }

    @Test
    void eachWriteBackIsCountedWithTheUsersItWroteAtCheckpointsAndWhenTheCacheIsFull() throws Exception {
        UserLimitOperator p = new UserLimitOperator(MAX_HOLD, 0, 10_000, RETENTION, 4);
        try (var h = harness(p)) {
            h.open();
            WriteBackMetrics m = p.writeBacks();
            send(h, event(created("a", "u1", "lim", 1, 10_000, "100")));
            send(h, event(created("b", "u2", "lim", 1, 12_000, "100")));
            h.snapshot(1L, 1L);
            assertThat(m.checkpointWriteBacks.getCount()).isEqualTo(1);
            assertThat(m.checkpointUsers.getCount()).as("two users' eventId hashes").isEqualTo(2);
            assertThat(m.checkpointHeldUsers.getCount()).as("both hold their event").isEqualTo(2);

            h.processWatermark(new Watermark(20_000));
            h.snapshot(2L, 2L);
            assertThat(m.checkpointUsers.getCount()).as("both limits applied since").isEqualTo(4);
            assertThat(m.checkpointHeldUsers.getCount()).as("both held events taken out of state").isEqualTo(4);
            h.snapshot(3L, 3L);
            assertThat(m.checkpointWriteBacks.getCount()).isEqualTo(3);
            assertThat(m.checkpointUsers.getCount()).as("nothing changed").isEqualTo(4);
            assertThat(m.checkpointHeldUsers.getCount()).isEqualTo(4);
            assertThat(m.checkpointMicros.getCount()).isNotNegative();
            assertThat(m.evictions.getCount()).isZero();

            // Behind the watermark, applied at once: four users fill the cache, the fifth's event empties a quarter of it.
            send(h, event(created("c", "u3", "lim", 1, 15_000, "100")));
            send(h, event(created("d", "u4", "lim", 1, 15_000, "100")));
            assertThat(m.evictions.getCount()).isZero();
            send(h, event(created("e", "u5", "lim", 1, 15_000, "100")));
            assertThat(m.evictions.getCount()).isEqualTo(1);
            assertThat(m.checkpointWriteBacks.getCount()).as("an eviction is not a checkpoint").isEqualTo(3);
            h.snapshot(4L, 4L);
            assertThat(m.checkpointUsers.getCount()).as("u3 and u4 were written before the eviction; u5 since").isEqualTo(5);
            assertThat(h.extractOutputValues()).hasSize(5);
        }
    }

    /**
     * A full cache writes the users back, not the held events: a user holding events is not evicted, so its
     * held events go to state at the next checkpoint, and a restore from it brings them back.
     */
    @Test
    void aFullCacheWritesNoHeldEventsTheyGoToStateAtCheckpointsOnly() throws Exception {
        UserLimitOperator p = new UserLimitOperator(MAX_HOLD, 0, 10_000, RETENTION, 4);
        OperatorSubtaskState snapshot;
        try (var h = harness(p)) {
            h.open();
            WriteBackMetrics m = p.writeBacks();
            h.processWatermark(new Watermark(14_000));
            send(h, event(created("held", "u1", "lim", 1, 20_000, "100")));
            send(h, event(created("released-later", "u2", "lim", 1, 21_000, "100")));
            // Behind the watermark, applied at once: the fifth user finds the cache full.
            for (String u : List.of("u3", "u4", "u5")) {
                send(h, event(created("c-" + u, u, "lim", 1, 13_000, "100")));
            }
            assertThat(m.evictions.getCount()).isEqualTo(1);
            assertThat(p.gauges().heldEvents()).isEqualTo(2);

            snapshot = h.snapshot(1L, 1L);
            assertThat(m.checkpointHeldUsers.getCount()).as("u1 and u2's held events, written by the checkpoint").isEqualTo(2);

            h.processWatermark(new Watermark(30_000));
            h.snapshot(2L, 2L);
            assertThat(m.checkpointHeldUsers.getCount()).as("both taken out of state again").isEqualTo(4);
            assertThat(h.extractOutputValues()).extracting(l -> l.userId).containsExactlyInAnyOrder("u1", "u2", "u3", "u4", "u5");
        }

        UserLimitOperator restored = new UserLimitOperator(MAX_HOLD, 0, 10_000, RETENTION, 4);
        try (var h = harness(restored)) {
            h.initializeState(snapshot);
            h.open();
            assertThat(restored.gauges().heldEvents()).as("restored from the checkpoint").isEqualTo(2);
            h.processWatermark(new Watermark(30_000));
            assertThat(h.extractOutputValues()).extracting(l -> l.userId + "@" + l.lastSequenceNumber)
                    .containsExactlyInAnyOrder("u1@1", "u2@1");
        }
    }

    @Test
    void operatorMetricsAreRegisteredTwiceTheSecondTimeForCloudWatch() throws Exception {
        try (var h = harness(new UserLimitOperator(MAX_HOLD, 0, 10_000, RETENTION, 1_000))) {
            h.open();
        }
        assertThat(registered).contains(
                "ordering.heldEvents",
                "ordering.watermarkLagMs",
                "accounting.applied",
                "accounting.duplicates",
                "accounting.progress_mismatches",
                "accounting.dead_lettered.LATE_EVENT",
                "accounting.dead_lettered.UNKNOWN_LIMIT",
                "accounting.dead_lettered.LIMIT_ALREADY_EXISTS",
                "kinesisanalytics.heldEvents",
                "kinesisanalytics.watermarkLagMs",
                "kinesisanalytics.applied",
                "kinesisanalytics.duplicates",
                "kinesisanalytics.progress_mismatches",
                "kinesisanalytics.reason.LATE_EVENT.dead_lettered",
                "kinesisanalytics.reason.UNKNOWN_LIMIT.dead_lettered",
                "kinesisanalytics.reason.LIMIT_ALREADY_EXISTS.dead_lettered",
                "writeBack.checkpointWriteBacks",
                "writeBack.checkpointWriteBackUsers",
                "writeBack.checkpointWriteBackHeldUsers",
                "writeBack.checkpointWriteBackMicros",
                "writeBack.lastCheckpointWriteBackMs",
                "writeBack.cacheEvictions",
                "writeBack.cacheEvictionMicros",
                "kinesisanalytics.checkpointWriteBacks",
                "kinesisanalytics.checkpointWriteBackUsers",
                "kinesisanalytics.checkpointWriteBackHeldUsers",
                "kinesisanalytics.checkpointWriteBackMicros",
                "kinesisanalytics.lastCheckpointWriteBackMs",
                "kinesisanalytics.cacheEvictions",
                "kinesisanalytics.cacheEvictionMicros");
        assertThat(exportedGauges).hasSize(3);
    }
}
