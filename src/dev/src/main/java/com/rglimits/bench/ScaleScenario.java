package com.rglimits.bench;

import com.rglimits.cluster.FlinkCluster;
import com.rglimits.config.JobConfig;
import com.rglimits.config.JobOptions;
import com.rglimits.config.Settings;
import com.rglimits.event.EventParser;
import com.rglimits.event.LimitEvent;
import com.rglimits.event.ParsedRecord;
import com.rglimits.event.RecordSource;
import com.rglimits.job.Descriptors;
import com.rglimits.job.UserLimitsPipeline;
import java.io.Serializable;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.WebOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.contrib.streaming.state.RocksDBNativeMetricOptions;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.checkpoint.AbstractCheckpointStats;
import org.apache.flink.runtime.checkpoint.CheckpointStatsSnapshot;
import org.apache.flink.runtime.checkpoint.CheckpointStatsStatus;
import org.apache.flink.runtime.checkpoint.SubtaskStateStats;
import org.apache.flink.runtime.checkpoint.TaskStateStats;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.executiongraph.ErrorInfo;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.runtime.jobgraph.JobVertexID;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.FileUtils;

/**
 * Issue 26: the job sustained for minutes at 100,000 to 10,000,000 users, with checkpoints, side by
 * side with the parse-only ceiling measured the same way (once at the start, and again just before and
 * just after each row, whose ratio takes the mean of those two). Each row starts from a savepoint holding
 * every user's limits ({@link Prefill}), so that the state has its full size from the first second;
 * the source generates the stream on the fly ({@link GeneratedStream}). A row warms up for
 * {@code --warmup-s} after the restore (the first limit at the sink), then is measured for
 * {@code --duration-s} in windows of {@code --window-s}: events/s, cores, events/s per core, latency
 * from emission to the sink, checkpoints (count, duration, the keyed operator's synchronous pause,
 * size), RocksDB block-cache hit rate, state on disk. The submission of each job to its first limit
 * is the restore; to the first window at 90 % of the row's throughput, the time to steady throughput.
 */
final class ScaleScenario {
    static final String CEILING = "Parse-only ceiling";
    /** The floor rows' name: what any keyed operator of this job pays before it does anything. */
    static final String FLOOR = "Exchange floor (source, router, keyBy; nothing applied)";
    /** The ceilings next to each row: the first ceiling has compiled the parse, so a short warm-up. */
    private static final long NEAR_CEILING_WARMUP_S = 2;
    private static final long NEAR_CEILING_MAX_S = 20;
    static final long SEED = 26;
    /** A row's throughput is steady from the first second whose next window reaches this share of the measured mean. */
    static final double STEADY_SHARE = 0.9;
    /** A restore that takes longer than this fails the row. */
    private static final long MAX_RESTORE_NANOS = 900_000_000_000L;
    static final String KEYED_OPERATOR = "Order, de-duplicate and apply events";
    /** The operator in the keyed operator's place in the floor row. */
    static final String FLOOR_OPERATOR = "Take events off the network, nothing more";
    /** RocksDB's statistics ticker STALL_MICROS, as Flink's native metrics name it. */
    private static final String STALL_MICROS = "rocksdb_stall_micros";

    /** The counters at one instant. */
    static final class Sample implements Serializable {
        private static final long serialVersionUID = 1L;
        final long nanos;
        final long wallMs;
        long records;
        long limits;
        long cpuNanos;
        long jitNanos;
        long gcNanos;
        long rocksDbNanos;
        long keyedNanos;
        long cacheHits;
        long cacheMisses;
        /** RocksDB's time spent holding writes back (stalls and slowdowns) so far, or -1 when not reported. */
        long stallMicros;
        /** The keyed operator's write-backs so far: at checkpoints (count, µs, users) and when its cache was full. */
        long checkpointWriteBacks;
        long checkpointWriteBackMicros;
        long checkpointWriteBackUsers;
        long evictions;
        long evictionMicros;

        Sample(long nanos, long wallMs) {
            this.nanos = nanos;
            this.wallMs = wallMs;
        }

        static Sample now(long records, long limits) {
            Sample s = new Sample(System.nanoTime(), System.currentTimeMillis());
            s.records = records;
            s.limits = limits;
            s.cpuNanos = BenchRun.processCpuNanos();
            RuntimeCpu runtime = RuntimeCpu.now();
            s.jitNanos = runtime.jitNanos;
            s.gcNanos = runtime.gcNanos;
            s.rocksDbNanos = runtime.rocksDbNanos;
            s.keyedNanos = runtime.keyedNanos;
            s.cacheHits = BenchMetrics.rocksDb("rocksdb_block_cache_hit", true);
            s.cacheMisses = BenchMetrics.rocksDb("rocksdb_block_cache_miss", true);
            s.stallMicros = BenchMetrics.hasRocksDb(STALL_MICROS) ? BenchMetrics.rocksDb(STALL_MICROS, true) : -1;
            s.checkpointWriteBacks = BenchMetrics.writeBack("checkpointWriteBacks");
            s.checkpointWriteBackMicros = BenchMetrics.writeBack("checkpointWriteBackMicros");
            s.checkpointWriteBackUsers = BenchMetrics.writeBack("checkpointWriteBackUsers");
            s.evictions = BenchMetrics.writeBack("cacheEvictions");
            s.evictionMicros = BenchMetrics.writeBack("cacheEvictionMicros");
            return s;
        }
    }

