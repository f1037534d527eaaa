package com.rglimits.bench;

import com.rglimits.sink.SinkCost;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What one benchmark scenario shares with the operators it runs in this JVM (the MiniCluster runs
 * in-process): the pre-serialized records, when each was emitted by the source, and when its limit
 * reached the sink. Operators are serialized by Flink, so they reach it through a static field.
 */
public final class BenchRun {
    private static volatile BenchRun current;

    public final BenchEvents events;
    /** System.nanoTime() at which the source emitted record i (0: not emitted). */
    final long[] emittedAt;
    /** Nanoseconds from emission of record i to its limit reaching the sink (-1: none). */
    final long[] latency;
    /** Nanoseconds from emission of record i to the write of its limit being acknowledged (-1: none). */
    final long[] ackLatency;
    /** The cost counters of the DynamoDB sink's writers, when the scenario has one. */
    final List<SinkCost> sinkCosts = new CopyOnWriteArrayList<>();
    final AtomicLong startNanos = new AtomicLong();
    /**
     * A live run: the source emits at the stream's own pace, and event times are moved so that the
     * first record's createdAt is the wall clock at its emission ({@link #eventTimeShift}).
     */
    volatile boolean live;
    private final AtomicLong eventTimeShift = new AtomicLong(Long.MIN_VALUE);
    volatile long startCpuNanos;
    volatile RuntimeCpu startRuntimeCpu;

    BenchRun(BenchEvents events) {
        this.events = events;
        this.emittedAt = new long[events.events];
        this.latency = new long[events.events];
        this.ackLatency = new long[events.events];
        java.util.Arrays.fill(latency, -1L);
        java.util.Arrays.fill(ackLatency, -1L);
    }

    static BenchRun begin(BenchEvents events) {
        BenchRun run = new BenchRun(events);
        current = run;
        return run;
    }

    static BenchRun current() {
        BenchRun run = current;
        if (run == null) {
            throw new IllegalStateException("no benchmark run in this JVM");
        }
        return run;
    }

    /** Called by the source for each record it emits, by the index of the event it carries; a redelivery keeps the first time. */
    void emitted(int index, long now) {
        if (startNanos.get() == 0 && startNanos.compareAndSet(0, now)) {
            startCpuNanos = processCpuNanos();
            startRuntimeCpu = RuntimeCpu.now();
        }
        if (emittedAt[index] == 0) {
            emittedAt[index] = now;
        }
    }

    /**
     * What to add to the generated event times of a live run: fixed at the first call, so that
     * event time follows the wall clock from the first emission on (records are generated before
     * the job starts, which takes a few seconds).
     */
    long eventTimeShift(long nowMs) {
        eventTimeShift.compareAndSet(Long.MIN_VALUE, nowMs - BenchEvents.BASE_TIME);
        return eventTimeShift.get();
    }

    /** Called at the sink for each limit, by the eventId that last changed it. */
    void reachedSink(String eventId, long now) {
        int index = BenchEvents.indexOf(eventId);
        if (index >= 0 && index < emittedAt.length && emittedAt[index] != 0) {
            latency[index] = now - emittedAt[index];
        }
    }

    /** Called by the DynamoDB sink when the write of a limit is acknowledged. */
    void acknowledged(String eventId, long now) {
        int index = BenchEvents.indexOf(eventId);
        if (index >= 0 && index < emittedAt.length && emittedAt[index] != 0) {
            ackLatency[index] = now - emittedAt[index];
        }
    }

    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
