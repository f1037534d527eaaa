package com.rglimits.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * CPU time of the JVM's own threads, which the process's CPU time includes: the JIT compilers and
 * the garbage collector. In a run of a few seconds the compilers can take a quarter of the process's
 * CPU, which a job that runs for days pays once; the report shows it beside the total so a reader
 * can tell warm-up from work. Read from {@code /proc/self/task} (Linux); zero elsewhere.
 */
final class RuntimeCpu {
    /** CPU nanoseconds of the compiler threads and of the collector's threads. */
    final long jitNanos;
    final long gcNanos;

    private RuntimeCpu(long jitNanos, long gcNanos) {
        this.jitNanos = jitNanos;
        this.gcNanos = gcNanos;
    }

    /** Clock ticks per second of {@code /proc}'s CPU times: 100 on every Linux this runs on. */
    private static final long TICKS_PER_SECOND = 100;

    static RuntimeCpu now() {
        long jit = 0;
        long gc = 0;
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
                long nanos = (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * (1_000_000_000L / TICKS_PER_SECOND);
                if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
                    jit += nanos;
                } else if (isCollector(name)) {
                    gc += nanos;
                }
            }
        } catch (IOException | RuntimeException e) {
            return new RuntimeCpu(0, 0);
        }
        return new RuntimeCpu(jit, gc);
    }

    /** G1's parallel, concurrent-marking and refinement threads (the other collectors' workers are "GC Thread" too). */
    private static boolean isCollector(String thread) {
        return thread.startsWith("GC Thread") || thread.startsWith("G1 ");
    }

    RuntimeCpu since(RuntimeCpu start) {
        return new RuntimeCpu(jitNanos - start.jitNanos, gcNanos - start.gcNanos);
    }
}
