package com.rglimits.bench;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What one scale-benchmark job shares with its operators in this JVM (the MiniCluster runs
 * in-process, and Flink serializes operators, so they reach it through a static field): how many
 * records the source emitted and limits reached the sink, the emission times of a sample of the
 * events, and the latencies of the sampled events' limits, by when they reached the sink.
 */
final class ScaleRun {
    /** One event in this many is timed (by its generated index). */
    static final int SAMPLE_EVERY = 16;
    private static final int SLOTS = 1 << 21;

    private static volatile ScaleRun current;

    final GeneratedStream stream;
    final AtomicLong emitted = new AtomicLong();
    final AtomicLong atSink = new AtomicLong();
    /** System.nanoTime of the first emission (0: none yet). */
    final AtomicLong firstEmission = new AtomicLong();
    /** Emission times of sampled events, by slot: the generated index in one array, the time in the other. */
    private final long[] sampledIndex = new long[SLOTS];
    private final long[] sampledAt = new long[SLOTS];
    /** Pairs of (nanoTime at the sink, latency in nanoseconds) of sampled events' limits. */
    private long[] latencies = new long[1 << 16];
    private int latencyCount;

    private ScaleRun(GeneratedStream stream) {
        this.stream = stream;
        Arrays.fill(sampledIndex, -1);
    }

    static ScaleRun begin(GeneratedStream stream) {
        ScaleRun run = new ScaleRun(stream);
        current = run;
        return run;
    }

    static ScaleRun current() {
        ScaleRun run = current;
        if (run == null) {
            throw new IllegalStateException("no scale run in this JVM");
        }
        return run;
    }

    /** By the source's thread, for every record; a second copy of an event keeps the first time. */
    void emitted(long g, long now) {
        if (emitted.getAndIncrement() == 0) {
            firstEmission.set(now);
        }
        if (g % SAMPLE_EVERY == 0) {
            int slot = (int) ((g / SAMPLE_EVERY) & (SLOTS - 1));
            if (sampledIndex[slot] != g) {
                sampledAt[slot] = now;
                sampledIndex[slot] = g;
            }
        }
    }

    /** By the operator before the sink, for every limit, by the eventId that last changed it. */
    void reachedSink(String eventId, long now) {
        atSink.incrementAndGet();
        long g = GeneratedStream.indexOf(eventId);
        if (g < 0 || g % SAMPLE_EVERY != 0) {
            return;
        }
        int slot = (int) ((g / SAMPLE_EVERY) & (SLOTS - 1));
        if (sampledIndex[slot] == g) {
            record(now, now - sampledAt[slot]);
        }
    }

    private synchronized void record(long at, long latency) {
        if (latencyCount + 2 > latencies.length) {
            latencies = Arrays.copyOf(latencies, latencies.length * 2);
        }
        latencies[latencyCount++] = at;
        latencies[latencyCount++] = latency;
    }

    /** The latencies, in nanoseconds, of the sampled limits that reached the sink in [from, to). */
    synchronized long[] latenciesBetween(long from, long to) {
        long[] out = new long[latencyCount / 2];
        int n = 0;
        for (int i = 0; i < latencyCount; i += 2) {
            if (latencies[i] >= from && latencies[i] < to) {
                out[n++] = latencies[i + 1];
            }
        }
        long[] found = Arrays.copyOf(out, n);
        Arrays.sort(found);
        return found;
    }
}