    /** Figures between two samples. */
    static final class Span implements Serializable {
        private static final long serialVersionUID = 1L;
        final double seconds;
        final long records;
        final double cpuSeconds;
        final double jitSeconds;
        final double gcSeconds;
        /** CPU seconds of RocksDB's own threads (compactions, flushes) and of the keyed operator's task thread. */
        final double rocksDbSeconds;
        final double keyedSeconds;
        final long cacheHits;
        final long cacheMisses;
        /** Seconds in which RocksDB held the keyed operator's writes back; NaN when not reported. */
        final double stallSeconds;
        final long checkpointWriteBacks;
        final long checkpointWriteBackMicros;
        final long checkpointWriteBackUsers;
        final long evictions;
        final long evictionMicros;
        double p50Ms = Double.NaN;
        double p99Ms = Double.NaN;
        final List<Checkpoint> checkpoints = new ArrayList<>();
        final long fromMs;
        final long toMs;

        Span(Sample from, Sample to) {
            fromMs = from.wallMs;
            toMs = to.wallMs;
            seconds = (to.nanos - from.nanos) / 1e9;
            records = to.records - from.records;
            cpuSeconds = (to.cpuNanos - from.cpuNanos) / 1e9;
            jitSeconds = (to.jitNanos - from.jitNanos) / 1e9;
            gcSeconds = (to.gcNanos - from.gcNanos) / 1e9;
            rocksDbSeconds = (to.rocksDbNanos - from.rocksDbNanos) / 1e9;
            keyedSeconds = (to.keyedNanos - from.keyedNanos) / 1e9;
            cacheHits = to.cacheHits - from.cacheHits;
            cacheMisses = to.cacheMisses - from.cacheMisses;
            stallSeconds = from.stallMicros < 0 || to.stallMicros < 0 ? Double.NaN : (to.stallMicros - from.stallMicros) / 1e6;
            checkpointWriteBacks = to.checkpointWriteBacks - from.checkpointWriteBacks;
            checkpointWriteBackMicros = to.checkpointWriteBackMicros - from.checkpointWriteBackMicros;
            checkpointWriteBackUsers = to.checkpointWriteBackUsers - from.checkpointWriteBackUsers;
            evictions = to.evictions - from.evictions;
            evictionMicros = to.evictionMicros - from.evictionMicros;
        }

        /**
         * The keyed operator's write-backs in this span: at checkpoints, mean ms and users each (its part of the
         * checkpoints' pause); then those the full cache called for, how many and their mean ms; "-" for none.
         */
        String writeBacks() {
            if (checkpointWriteBacks == 0 && evictions == 0) {
                return "-";
            }
            return String.format(Locale.ROOT, "%s / %s",
                    checkpointWriteBacks == 0 ? "-" : String.format(Locale.ROOT, "%,.0f ms, %,d users",
                            checkpointWriteBackMicros / 1e3 / checkpointWriteBacks, checkpointWriteBackUsers / checkpointWriteBacks),
                    evictions == 0 ? "0" : String.format(Locale.ROOT, "%d of %,.0f ms", evictions, evictionMicros / 1e3 / evictions));
        }

        double eventsPerSecond() {
            return records / seconds;
        }

        double cores() {
            return cpuSeconds / seconds;
        }

        double eventsPerCore() {
            return records / cpuSeconds;
        }

        /** Events per core second without the benchmark's own generator (its CPU per record measured apart). */
        double eventsPerCoreNet(double generatorNanosPerRecord) {
            return records / (cpuSeconds - records * generatorNanosPerRecord / 1e9);
        }

        double cacheHitRate() {
            long all = cacheHits + cacheMisses;
            return all == 0 ? Double.NaN : (double) cacheHits / all;
        }

        void latencies(long[] sortedNanos) {
            if (sortedNanos.length > 0) {
                p50Ms = sortedNanos[(int) Math.round(0.50 * (sortedNanos.length - 1))] / 1e6;
                p99Ms = sortedNanos[(int) Math.round(0.99 * (sortedNanos.length - 1))] / 1e6;
            }
        }
    }

    /** One completed checkpoint of a measured window. */
    static final class Checkpoint implements Serializable {
        private static final long serialVersionUID = 1L;
        long id;
        long triggeredAtMs;
        long durationMs;
        /** The keyed operator's synchronous part (its write-back): the pause of its input. */
        long syncMs;
        long asyncMs;
        long stateBytes;
        long checkpointedBytes;
    }

    /** One row: a job, or the ceiling. */
    static final class Row implements Serializable {
        private static final long serialVersionUID = 1L;
        final String name;
        final int users;
        final List<Span> windows = new ArrayList<>();
        Span total;
        /** Submission to the first limit at the sink (the restore), and to steady throughput; NaN for the ceiling. */
        double restoreSeconds = Double.NaN;
        double steadySeconds = Double.NaN;
        int checkpointsFailed;
        long rocksDbBytes = -1;
        long liveSstBytes = -1;
        long blockCacheCapacity = -1;
        long managedMemoryBytes = -1;
        String accounting = "";
        /** The process the row's job ran in (the benchmark's, or its own: {@link RowProcess}); 0 for a ceiling. */
        long pid;
        /** A sample a second from the first limit at the sink (a ceiling: from its start): the windows and the plot. */
        final List<Sample> samples = new ArrayList<>();
        /** Every completed checkpoint, the warm-up's too (for the plot). */
        final List<Checkpoint> allCheckpoints = new ArrayList<>();
        /** A job's row: the ceiling measured just before and just after it (see {@link #nearCeilingS}); null for a ceiling. */
        Row ceilingBefore;
        Row ceilingAfter;

