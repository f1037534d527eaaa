package com.rglimits.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * CPU time of some of the process's threads, which its CPU time includes: the JVM's own (the JIT
 * compilers and the garbage collector), RocksDB's (its compactions and flushes) and the keyed
 * operator's task thread. In a run of a few seconds the compilers can take a quarter of the process's
 * CPU, which a job that runs for days pays once; the report shows it beside the total so a reader
 * can tell warm-up from work. RocksDB's threads and the keyed operator's tell whether the keyed
 * operator is the limit (its thread busy all the time) or waits: at 10,000,000 users it ran 0.85 of a
 * core, stopped by the collector's pauses the rest. Read from {@code /proc/self/task} (Linux); zero elsewhere.
 */
final class RuntimeCpu {
    /** Linux keeps the first 15 bytes of a thread's name as its task's name. */
    private static final int TASK_NAME_LENGTH = 15;

    /** CPU nanoseconds of the compiler threads, the collector's threads, RocksDB's threads and the keyed operator's thread. */
    final long jitNanos;
    final long gcNanos;
    final long rocksDbNanos;
    final long keyedNanos;

    private RuntimeCpu(long jitNanos, long gcNanos, long rocksDbNanos, long keyedNanos) {
        this.jitNanos = jitNanos;
        this.gcNanos = gcNanos;
        this.rocksDbNanos = rocksDbNanos;
        this.keyedNanos = keyedNanos;
    }

    /** Whose a thread is, for the figures above. */
    enum Kind {
        JIT,
        GC,
        ROCKSDB,
        KEYED_OPERATOR,
        OTHER
    }

    /** Clock ticks per second of {@code /proc}'s CPU times: 100 on every Linux this runs on. */
    private static final long TICKS_PER_SECOND = 100;

    static RuntimeCpu now() {
        long[] nanos = new long[Kind.values().length];
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Paths.get("/proc/self/task"))) {
            for (Path task : tasks) {
                String stat;
                try {
                    stat = new String(Files.readAllBytes(task.resolve("stat")), StandardCharsets.US_ASCII);
                } catch (IOException e) {
                    continue; // the thread ended
                }
                int open = stat.indexOf('(');
                int close = stat.lastIndexOf(')');
                String name = stat.substring(open + 1, close);
                String[] fields = stat.substring(close + 2).split(" ");
                // utime and stime: fields 14 and 15 of the line, 12 and 13 after the name
                nanos[kind(name).ordinal()] += (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * (1_000_000_000L / TICKS_PER_SECOND);
            }
        } catch (IOException | RuntimeException e) {
            return new RuntimeCpu(0, 0, 0, 0);
        }
        return new RuntimeCpu(nanos[Kind.JIT.ordinal()], nanos[Kind.GC.ordinal()], nanos[Kind.ROCKSDB.ordinal()],
                nanos[Kind.KEYED_OPERATOR.ordinal()]);
    }

    /**
     * The kind of a thread by its task's name: G1's parallel, concurrent-marking and refinement threads (the other
     * collectors' workers are "GC Thread" too), RocksDB's background threads ("rocksdb:low0", "rocksdb:high0"), and
     * Flink's task thread of the keyed operator (or of the operator in its place in the floor row), named after its
     * operator and cut to 15 bytes.
     */
    static Kind kind(String taskName) {
        if (taskName.startsWith("C1 CompilerThre") || taskName.startsWith("C2 CompilerThre")) {
            return Kind.JIT;
        }
        if (taskName.startsWith("GC Thread") || taskName.startsWith("G1 ")) {
            return Kind.GC;
        }
        if (taskName.startsWith("rocksdb:")) {
            return Kind.ROCKSDB;
        }
        if (taskName.length() == TASK_NAME_LENGTH
                && (ScaleScenario.KEYED_OPERATOR.startsWith(taskName) || ScaleScenario.FLOOR_OPERATOR.startsWith(taskName))) {
            return Kind.KEYED_OPERATOR;
        }
        return Kind.OTHER;
    }

    RuntimeCpu since(RuntimeCpu start) {
        return new RuntimeCpu(jitNanos - start.jitNanos, gcNanos - start.gcNanos, rocksDbNanos - start.rocksDbNanos,
                keyedNanos - start.keyedNanos);
    }
}