        /** The mean events per core of the ceilings measured next to this row. */
        double nearCeilingPerCore() {
            return (ceilingBefore.total.eventsPerCore() + ceilingAfter.total.eventsPerCore()) / 2;
        }

        Row(String name, int users) {
            this.name = name;
            this.users = users;
        }
    }

    /** Everything the scenario measured. */
    static final class Figures {
        final List<Row> rows = new ArrayList<>();
        Row ceiling;
        /** CPU nanoseconds the benchmark's generator takes per record (not the job's work). */
        double generatorNanosPerRecord;
        String started;
        String load;
        String pressure;
        String jvm;

        String markdown(Benchmark.Options o) {
            StringBuilder b = new StringBuilder();
            b.append(String.format(Locale.ROOT, "Scale rows (issue 26), run %s on %d cores: load average %s; CPU pressure "
                            + "(some, avg60) %s. JDK %s, %s, max heap %.0f MiB, parallelism %d, checkpoints every %d ms, "
                            + "Flink settings %s, job settings %s. Each job ran in %s and restores a %s savepoint of all its users "
                            + "(%d limits each), reads a stream whose sequence numbers %s, warms up %d s after the "
                            + "restore and is measured for %d s in windows of %d s. The generator's own CPU, %.0f ns per "
                            + "record, is in every row (ceiling included); "
                            + "\"net\" leaves it out. \"Of the ceiling\" divides by the mean of the ceiling measured "
                            + "for %d s just before the row and %d s just after it (the first line is the whole run's "
                            + "ceiling): the machine's speed drifts from minute to minute.%n%n",
                    started, Runtime.getRuntime().availableProcessors(), load, pressure, System.getProperty("java.version"),
                    jvm, Benchmark.mib(Runtime.getRuntime().maxMemory()), o.parallelism, o.checkpointMs, o.flink, o.job,
                    o.jvmPerRow ? "a JVM of its own, with the benchmark's JVM options (`--jvm-per-row`)" : "the benchmark's JVM",
                    o.restoreFrom.name().toLowerCase(Locale.ROOT), GeneratedStream.LIMITS,
                    o.completeStream ? "run without a gap per user (`--complete-stream`)" : "have gaps per user",
                    o.warmupS, o.durationS, o.windowS, generatorNanosPerRecord,
                    nearCeilingS(o), nearCeilingS(o)));
            if (o.floor) {
                b.append(String.format(Locale.ROOT, "The floor row (`--floor`) is the job's source, router and keyBy into "
                        + "an operator that only counts each event and times it (emission to its arrival there): what any "
                        + "keyed operator of this job pays per event before it orders or applies anything. It restores "
                        + "nothing; its \"first limit\" is its first event.%n%n"));
            }
            b.append("| row | events/s | cores | of which JIT / GC / RocksDB's threads / the keyed operator's thread | events/s per core | net | ceiling next to it, per core "
                    + "| of the ceiling per core "
                    + "| p50 ms | p99 ms | checkpoints | checkpoint s, median / max | synchronous pause (write-back and flush) ms, median / max "
                    + "| the keyed operator's write-backs: at a checkpoint (mean) / for a full cache (count of mean ms) "
                    + "| checkpoint MiB, incremental median / full | state on disk MiB | block cache hit | "
                    + "RocksDB write stalls s | restore: first limit / steady s |\n");
            b.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            List<Row> all = new ArrayList<>();
            all.add(ceiling);
            all.addAll(rows);
            for (Row r : all) {
                Span t = r.total;
                List<Checkpoint> cs = t.checkpoints;
                b.append(String.format(Locale.ROOT, "| %s | %,.0f | %.2f | %.2f / %.2f / %.2f / %.2f | %,.0f | %,.0f | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n",
                        r.name, t.eventsPerSecond(), t.cores(), t.jitSeconds / t.seconds, t.gcSeconds / t.seconds,
                        t.rocksDbSeconds / t.seconds, t.keyedSeconds / t.seconds,
                        t.eventsPerCore(), t.eventsPerCoreNet(generatorNanosPerRecord),
                        r == ceiling ? "-" : String.format(Locale.ROOT, "%,.0f", r.nearCeilingPerCore()),
                        r == ceiling ? "-" : String.format(Locale.ROOT, "%.1f %%", 100 * t.eventsPerCore() / r.nearCeilingPerCore()),
                        ms(t.p50Ms), ms(t.p99Ms),
                        r == ceiling ? "-" : cs.size() + (r.checkpointsFailed > 0 ? " (" + r.checkpointsFailed + " failed)" : ""),
                        cs.isEmpty() ? "-" : String.format(Locale.ROOT, "%.1f / %.1f", median(cs, c -> c.durationMs) / 1e3, max(cs, c -> c.durationMs) / 1e3),
                        cs.isEmpty() ? "-" : String.format(Locale.ROOT, "%,.0f / %,.0f", median(cs, c -> c.syncMs), max(cs, c -> c.syncMs)),
                        r == ceiling ? "-" : t.writeBacks(),
                        cs.isEmpty() ? "-" : String.format(Locale.ROOT, "%.0f / %.0f", Benchmark.mib((long) median(cs, c -> c.checkpointedBytes)),
                                Benchmark.mib(cs.get(cs.size() - 1).stateBytes)),
                        r.rocksDbBytes < 0 ? "-" : String.format(Locale.ROOT, "%,.0f", Benchmark.mib(r.rocksDbBytes)),
                        Double.isNaN(t.cacheHitRate()) ? "-" : String.format(Locale.ROOT, "%.1f %%", 100 * t.cacheHitRate()),
                        Double.isNaN(t.stallSeconds) ? "-" : String.format(Locale.ROOT, "%.1f", t.stallSeconds),
                        Double.isNaN(r.restoreSeconds) ? "-" : String.format(Locale.ROOT, "%.1f / %s", r.restoreSeconds,
                                Double.isNaN(r.steadySeconds) ? "-" : String.format(Locale.ROOT, "%.1f", r.steadySeconds))));
            }
            b.append(String.format(Locale.ROOT, "%nRocksDB's block cache: %s. Accounting at the end of each job: %s.%n",
                    blockCache(rows),
                    String.join("; ", rows.stream().map(r -> r.name + ": " + r.accounting).toArray(String[]::new))));
            b.append("\nPer window (events/s; events/s per core; p50 / p99 ms; checkpoints triggered in it, with the "
                    + "keyed operator's synchronous pause in ms; block cache hits; RocksDB's write stalls, when any):\n\n");
            b.append("| row |");
            int windows = all.stream().mapToInt(r -> r.windows.size()).max().orElse(0);
            for (int i = 0; i < windows; i++) {
                b.append(String.format(Locale.ROOT, " %d-%d s |", i * o.windowS, (i + 1) * o.windowS));
            }
            b.append("\n|---|");
            for (int i = 0; i < windows; i++) {
                b.append("---|");
            }
            b.append('\n');
            for (Row r : all) {
                b.append("| ").append(r.name).append(" |");
                for (Span w : r.windows) {
                    StringBuilder pauses = new StringBuilder();
                    for (Checkpoint c : w.checkpoints) {
                        pauses.append(pauses.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%,d", c.syncMs));
                    }
                    b.append(String.format(Locale.ROOT, " %,.0f; %,.0f; %s / %s%s%s%s |", w.eventsPerSecond(), w.eventsPerCore(),
                            ms(w.p50Ms), ms(w.p99Ms),
                            r == ceiling ? "" : "; chk " + (pauses.length() == 0 ? "-" : pauses),
                            Double.isNaN(w.cacheHitRate()) ? "" : String.format(Locale.ROOT, "; %.0f %%", 100 * w.cacheHitRate()),
                            !(w.stallSeconds > 0) ? "" : String.format(Locale.ROOT, "; stalled %.1f s", w.stallSeconds)));
                }
                b.append('\n');
            }
            if (o.out != null) {
                b.append(String.format(Locale.ROOT, "%nEach second of each row, the checkpoints in it (`%s`, written with "
                        + "this table):%n%n![Events/s in each second of each row, with its checkpoints](%s)%n",
                        Benchmark.plotOf(o.out).getFileName(), Benchmark.plotOf(o.out).getFileName()));
            }
            return b.toString();
        }
    }

    /** The block cache's size in the first row that reports one: the floor's row has no state, so none. */
    static String blockCache(List<Row> rows) {
        OptionalLong capacity = rows.stream().mapToLong(r -> r.blockCacheCapacity).filter(c -> c > 0).findFirst();
        return capacity.isPresent() ? String.format(Locale.ROOT, "%.0f MiB", Benchmark.mib(capacity.getAsLong())) : "-";
    }

    private static double median(List<Checkpoint> cs, java.util.function.ToLongFunction<Checkpoint> f) {
        long[] v = cs.stream().mapToLong(f).sorted().toArray();
        return v.length == 0 ? Double.NaN : v[v.length / 2];
    }

    private static double max(List<Checkpoint> cs, java.util.function.ToLongFunction<Checkpoint> f) {
        return cs.stream().mapToLong(f).max().orElse(0);
    }

    private static String ms(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, v < 10 ? "%.1f" : "%,.0f", v);
    }

    private ScaleScenario() {}

    static Figures run(Benchmark.Options o) throws Exception {
        Figures f = new Figures();
        f.started = java.time.Instant.now().toString();
        f.load = loadAverage();
        f.pressure = cpuPressure();
        f.jvm = jvm();
        f.generatorNanosPerRecord = generatorCost(o);
        f.ceiling = ceiling(o, CEILING, o.warmupS, o.durationS);
        for (PlannedRow p : plan(o)) {
            if (!p.floor) {
                // Before the ceiling next to the row: the prefill's jobs are not measured, and a row in a JVM of
                // its own finds the savepoint written.
                savepoint(o, p.users);
            }
            f.rows.add(measured(o, p));
        }
        f.load += " at the start, " + loadAverage() + " at the end";
        f.pressure += " at the start, " + cpuPressure() + " at the end";
        return f;
    }

    /** A row of the run, in the order the rows run: the floor's (which restores nothing) or a job's. */
    static final class PlannedRow {
        final String name;
        final int users;
        final GeneratedStream.Shape shape;
        final Map<String, String> variant;
        final boolean floor;

        PlannedRow(String name, int users, GeneratedStream.Shape shape, Map<String, String> variant, boolean floor) {
            this.name = name;
            this.users = users;
            this.shape = shape;
            this.variant = variant;
            this.floor = floor;
        }
    }

    /** The rows the options ask for, in order. */
    static List<PlannedRow> plan(Benchmark.Options o) {
        List<PlannedRow> rows = new ArrayList<>();
        if (o.floor) {
            int users = o.scaleUsers.get(0);
            GeneratedStream.Shape shape = o.scaleShapes.get(0);
            rows.add(new PlannedRow(String.format(Locale.ROOT, "%s, %s, %,d users", FLOOR, streamName(shape), users),
                    users, shape, Map.of(), true));
        }
        for (int users : o.scaleUsers) {
            for (GeneratedStream.Shape shape : o.scaleShapes) {
                String name = String.format(Locale.ROOT, "%s, %,d users", streamName(shape), users);
                for (Map<String, String> variant : o.scaleVariants.isEmpty() ? List.<Map<String, String>>of(Map.of()) : o.scaleVariants) {
                    rows.add(new PlannedRow(variant.isEmpty() ? name : name + ", " + variant, users, shape, variant, false));
                }
            }
        }
        return rows;
    }

    /** The savepoint the rows of {@code users} restore, written on first use and kept in the work directory. */
    private static Path savepoint(Benchmark.Options o, int users) throws Exception {
        Path canonical = Prefill.savepoint(o.work, users, Math.max(2, o.parallelism));
        return o.restoreFrom == SavepointFormatType.NATIVE ? Prefill.nativeSavepoint(o, users, canonical) : canonical;
    }

    /** The row's job, in this JVM. */
    static Row runJob(Benchmark.Options o, PlannedRow p) throws Exception {
        GeneratedStream stream = new GeneratedStream(p.users, p.shape, SEED, o.completeStream);
        return job(o, p.name, p.variant, stream, p.floor ? null : savepoint(o, p.users));
    }

    private static String streamName(GeneratedStream.Shape shape) {
        return shape == GeneratedStream.Shape.PLAIN ? "plain stream" : "sessions, shuffled + 10% redelivered";
    }

    /**
     * A job's row with the ceilings measured just before and just after it; the job in a JVM of its own
     * with {@code --jvm-per-row} ({@link RowProcess}).
     */
    private static Row measured(Benchmark.Options o, PlannedRow p) throws Exception {
        Row before = ceiling(o, CEILING + " before " + p.name, NEAR_CEILING_WARMUP_S, nearCeilingS(o));
        Row row = o.jvmPerRow ? RowProcess.run(o, p.name) : runJob(o, p);
        row.ceilingBefore = before;
        row.ceilingAfter = ceiling(o, CEILING + " after " + p.name, NEAR_CEILING_WARMUP_S, nearCeilingS(o));
        return row;
    }

    /**
     * CPU per record of the benchmark's own generator (bytes only, no parse), so that it can be told
     * from the job's: this thread's CPU time, since the process's would count every other thread too.
     */
    static double generatorCost(Benchmark.Options o) {
        GeneratedStream stream = new GeneratedStream(1_000_000, GeneratedStream.Shape.PLAIN, SEED, o.completeStream);
        GeneratedStream.AsciiWriter w = new GeneratedStream.AsciiWriter();
        long bytes = 0;
        for (long g = 0; g < 2_000_000; g++) {
            bytes += stream.record(g, w).length;
        }
        java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long c0 = threads.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        long n = 0;
        while (System.nanoTime() - t0 < Math.min(10, o.durationS) * 1_000_000_000L) {
            for (int i = 0; i < 4096; i++) {
                bytes += stream.record(n++, w).length;
            }
        }
        double perRecord = (double) (threads.getCurrentThreadCpuTime() - c0) / n;
        Benchmark.log(String.format(Locale.ROOT, "generator: %.0f ns of CPU per record (%.0f bytes on average)", perRecord,
                (double) bytes / (n + 2_000_000)));
        return perRecord;
    }

    /** How long the ceilings next to each row are measured: long enough for a figure, short beside the row. */
    static long nearCeilingS(Benchmark.Options o) {
        return Math.min(NEAR_CEILING_MAX_S, o.durationS);
    }

    /** Generate and parse in one thread, sampled like the jobs. */
    static Row ceiling(Benchmark.Options o, String name, long warmupS, long durationS) {
        Benchmark.log("scale: " + name);
        GeneratedStream stream = new GeneratedStream(1_000_000, GeneratedStream.Shape.PLAIN, SEED, o.completeStream);
        GeneratedStream.AsciiWriter w = new GeneratedStream.AsciiWriter();
        Row row = new Row(name, stream.users);
        List<Sample> samples = row.samples;
        long nextSample = System.nanoTime();
        long valid = 0;
        long g = 0;
        while (true) {
            long now = System.nanoTime();
            if (now >= nextSample) {
                samples.add(Sample.now(g, valid));
                // Samples at least a second apart, as many as the windows need, however long a stall of this
                // thread on a busy machine.
                nextSample = now + 1_000_000_000L;
                if (samples.size() > warmupS + durationS) {
                    break;
                }
            }
            for (int i = 0; i < 1024; i++, g++) {
                ParsedRecord p = EventParser.parse(stream.record(g, w), RecordSource.fileElement("ceiling", g),
                        System.currentTimeMillis());
                if (p.kind == ParsedRecord.Kind.EVENT) {
                    valid++;
                }
            }
        }
        if (valid != g) {
            throw new IllegalStateException("generated records failed validation: " + valid + " of " + g);
        }
        windows(row, samples, warmupS, durationS, o, null);
        row.accounting = "valid=" + valid;
        // Its cores: above one, other threads of this JVM (a collector cleaning up after a job) took CPU beside it.
        Benchmark.log(String.format(Locale.ROOT, "  %,.0f records/s at %.2f cores (GC %.2f), %,.0f per core",
                row.total.eventsPerSecond(), row.total.cores(), row.total.gcSeconds / row.total.seconds, row.total.eventsPerCore()));
        return row;
    }

    /**
     * One job: restore, warm up, measure, cancel.
     *
     * @param savepoint the state the job starts from; null for the floor ({@link #exchangeOnly}), which has none
     * @param variant settings of this row on top of {@code --job}: the job's own ({@link JobOptions}) and
     *     Flink's (a RocksDB option, say), set on the job as {@code env.configure} would
     */
    static Row job(Benchmark.Options o, String name, Map<String, String> variant, GeneratedStream stream, Path savepoint)
            throws Exception {
        Benchmark.log("scale: " + name);
        Row row = new Row(name, stream.users);
        Path dir = o.work.resolve("scale").toAbsolutePath();
        FileUtils.deleteDirectory(dir.toFile());
        Path checkpoints = Files.createDirectories(dir.resolve("checkpoints"));
        Path rocksDb = Files.createDirectories(dir.resolve("rocksdb"));
        ScaleRun run = ScaleRun.begin(stream);
        BenchMetrics.clear();
        row.pid = ProcessHandle.current().pid();

        Configuration flink = clusterSettings(o, rocksDb);
        flink.set(RocksDBNativeMetricOptions.MONITOR_BLOCK_CACHE_HIT, true);
        flink.set(RocksDBNativeMetricOptions.MONITOR_BLOCK_CACHE_MISS, true);
        flink.set(RocksDBNativeMetricOptions.BLOCK_CACHE_CAPACITY, true);
        flink.set(RocksDBNativeMetricOptions.MONITOR_LIVE_SST_FILES_SIZE, true);
        // A statistics ticker, as the block cache's: the statistics are on for those already.
        flink.set(RocksDBNativeMetricOptions.MONITOR_STALL_MICROS, true);
        flink.setString("metrics.reporter.bench.factory.class", BenchMetrics.Factory.class.getName());
        flink.set(WebOptions.CHECKPOINTS_HISTORY_SIZE, 10_000);

        Map<String, String> jobSettings = new LinkedHashMap<>();
        Configuration flinkSettings = new Configuration();
        variant.forEach((k, v) -> {
            if (JobOptions.isDeclared(k)) {
                jobSettings.put(k, v);
            } else {
                flinkSettings.setString(k, v);
            }
        });
        JobConfig config = jobConfig(o, jobSettings);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(o.parallelism, flink);
        UserLimitsPipeline.configure(env, config);
        env.configure(flinkSettings, ScaleScenario.class.getClassLoader());
        env.getCheckpointConfig().setCheckpointStorage(checkpoints.toUri().toString());
        DataGeneratorSource<ParsedRecord> source = new DataGeneratorSource<>(new GeneratingParser(stream), Long.MAX_VALUE,
                RateLimiterStrategy.noOp(), Benchmark.PARSED_RECORD_TYPE);
        DataStream<ParsedRecord> records = env.fromSource(source, UserLimitsPipeline.watermarks(config, false), "Generated records")
                .uid(UserLimitsPipeline.SOURCE_UID);
        if (savepoint == null) {
            exchangeOnly(records, config);
        } else {
            applyAndDiscard(records, config);
        }
        JobGraph graph = env.getStreamGraph().getJobGraph();
        if (savepoint != null) {
            // A native savepoint also holds the state of the job that wrote it, whose idle source is not this one's.
            graph.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(savepoint.toUri().toString(), true));
        }
        JobVertexID keyed = null;
        for (JobVertex v : graph.getVertices()) {
            if (v.getName().contains(KEYED_OPERATOR)) {
                keyed = v.getID();
            }
        }

        MiniClusterConfiguration cluster = cluster(o, flink);
        List<Sample> samples = row.samples;
        try (MiniCluster mc = new MiniCluster(cluster)) {
            mc.start();
            System.gc();
            long submitted = System.nanoTime();
            JobID id = mc.submitJob(graph).get().getJobID();
            long restoredAt = 0;
            long next = submitted;
            while (true) {
                // A second after the last sample; one that came late (a stalled sampler) moves the next on.
                next = Math.max(next + 1_000_000_000L, System.nanoTime());
                Thread.sleep(Math.max(0, (next - System.nanoTime()) / 1_000_000));
                Sample s = Sample.now(run.emitted.get(), run.atSink.get());
                if (restoredAt == 0 && s.limits > 0) {
                    restoredAt = s.nanos;
                    row.restoreSeconds = (restoredAt - submitted) / 1e9;
                    Benchmark.log(String.format(Locale.ROOT, "  restored: first limit %.1f s after submission", row.restoreSeconds));
                }
                if (restoredAt != 0) {
                    samples.add(s);
                }
                JobStatus status = mc.getJobStatus(id).get();
                if (status.isGloballyTerminalState()) {
                    throw new IllegalStateException(name + ": the job ended (" + status + ")", failureOf(mc, id));
                }
                if (restoredAt == 0 && s.nanos - submitted > MAX_RESTORE_NANOS) {
                    throw new IllegalStateException(name + ": no limit reached the sink within 15 minutes of submission");
                }
                // The windows are counted in samples: as many as they need, whatever the machine's load.
                if (samples.size() > o.warmupS + o.durationS) {
                    break;
                }
            }
            row.rocksDbBytes = Sampler.directorySize(rocksDb);
            row.liveSstBytes = BenchMetrics.rocksDb("rocksdb_live-sst-files-size", false);
            row.blockCacheCapacity = BenchMetrics.rocksDb("rocksdb_block-cache-capacity", true);
            long deadLettered = BenchMetrics.deadLettered();
            long mismatches = BenchMetrics.accounting("progress_mismatches");
            row.accounting = String.format(Locale.ROOT, "records=%d applied=%d duplicates=%d dead_lettered=%d "
                    + "applied_next_in_line=%d", BenchMetrics.accounting("records"), BenchMetrics.accounting("applied"),
                    BenchMetrics.accounting("duplicates"), deadLettered, BenchMetrics.appliedNextInLine());
            AccessExecutionGraph executed = mc.getExecutionGraph(id).get();
            mc.cancelJob(id).get();
            while (!mc.getJobStatus(id).get().isGloballyTerminalState()) {
                Thread.sleep(100);
            }
            if (deadLettered != 0 || mismatches != 0) {
                throw new IllegalStateException(name + ": every event must be applied, in order: " + row.accounting
                        + " progress_mismatches=" + mismatches);
            }
            windows(row, samples, o.warmupS, o.durationS, o, run);
            checkpoints(row, executed.getCheckpointStatsSnapshot(), keyed);
            steady(row, samples, submitted);
        } finally {
            FileUtils.deleteDirectory(dir.toFile());
        }
        Benchmark.log(String.format(Locale.ROOT, "  %,.0f events/s, %,.0f per core (the keyed operator's thread %.2f cores), "
                        + "p99 %.0f ms, %d checkpoints; %s",
                row.total.eventsPerSecond(), row.total.eventsPerCore(), row.total.keyedSeconds / row.total.seconds,
                row.total.p99Ms, row.total.checkpoints.size(), row.accounting));
        return row;
    }

    /** The MiniCluster settings of a scale job: the benchmark's ({@code --flink}), RocksDB's files under {@code rocksDb}. */
    static Configuration clusterSettings(Benchmark.Options o, Path rocksDb) {
        Configuration flink = new Configuration();
        o.flink.forEach(flink::setString);
        flink.setString("state.backend.rocksdb.localdir", rocksDb.toString());
        // Any free port: other Flink clusters may run on this machine.
        flink.setString("rest.bind-port", "0");
        return flink;
    }

    /** Why the job failed, as the JobManager recorded it; null when it has no failure. */
    static Throwable failureOf(MiniCluster mc, JobID id) throws Exception {
        ErrorInfo failure = mc.getExecutionGraph(id).get().getFailureInfo();
        return failure == null ? null : failure.getException();
    }

    /** One TaskManager with a slot per subtask. */
    static MiniClusterConfiguration cluster(Benchmark.Options o, Configuration flink) {
        return new MiniClusterConfiguration.Builder().setConfiguration(flink)
                .setNumTaskManagers(1).setNumSlotsPerTaskManager(o.parallelism).build();
    }

    /** The job's keyed core on {@code records}, its limits through the latency probe, everything discarded. */
    static void applyAndDiscard(DataStream<ParsedRecord> records, JobConfig config) {
        UserLimitsPipeline.Outputs outputs = UserLimitsPipeline.applyEvents(records, config, false);
        outputs.limits.map(new ScaleProbe()).returns(Descriptors.USER_LIMIT_TYPE).name("Latency probe")
                .sinkTo(new DiscardingSink<>()).uid(UserLimitsPipeline.LIMITS_SINK_UID).name("Discard limits");
        outputs.deadLetters.sinkTo(new DiscardingSink<>()).uid(UserLimitsPipeline.DEAD_LETTER_SINK_UID).name("Discard dead letters");
    }

    /** The floor: the job's router and keyBy on {@code records}, into {@link ExchangeFloor}. */
    static void exchangeOnly(DataStream<ParsedRecord> records, JobConfig config) {
        SingleOutputStreamOperator<LimitEvent> events = UserLimitsPipeline.route(records, config, false);
        UserLimitsPipeline.byUser(events)
                .transform(FLOOR_OPERATOR, Descriptors.USER_LIMIT_TYPE, new ExchangeFloor())
                .uid("exchange-floor")
                .sinkTo(new DiscardingSink<>()).uid(UserLimitsPipeline.LIMITS_SINK_UID).name("Discard limits");
        events.getSideOutput(Descriptors.DEAD_LETTERS).sinkTo(new DiscardingSink<>())
                .uid(UserLimitsPipeline.DEAD_LETTER_SINK_UID).name("Discard dead letters");
    }

    static JobConfig jobConfig(Benchmark.Options o, Map<String, String> variant) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put(JobOptions.SOURCE_FILE.key(), "generated");
        s.put(JobOptions.CHECKPOINT_INTERVAL.key(), Long.toString(o.checkpointMs));
        s.put(JobOptions.PARALLELISM.key(), Integer.toString(o.parallelism));
        s.putAll(o.job);
        s.putAll(variant);
        return JobConfig.from(new Settings(s, k -> k));
    }

    /** The measured windows after {@code warmupS} seconds of samples, and their total. */
    private static void windows(Row row, List<Sample> samples, long warmupS, long durationS, Benchmark.Options o, ScaleRun run) {
        int first = (int) Math.min(warmupS, samples.size() - 1);
        int last = (int) Math.min(samples.size() - 1, first + durationS);
        for (int i = first; i + o.windowS <= last; i += o.windowS) {
            row.windows.add(span(samples.get(i), samples.get(i + (int) o.windowS), run));
        }
        row.total = span(samples.get(first), samples.get(last), run);
    }

    /** @param run the job's run, for the latencies; null for the ceiling */
    private static Span span(Sample from, Sample to, ScaleRun run) {
        Span s = new Span(from, to);
        if (run != null) {
            s.latencies(run.latenciesBetween(from.nanos, to.nanos));
        }
        return s;
    }

    /** The checkpoints triggered in each window: the completed ones, and how many of the whole window failed. */
    private static void checkpoints(Row row, CheckpointStatsSnapshot stats, JobVertexID keyed) {
        for (AbstractCheckpointStats c : stats.getHistory().getCheckpoints()) {
            boolean inWindow = c.getTriggerTimestamp() >= row.total.fromMs && c.getTriggerTimestamp() < row.total.toMs;
            if (c.getStatus() == CheckpointStatsStatus.FAILED && inWindow) {
                row.checkpointsFailed++;
            }
            if (c.getStatus() != CheckpointStatsStatus.COMPLETED) {
                continue;
            }
            Checkpoint k = new Checkpoint();
            row.allCheckpoints.add(k);
            k.id = c.getCheckpointId();
            k.triggeredAtMs = c.getTriggerTimestamp();
            k.durationMs = c.getEndToEndDuration();
            k.stateBytes = c.getStateSize();
            k.checkpointedBytes = c.getCheckpointedSize();
            TaskStateStats task = keyed == null ? null : c.getTaskStateStats(keyed);
            if (task != null) {
                for (SubtaskStateStats sub : task.getSubtaskStats()) {
                    if (sub != null) {
                        k.syncMs = Math.max(k.syncMs, sub.getSyncCheckpointDuration());
                        k.asyncMs = Math.max(k.asyncMs, sub.getAsyncCheckpointDuration());
                    }
                }
            }
            for (Span w : row.windows) {
                if (k.triggeredAtMs >= w.fromMs && k.triggeredAtMs < w.toMs) {
                    w.checkpoints.add(k);
                }
            }
            if (inWindow) {
                row.total.checkpoints.add(k);
            }
        }
        row.total.checkpoints.sort((a, b) -> Long.compare(a.id, b.id));
        row.allCheckpoints.sort((a, b) -> Long.compare(a.id, b.id));
    }

    /** Submission to the first second from which a window's throughput is at least {@link #STEADY_SHARE} of the measured mean. */
    private static void steady(Row row, List<Sample> samples, long submitted) {
        double target = STEADY_SHARE * row.total.eventsPerSecond();
        for (int i = 0; i + 10 < samples.size(); i++) {
            Span next = new Span(samples.get(i), samples.get(i + 10));
            if (next.eventsPerSecond() >= target) {
                row.steadySeconds = (samples.get(i).nanos - submitted) / 1e9;
                return;
            }
        }
    }

    /**
     * This JVM's collectors and {@code -XX} options. It runs the jobs' TaskManager, so the report says when it
     * lacks the TaskManager's options of {@code flink-conf/} ({@code env.java.opts.taskmanager}), found from
     * the working directory up.
     */
    static String jvm() {
        List<String> own = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("-XX:")).collect(Collectors.toList());
        String collectors = ManagementFactory.getGarbageCollectorMXBeans().stream()
                .map(GarbageCollectorMXBean::getName).collect(Collectors.joining(" and "));
        String line = "collectors " + collectors + ", options " + (own.isEmpty() ? "none" : String.join(" ", own));
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("flink-conf").resolve(GlobalConfiguration.FLINK_CONF_FILENAME))) {
                String taskManager = GlobalConfiguration.loadConfiguration(dir.resolve("flink-conf").toString())
                        .get(CoreOptions.FLINK_TM_JVM_OPTIONS);
                List<String> missing = FlinkCluster.splitOptions(taskManager).stream()
                        .filter(o -> !own.contains(o)).collect(Collectors.toList());
                return missing.isEmpty() ? line
                        : line + " (without the TaskManager's " + String.join(" ", missing) + " of flink-conf/)";
            }
        }
        return line;
    }

    static String loadAverage() {
        try {
            return new String(Files.readAllBytes(Path.of("/proc/loadavg"))).trim().split(" ")[0];
        } catch (Exception e) {
            return String.format(Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }

    /** The share of the last 60 s in which some runnable task waited for a CPU (/proc/pressure/cpu). */
    static String cpuPressure() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/pressure/cpu"))) {
                if (line.startsWith("some")) {
                    return Arrays.stream(line.split(" ")).filter(p -> p.startsWith("avg60=")).findFirst()
                            .map(p -> p.substring(6) + " %").orElse("-");
                }
            }
        } catch (Exception e) {
            // not Linux, or no pressure stall information
        }
        return "-";
    }
}
