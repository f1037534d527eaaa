package com.rglimits.bench;

import com.rglimits.config.JobConfig;
import com.rglimits.config.JobOptions;
import com.rglimits.config.Settings;
import com.rglimits.event.EventParser;
import com.rglimits.event.ParsedRecord;
import com.rglimits.event.RecordSource;
import com.rglimits.job.Accounting;
import com.rglimits.job.Descriptors;
import com.rglimits.job.UserLimitsPipeline;
import com.rglimits.limit.LimitRules;
import com.rglimits.limit.RuleResult;
import com.rglimits.limit.UserLimit;
import com.rglimits.localaws.Dynalite;
import com.rglimits.subscribe.SubscriberBranch;
import com.rglimits.subscribe.SubscriberConnectors;
import com.rglimits.subscribe.Thresholds;
import com.rglimits.table.LimitItems;
import com.rglimits.table.LimitTable;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.CheckpointConfig;
import org.apache.flink.streaming.api.environment.ExecutionCheckpointingOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.FileUtils;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;

/**
 * The throughput benchmark of issue 6: the parse-only ceiling, the full job (RocksDB and heap state,
 * checkpoints) into a discarding sink, the full job into dynalite, and the Lambda-style
 * per-event read-modify-write baseline, on the same pre-serialized events, in one JVM, one run.
 *
 * <pre>
 * mvn -q compile exec:exec@benchmark -Dbench.args="--events 1000000 --users 100000 --out docs/benchmark.md"
 * </pre>
 *
 * Options: {@code --events N} (1000000), {@code --users N} (100000), {@code --lambda-events N}
 * (20000: the events of the first users, in stream order, that the baseline runs), {@code
 * --warmup-events N} (a RocksDB job run first, checkpointing every second, to warm the JIT; default
 * events, at most 1000000), {@code --parallelism N} (1), {@code --checkpoint-ms N} (10000), {@code --skip-dynamodb},
 * {@code --scenarios ceiling,rocksdb,disorder,heap,dynamodb,lambda} (also, only when named: {@code latency},
 * {@link LatencyScenario}, with {@code --rtt-ms N}, {@code --steady-rate N}, {@code --steady-events N},
 * {@code --steady-users N}, {@code --steady-other-types},
 * {@code --job key=value}, {@code --variant key=value,key=value} (repeatable: job settings compared side by side);
 * {@code subscribers}, {@link SubscriberBench}), {@code --out FILE} (markdown; when it
 * holds the markers {@value #BEGIN} and {@value #END} only the part between them is replaced),
 * {@code --work DIR} (target/benchmark: checkpoints); the scale rows' options are {@link ScaleScenario}'s,
 * among them {@code --jvm-per-row} (each row's job in a JVM of its own: {@link RowProcess}).
 */
public final class Benchmark {
    /** The harder stream: users active 1,000 at a time, shuffled in blocks of 2,000 records (about 2 s of createdAt). */
    static final int DISORDER_ACTIVE_USERS = 1_000;
    static final int DISORDER_BLOCK = 2_000;
    static final long DISORDER_SEED = 11;

    /**
     * The warm-up job checkpoints this often, so that the write-back and the checkpoint's own code are
     * compiled before a measured run too: a 10 s interval gives a short warm-up no checkpoint at all.
     */
    static final long WARMUP_CHECKPOINT_MS = 1_000;
    /** The most events the jobs' warm-up and the ceiling's warm-up pass run. */
    static final int MAX_WARMUP_EVENTS = 1_000_000;
    static final String BEGIN = "<!-- BEGIN GENERATED RESULTS -->";
    static final String END = "<!-- END GENERATED RESULTS -->";
    static final TypeInformation<ParsedRecord> PARSED_RECORD_TYPE = TypeInformation.of(ParsedRecord.class);

    public static final String CEILING = "Parse-only ceiling";
    public static final String JOB_ROCKSDB = "Full job, RocksDB, discarding sink";
    public static final String JOB_HEAP = "Full job, heap state, discarding sink";
    public static final String JOB_DISORDER = "Full job, RocksDB, discarding sink, shuffled + 10% redelivered";
    public static final String JOB_DYNAMODB = "Full job, RocksDB, into dynalite";
    public static final String LAMBDA = "Lambda-style baseline (get, apply, put)";

    /**
     * The MiniCluster's settings unless overridden. A local environment gets 128 MiB of managed
     * memory for RocksDB by default; a task manager of the managed service has far more. The network
     * buffers are the TaskManagers' of {@code flink-conf/} (DockerComposeTest checks it).
     */
    public static final Map<String, String> DEFAULT_FLINK = Map.of("taskmanager.memory.managed.size", "512m",
            "taskmanager.network.memory.buffers-per-channel", "8",
            "taskmanager.network.memory.floating-buffers-per-gate", "64",
            "taskmanager.network.memory.max-buffers-per-channel", "64");

    /** The options of one run. */
    public static final class Options {
        public int events = 1_000_000;
        public int users = 100_000;
        public int lambdaEvents = 20_000;
        public int warmupEvents = -1;
        public int parallelism = 1;
        public long checkpointMs = 10_000;
        public boolean dynamoDb = true;
        public List<String> scenarios = List.of("ceiling", "rocksdb", "disorder", "heap", "dynamodb", "lambda");
        public Path out;
        public Path work = Paths.get("target", "benchmark");
        /** The latency scenario ({@link LatencyScenario}): round trip, steady rate and events, job settings. */
        public double rttMs = 5;
        public double steadyRate = 500;
        public int steadyEvents = 20_000;
        /** Users of the latency scenario's live stream (--steady-users; 0: min(users, steady events), one event each at most). */
        public int steadyUsers = 0;
        /**
         * A second steady row per variant on the live stream with records of another type between each
         * user's limit events ({@code --steady-other-types}: {@link BenchEvents#liveWithOtherTypes}).
         */
        public boolean steadyOtherTypes;
        public final Map<String, String> job = new LinkedHashMap<>();
        /** Sets of job settings the latency scenario compares ({@code --variant k=v,k=v}, repeatable). */
        public final List<Map<String, String>> variants = new ArrayList<>();
        /**
         * Sets of settings the scale rows compare ({@code --scale-variant k=v,k=v}, repeatable): job settings
         * or Flink's (a RocksDB option, say), each a row of every user count and stream.
         */
        public final List<Map<String, String>> scaleVariants = new ArrayList<>();
        public String command;
        /** The scale rows ({@link ScaleScenario}): users of each pair of rows, the streams, and the timing. */
        public List<Integer> scaleUsers = List.of(100_000, 1_000_000, 10_000_000);
        public List<GeneratedStream.Shape> scaleShapes = List.of(GeneratedStream.Shape.PLAIN, GeneratedStream.Shape.SESSIONS);
        public long warmupS = 30;
        public long durationS = 60;
        public long windowS = 10;
        /**
         * The savepoint the scale rows restore ({@code --restore-from native|canonical}): the State Processor
         * API's canonical one, or a native one the job took of it ({@link Prefill#nativeSavepoint}).
         */
        public SavepointFormatType restoreFrom = SavepointFormatType.NATIVE;
        /**
         * A floor row before the scale rows ({@code --floor}): the job's source, router and keyBy into an
         * operator that only counts ({@link ExchangeFloor}), on the first stream at the first user count.
         */
        public boolean floor;
        /**
         * The scale rows' streams carry every sequence number of a user ({@code --complete-stream}), as a
         * stream whose other event types are read too: see {@link GeneratedStream#complete}. The job's
         * {@code ordering.complete-stream} is set apart, as a variant, so that both settings run on it.
         */
        public boolean completeStream;
        /**
         * Each scale row's job in a JVM of its own ({@code --jvm-per-row}, {@link RowProcess}) instead of the
         * benchmark's: variants that take other paths through the code compared without the JIT's work for
         * one shaping the other's.
         */
        public boolean jvmPerRow;
        /** In a row's own JVM: the row it runs and the file its figures go to ({@link RowProcess}); null otherwise. */
        String row;
        Path rowOut;
        /** The options as given, for a row's own JVM. */
        String[] args = new String[0];
        /** Flink settings of the MiniCluster (--flink key=value); see {@link #DEFAULT_FLINK}. */
        public final Map<String, String> flink = new LinkedHashMap<>(DEFAULT_FLINK);

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--events": o.events = Integer.parseInt(args[++i]); break;
                    case "--users": o.users = Integer.parseInt(args[++i]); break;
                    case "--lambda-events": o.lambdaEvents = Integer.parseInt(args[++i]); break;
                    case "--warmup-events": o.warmupEvents = Integer.parseInt(args[++i]); break;
                    case "--parallelism": o.parallelism = Integer.parseInt(args[++i]); break;
                    case "--checkpoint-ms": o.checkpointMs = Long.parseLong(args[++i]); break;
                    case "--skip-dynamodb": o.dynamoDb = false; break;
                    case "--scenarios": o.scenarios = Arrays.asList(args[++i].split(",")); break;
                    case "--out": o.out = Paths.get(args[++i]); break;
                    case "--work": o.work = Paths.get(args[++i]); break;
                    case "--rtt-ms": o.rttMs = Double.parseDouble(args[++i]); break;
                    case "--steady-rate": o.steadyRate = Double.parseDouble(args[++i]); break;
                    case "--steady-events": o.steadyEvents = Integer.parseInt(args[++i]); break;
                    case "--steady-users": o.steadyUsers = Integer.parseInt(args[++i]); break;
                    case "--steady-other-types": o.steadyOtherTypes = true; break;
                    case "--job": putSetting(o.job, args[++i]); break;
                    case "--variant":
                    case "--scale-variant": {
                        List<Map<String, String>> variants = args[i].equals("--variant") ? o.variants : o.scaleVariants;
                        Map<String, String> variant = new LinkedHashMap<>();
                        for (String setting : args[++i].split(",")) {
                            putSetting(variant, setting);
                        }
                        variants.add(variant);
                        break;
                    }
                    case "--flink": putSetting(o.flink, args[++i]); break;
                    case "--scale-users": o.scaleUsers = Arrays.stream(args[++i].split(",")).map(Integer::valueOf)
                            .collect(java.util.stream.Collectors.toList()); break;
                    case "--shapes": o.scaleShapes = Arrays.stream(args[++i].split(","))
                            .map(n -> GeneratedStream.Shape.valueOf(n.toUpperCase(Locale.ROOT)))
                            .collect(java.util.stream.Collectors.toList()); break;
                    case "--warmup-s": o.warmupS = Long.parseLong(args[++i]); break;
                    case "--duration-s": o.durationS = Long.parseLong(args[++i]); break;
                    case "--window-s": o.windowS = Long.parseLong(args[++i]); break;
                    case "--restore-from": o.restoreFrom = SavepointFormatType.valueOf(args[++i].toUpperCase(Locale.ROOT)); break;
                    case "--floor": o.floor = true; break;
                    case "--complete-stream": o.completeStream = true; break;
                    case "--jvm-per-row": o.jvmPerRow = true; break;
                    case RowProcess.ROW: o.row = args[++i]; break;
                    case RowProcess.ROW_OUT: o.rowOut = Paths.get(args[++i]); break;
                    default: throw new IllegalArgumentException("unknown option " + a);
                }
            }
            o.args = args.clone();
            o.command = "mvn -q compile exec:exec@benchmark -Dbench.args=\"" + String.join(" ", args) + "\"";
            return o;
        }

        /** {@code key=value} into the settings. */
        private static void putSetting(Map<String, String> settings, String keyValue) {
            String[] kv = keyValue.split("=", 2);
            settings.put(kv[0], kv[1]);
        }

        boolean runs(String scenario) {
            boolean needsDynamo = scenario.equals("dynamodb") || scenario.equals("lambda") || scenario.equals("latency");
            return scenarios.contains(scenario) && (dynamoDb || !needsDynamo);
        }
    }

    /** The figures of one scenario. */
    public static final class Result {
        public final String name;
        public long events;
        public double wallSeconds;
        public double cpuSeconds;
        public double p50Ms = Double.NaN;
        public double p99Ms = Double.NaN;
        public long peakHeapBytes;
        public long peakRssBytes;
        public long stateBytes = -1;
        /** Id of the last checkpoint seen in the checkpoint directory (0: none). */
        public long checkpoints;
        public long applied;
        public long deadLettered;
        public String accounting = "";
        /** Of {@link #cpuSeconds}: the JIT compilers' and the garbage collector's threads. */
        public double jitSeconds;
        public double gcSeconds;

        Result(String name) {
            this.name = name;
        }

        void runtimeCpu(RuntimeCpu used) {
            jitSeconds = used.jitNanos / 1e9;
            gcSeconds = used.gcNanos / 1e9;
        }

        public double eventsPerSecond() {
            return events / wallSeconds;
        }

        public double coresUsed() {
            return cpuSeconds / wallSeconds;
        }

        public double eventsPerCoreSecond() {
            return events / cpuSeconds;
        }

        /** What a job that has long finished compiling would show, all else equal. */
        public double eventsPerCoreSecondWithoutJit() {
            return events / (cpuSeconds - jitSeconds);
        }
    }

    /** Everything one run measured. */
    public static final class Report {
        public final Map<String, Result> results = new LinkedHashMap<>();
        public String markdown;
        /** Items of the Lambda baseline's table that differ from the job's table (-1: not compared). */
        public long tableMismatches = -1;
        public long comparedItems;
        /** The latency scenario's figures, when it ran. */
        public LatencyScenario.Figures latency;
        /** The scale rows' figures, when they ran. */
        ScaleScenario.Figures scale;
    }

    private Benchmark() {}

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        if (options.row != null) {
            logName = "row's JVM";
            try {
                RowProcess.runHere(options);
            } catch (Throwable t) {
                // Flink's non-daemon threads would keep this JVM, and the benchmark waiting for it, alive.
                t.printStackTrace();
                System.exit(1);
            }
            System.exit(0);
        }
        Report report = run(options);
        System.out.println(report.markdown);
        System.exit(0); // Flink leaves non-daemon threads behind
    }

    public static Report run(Options o) throws Exception {
        Report report = new Report();
        if (o.runs("scale")) {
            report.scale = ScaleScenario.run(o);
        }
        boolean preSerialized = o.scenarios.stream().anyMatch(sc -> !sc.equals("scale") && o.runs(sc));
        report.markdown = report.scale != null ? report.scale.markdown(o) : "";
        if (preSerialized) {
            String rest = runPreSerialized(o, report);
            report.markdown = report.markdown.isEmpty() ? rest : report.markdown + "\n" + rest;
        }
        report.markdown = "Generated by `" + o.command + "`\n\n" + report.markdown;
        if (o.out != null) {
            write(o.out, report.markdown);
            log("wrote " + o.out.toAbsolutePath());
            if (report.scale != null) {
                List<ScaleScenario.Row> rows = new ArrayList<>();
                rows.add(report.scale.ceiling);
                rows.addAll(report.scale.rows);
                Files.write(plotOf(o.out), ScalePlot.svg(rows).getBytes(StandardCharsets.UTF_8));
                log("wrote " + plotOf(o.out).toAbsolutePath());
            }
        }
        return report;
    }

    /** The scale rows' plot, beside the report: {@code docs/benchmark.md} has {@code docs/benchmark-scale.svg}. */
    static Path plotOf(Path out) {
        String name = out.getFileName().toString();
        return out.resolveSibling((name.endsWith(".md") ? name.substring(0, name.length() - 3) : name) + "-scale.svg");
    }

    /** The scenarios over pre-serialized events (all but the scale rows); returns their markdown. */
    private static String runPreSerialized(Options o, Report report) throws Exception {
        log("generating " + o.events + " events over " + o.users + " users");
        BenchEvents events = BenchEvents.generate(o.events, o.users);
        System.gc();
        long baselineHeap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        log(String.format(Locale.ROOT, "%d records, %.1f MiB serialized, heap in use after generation %.0f MiB",
                events.events, mib(events.totalBytes), mib(baselineHeap)));
        String started = Instant.now().toString();
        String load = loadAverage();

        if (o.runs("ceiling")) {
            report.results.put(CEILING, ceiling(events));
        }
        int warmup = o.warmupEvents >= 0 ? o.warmupEvents : Math.min(MAX_WARMUP_EVENTS, o.events);
        if (warmup > 0 && (o.runs("rocksdb") || o.runs("heap") || o.runs("dynamodb") || o.runs("latency"))) {
            log("warm-up job: " + warmup + " events");
            runJob("warm-up", events, warmup, true, BenchSinks::discarding,
                    jobConfig(o, null, "warmup", Math.min(o.checkpointMs, WARMUP_CHECKPOINT_MS)), o, "warmup");
        }
        if (o.runs("rocksdb")) {
            report.results.put(JOB_ROCKSDB, runJob(JOB_ROCKSDB, events, o.events, true, BenchSinks::discarding,
                    jobConfig(o, null, "unused"), o, "rocksdb"));
        }
        if (o.runs("disorder")) {
            int active = o.users % DISORDER_ACTIVE_USERS == 0 ? DISORDER_ACTIVE_USERS : o.users;
            BenchEvents disordered = BenchEvents.inSessions(o.events, o.users, active)
                    .disordered(DISORDER_SEED, DISORDER_BLOCK);
            Result r = runJob(JOB_DISORDER, disordered, disordered.events, true, BenchSinks::discarding,
                    jobConfig(o, null, "unused"), o, "disorder");
            if (r.applied != o.events || r.deadLettered != 0) {
                throw new IllegalStateException(JOB_DISORDER + ": every event must be applied once: " + r.accounting);
            }
            report.results.put(JOB_DISORDER, r);
        }
        if (o.runs("heap")) {
            report.results.put(JOB_HEAP, runJob(JOB_HEAP, events, o.events, false, BenchSinks::discarding,
                    jobConfig(o, null, "unused"), o, "heap"));
        }
        if (o.runs("subscribers")) {
            report.results.put(SubscriberBench.NAME, SubscriberBench.run(events, o));
        }
        if (o.runs("dynamodb") || o.runs("lambda")) {
            try (Dynalite dynamo = Dynalite.start(); DynamoDbClient client = dynamo.client()) {
                String jobTable = "bench-job";
                String lambdaTable = "bench-lambda";
                LimitTable.create(client, jobTable);
                LimitTable.create(client, lambdaTable);
                if (o.runs("dynamodb")) {
                    report.results.put(JOB_DYNAMODB, runJob(JOB_DYNAMODB, events, o.events, true, BenchSinks::dynamoDb,
                            jobConfig(o, dynamo, jobTable), o, "dynamodb"));
                }
                if (o.runs("lambda")) {
                    int count = lambdaCount(events, o.lambdaEvents);
                    report.results.put(LAMBDA, lambda(events, count, client, lambdaTable));
                    if (o.runs("dynamodb")) {
                        compareTables(client, lambdaTable, jobTable, report);
                    }
                }
            }
        }
        if (o.runs("latency")) {
            report.latency = LatencyScenario.run(o, events);
        }
        String markdown = report.results.isEmpty() ? "" : markdown(o, events, report, started, load, baselineHeap);
        if (report.latency != null) {
            markdown += (markdown.isEmpty() ? "" : "\n") + report.latency.markdown();
        }
        return markdown;
    }

    // ---------------------------------------------------------------- scenarios

    /** Scenario 1: parse and validate every record in one thread, nothing else. */
    static Result ceiling(BenchEvents events) {
        Result r = new Result(CEILING);
        RecordSource src = RecordSource.fileElement(IndexedRecordParser.SOURCE_NAME, 0);
        // As long as the jobs' warm-up: a shorter one left the compiler busy for 0.4 cores of the measured pass.
        int warm = Math.min(events.events, MAX_WARMUP_EVENTS);
        for (int i = 0; i < warm; i++) {
            EventParser.parse(events.records[i], src, 0L);
        }
        log("scenario: " + CEILING);
        System.gc();
        long valid = 0;
        try (Sampler sampler = Sampler.start(null)) {
            long t0 = System.nanoTime();
            long c0 = BenchRun.processCpuNanos();
            RuntimeCpu runtime0 = RuntimeCpu.now();
            for (int i = 0; i < events.events; i++) {
                ParsedRecord p = EventParser.parse(events.records[i], RecordSource.fileElement(IndexedRecordParser.SOURCE_NAME, i),
                        System.currentTimeMillis());
                if (p.kind == ParsedRecord.Kind.EVENT) {
                    valid++;
                }
            }
            r.wallSeconds = (System.nanoTime() - t0) / 1e9;
            r.cpuSeconds = (BenchRun.processCpuNanos() - c0) / 1e9;
            r.runtimeCpu(RuntimeCpu.now().since(runtime0));
            sampler.close();
            r.peakHeapBytes = sampler.peakHeapBytes();
            r.peakRssBytes = sampler.peakRssBytes();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        r.events = events.events;
        r.accounting = "valid=" + valid;
        if (valid != events.events) {
            throw new IllegalStateException("generated records failed validation: " + valid + " of " + events.events + " valid");
        }
        return r;
    }

    /** Scenarios 2 and 3: the whole job on a MiniCluster in this JVM, from the in-memory source. */
    static Result runJob(String name, BenchEvents events, int count, boolean rocksDb, BenchSinks.SinkFactory sink,
            JobConfig config, Options o, String dirName) throws Exception {
        return runJob(name, events, count, rocksDb, sink, config, o, dirName, 0);
    }

    /**
     * {@link #runJob} with the source emitting at most {@code recordsPerSecond} (0: as fast as it
     * can). A rate-limited run is live: its event times follow the wall clock (see {@link BenchRun#live}).
     */
    static Result runJob(String name, BenchEvents events, int count, boolean rocksDb, BenchSinks.SinkFactory sink,
            JobConfig config, Options o, String dirName, double recordsPerSecond) throws Exception {
        log("scenario: " + name);
        Path checkpoints = o.work.resolve("checkpoints").resolve(dirName).toAbsolutePath();
        FileUtils.deleteDirectory(checkpoints.toFile()); // tolerates Flink still discarding old checkpoints
        Files.createDirectories(checkpoints);
        BenchRun run = BenchRun.begin(events);
        run.live = recordsPerSecond > 0;

        Configuration flink = new Configuration();
        // A bounded run would otherwise wait up to one checkpoint interval after the last record
        // for a final checkpoint; the figures are about processing, and a streaming job never ends.
        flink.set(ExecutionCheckpointingOptions.ENABLE_CHECKPOINTS_AFTER_TASKS_FINISH, false);
        o.flink.forEach(flink::setString);
        flink.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        flink.set(ExecutionCheckpointingOptions.EXTERNALIZED_CHECKPOINT,
                CheckpointConfig.ExternalizedCheckpointCleanup.RETAIN_ON_CANCELLATION);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(o.parallelism, flink);
        UserLimitsPipeline.configure(env, config);
        if (!rocksDb) {
            Configuration heap = new Configuration();
            heap.set(StateBackendOptions.STATE_BACKEND, "hashmap");
            env.configure(heap, Benchmark.class.getClassLoader());
        }
        DataGeneratorSource<ParsedRecord> source = new DataGeneratorSource<>(new IndexedRecordParser(), count,
                recordsPerSecond > 0 ? RateLimiterStrategy.perSecond(recordsPerSecond) : RateLimiterStrategy.noOp(),
                PARSED_RECORD_TYPE);
        // Measured as production runs it (an unbounded input's ordering), although this input ends.
        DataStream<ParsedRecord> records = env.fromSource(source, UserLimitsPipeline.watermarks(config, false), "In-memory records")
                .uid(UserLimitsPipeline.SOURCE_UID);
        UserLimitsPipeline.Outputs outputs = UserLimitsPipeline.applyEvents(records, config, false);
        SubscriberConnectors subscribers = SubscriberConnectors.fromConfig(config, true);
        if (subscribers != null) {
            SubscriberBranch.attach(outputs.limits, subscribers, Thresholds.parse(config.thresholds()));
        }
        outputs.limits.map(new LatencyProbe()).returns(Descriptors.USER_LIMIT_TYPE).name("Latency probe")
                .sinkTo(sink.create(config)).uid(UserLimitsPipeline.LIMITS_SINK_UID).name("Write limits");
        outputs.deadLetters.sinkTo(new DiscardingSink<>()).uid(UserLimitsPipeline.DEAD_LETTER_SINK_UID).name("Discard dead letters");

        System.gc();
        Result r = new Result(name);
        JobExecutionResult result;
        try (Sampler sampler = Sampler.start(checkpoints)) {
            result = env.execute(name);
            long end = System.nanoTime();
            long cpuEnd = BenchRun.processCpuNanos();
            r.wallSeconds = (end - run.startNanos.get()) / 1e9;
            r.cpuSeconds = (cpuEnd - run.startCpuNanos) / 1e9;
            r.runtimeCpu(RuntimeCpu.now().since(run.startRuntimeCpu));
            sampler.close();
            r.peakHeapBytes = sampler.peakHeapBytes();
            r.peakRssBytes = sampler.peakRssBytes();
            r.stateBytes = sampler.checkpointBytes();
            r.checkpoints = sampler.lastCheckpointId();
        }
        Accounting.Summary summary = Accounting.summary(result);
        r.events = summary.records;
        r.applied = summary.applied;
        r.deadLettered = summary.deadLettered;
        r.accounting = summary.line();
        if (summary.records != count || !summary.balances()) {
            throw new IllegalStateException(name + ": accounting does not add up: " + summary.line());
        }
        latencies(r, run.latency);
        log(String.format(Locale.ROOT, "  %s; %.0f events/s", summary.line(), r.eventsPerSecond()));
        return r;
    }

    /**
     * Scenario 4: what users run today, one event at a time like one Lambda invocation: parse,
     * GetItem (consistent read), apply the rules, PutItem; no batching, one thread.
     */
    static Result lambda(BenchEvents events, int count, DynamoDbClient client, String table) {
        log("scenario: " + LAMBDA + " (" + count + " events)");
        Result r = new Result(LAMBDA);
        long[] latency = new long[count];
        int n = 0;
        long applied = 0;
        long rejected = 0;
        System.gc();
        try (Sampler sampler = Sampler.start(null)) {
            long t0 = System.nanoTime();
            long c0 = BenchRun.processCpuNanos();
            RuntimeCpu runtime0 = RuntimeCpu.now();
            for (int i = 0; n < count && i < events.events; i++) {
                if (!inLambdaSubset(events, i, count)) {
                    continue;
                }
                long start = System.nanoTime();
                ParsedRecord p = EventParser.parse(events.records[i], RecordSource.fileElement(IndexedRecordParser.SOURCE_NAME, i),
                        System.currentTimeMillis());
                if (p.kind != ParsedRecord.Kind.EVENT) {
                    throw new IllegalStateException("invalid benchmark record " + i + ": " + p);
                }
                Map<String, AttributeValue> key = Map.of(
                        LimitItems.USER_ID, AttributeValue.builder().s(p.event.userId).build(),
                        LimitItems.USER_LIMIT_ID, AttributeValue.builder().s(p.event.userLimitId).build());
                GetItemResponse got = client.getItem(b -> b.tableName(table).key(key).consistentRead(true));
                UserLimit current = got.hasItem() && !got.item().isEmpty() ? LimitItems.fromItem(got.item()) : null;
                RuleResult result = LimitRules.apply(current, p.event);
                if (result.isApplied()) {
                    client.putItem(b -> b.tableName(table).item(LimitItems.toItem(result.limit())));
                    applied++;
                } else {
                    rejected++;
                }
                latency[n++] = System.nanoTime() - start;
            }
            r.wallSeconds = (System.nanoTime() - t0) / 1e9;
            r.cpuSeconds = (BenchRun.processCpuNanos() - c0) / 1e9;
            r.runtimeCpu(RuntimeCpu.now().since(runtime0));
            sampler.close();
            r.peakHeapBytes = sampler.peakHeapBytes();
            r.peakRssBytes = sampler.peakRssBytes();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        r.events = n;
        r.applied = applied;
        r.deadLettered = rejected;
        r.accounting = "records=" + n + " applied=" + applied + " rejected=" + rejected;
        latencies(r, Arrays.copyOf(latency, n));
        log(String.format(Locale.ROOT, "  %s; %.0f events/s", r.accounting, r.eventsPerSecond()));
        return r;
    }

    /** How many events the baseline runs: all events of the first users that fit in {@code wanted}. */
    static int lambdaCount(BenchEvents events, int wanted) {
        if (wanted >= events.events) {
            return events.events;
        }
        int perUser = (events.events + events.users - 1) / events.users;
        int subsetUsers = Math.max(1, wanted / perUser);
        int count = 0;
        for (int i = 0; i < events.events; i++) {
            if (events.userOf(i) < subsetUsers) {
                count++;
            }
        }
        return count;
    }

    private static boolean inLambdaSubset(BenchEvents events, int i, int count) {
        if (count >= events.events) {
            return true;
        }
        int perUser = (events.events + events.users - 1) / events.users;
        return events.userOf(i) < Math.max(1, count / perUser);
    }

    /** Cross-check: every item the baseline wrote must equal the job's item for the same limit. */
    static void compareTables(DynamoDbClient client, String lambdaTable, String jobTable, Report report) {
        long compared = 0;
        long mismatches = 0;
        for (Map<String, AttributeValue> item : LimitTable.scanAll(client, lambdaTable)) {
            Map<String, AttributeValue> key = Map.of(LimitItems.USER_ID, item.get(LimitItems.USER_ID),
                    LimitItems.USER_LIMIT_ID, item.get(LimitItems.USER_LIMIT_ID));
            GetItemResponse job = client.getItem(b -> b.tableName(jobTable).key(key).consistentRead(true));
            compared++;
            if (!job.hasItem() || job.item().isEmpty()
                    || !LimitItems.fromItem(job.item()).equals(LimitItems.fromItem(item))) {
                mismatches++;
            }
        }
        report.comparedItems = compared;
        report.tableMismatches = mismatches;
        log("cross-check: " + compared + " items of the baseline's table compared with the job's, " + mismatches + " differ");
    }

    // ---------------------------------------------------------------- helpers

    static JobConfig jobConfig(Options o, Dynalite dynamo, String table) {
        return jobConfig(o, dynamo, table, o.checkpointMs);
    }

    static JobConfig jobConfig(Options o, Dynalite dynamo, String table, long checkpointMs) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put(JobOptions.SOURCE_FILE.key(), "in-memory");
        s.put(JobOptions.TABLE_NAME.key(), table);
        s.put(JobOptions.CHECKPOINT_INTERVAL.key(), Long.toString(checkpointMs));
        s.put(JobOptions.PARALLELISM.key(), Integer.toString(o.parallelism));
        if (dynamo != null) {
            dynamo.awsProperties().forEach((k, v) -> s.put((String) k, (String) v));
        }
        return JobConfig.from(new Settings(s, k -> k));
    }

    static void latencies(Result r, long[] nanos) {
        long[] seen = Arrays.stream(nanos).filter(x -> x >= 0).sorted().toArray();
        if (seen.length > 0) {
            r.p50Ms = seen[(int) Math.min(seen.length - 1, Math.round(0.50 * (seen.length - 1)))] / 1e6;
            r.p99Ms = seen[(int) Math.min(seen.length - 1, Math.round(0.99 * (seen.length - 1)))] / 1e6;
        }
    }

    static String markdown(Options o, BenchEvents events, Report report, String started, String load, long baselineHeap) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "Run %s on %d cores (load average at start: %s), JDK %s, max heap %.0f MiB, "
                        + "parallelism %d, checkpoints every %d ms, Flink settings %s. %d events over %d users (%d limits each), "
                        + "%.1f MiB serialized; heap in use with the events loaded: %.0f MiB.%n%n",
                started, Runtime.getRuntime().availableProcessors(), load, System.getProperty("java.version"),
                mib(Runtime.getRuntime().maxMemory()), o.parallelism, o.checkpointMs, o.flink, events.events, events.users,
                events.limitsPerUser, mib(events.totalBytes), mib(baselineHeap)));
        b.append("| scenario | events | wall s | events/s | cores used | of which JIT / GC | events/s per core | p50 ms | p99 ms "
                + "| peak heap after GC MiB | peak RSS MiB | state MiB | accounting |\n");
        b.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (Result r : report.results.values()) {
            b.append(String.format(Locale.ROOT, "| %s | %d | %.2f | %,.0f | %.2f | %.2f / %.2f | %,.0f | %s | %s | %.0f | %.0f | %s | %s |%n",
                    r.name, r.events, r.wallSeconds, r.eventsPerSecond(), r.coresUsed(),
                    r.jitSeconds / r.wallSeconds, r.gcSeconds / r.wallSeconds, r.eventsPerCoreSecond(),
                    ms(r.p50Ms), ms(r.p99Ms), mib(r.peakHeapBytes), mib(r.peakRssBytes),
                    r.stateBytes <= 0 ? "-" : String.format(Locale.ROOT, "%.1f (chk %d)", mib(r.stateBytes), r.checkpoints),
                    r.accounting));
        }
        b.append('\n');
        Result ceiling = report.results.get(CEILING);
        Result rocks = report.results.get(JOB_ROCKSDB);
        Result heap = report.results.get(JOB_HEAP);
        Result disorder = report.results.get(JOB_DISORDER);
        Result dynamo = report.results.get(JOB_DYNAMODB);
        Result lambda = report.results.get(LAMBDA);
        b.append("Ratios:\n\n");
        if (ceiling != null) {
            for (Result job : new Result[] {rocks, disorder, heap, dynamo}) {
                if (job != null) {
                    b.append(String.format(Locale.ROOT, "- %s / ceiling: %.1f%% of the ceiling's events/s per core "
                                    + "(%.1f%% of its events/s)%n", job.name,
                            100 * job.eventsPerCoreSecond() / ceiling.eventsPerCoreSecond(),
                            100 * job.eventsPerSecond() / ceiling.eventsPerSecond()));
                }
            }
        }
        if (dynamo != null && lambda != null) {
            b.append(String.format(Locale.ROOT, "- job into DynamoDB / Lambda-style baseline: %.1fx the events/s "
                            + "(%.1fx the events/s per core)%n",
                    dynamo.eventsPerSecond() / lambda.eventsPerSecond(), dynamo.eventsPerCoreSecond() / lambda.eventsPerCoreSecond()));
        }
        if (report.tableMismatches >= 0) {
            b.append(String.format(Locale.ROOT, "- cross-check: the %d items the baseline wrote were compared with the job's "
                    + "table: %d differ%n", report.comparedItems, report.tableMismatches));
        }
        b.append("\nGoals:\n\n");
        if (rocks != null) {
            b.append(goal("full job with RocksDB and checkpoints >= 60,000 events/s per core",
                    rocks.eventsPerCoreSecond() >= 60_000, String.format(Locale.ROOT,
                            "%,.0f; without the JIT compilers' CPU %,.0f", rocks.eventsPerCoreSecond(), rocks.eventsPerCoreSecondWithoutJit())));
            b.append(goal("full job with RocksDB and checkpoints >= 100,000 events/s per core (the aim)",
                    rocks.eventsPerCoreSecond() >= 100_000, String.format(Locale.ROOT, "%,.0f", rocks.eventsPerCoreSecond())));
            if (ceiling != null) {
                double share = rocks.eventsPerCoreSecond() / ceiling.eventsPerCoreSecond();
                b.append(goal("full job with RocksDB >= 25% of the parse-only ceiling (per core)", share >= 0.25,
                        String.format(Locale.ROOT, "%.1f%%", 100 * share)));
            }
        }
        if (dynamo != null && lambda != null) {
            double x = dynamo.eventsPerSecond() / lambda.eventsPerSecond();
            b.append(goal("job into DynamoDB >= 20x the Lambda-style baseline", x >= 20, String.format(Locale.ROOT, "%.1fx", x)));
        }
        return b.toString();
    }

    private static String goal(String what, boolean reached, String figure) {
        return "- " + what + ": " + (reached ? "reached" : "NOT reached") + " (" + figure + ")\n";
    }

    private static String ms(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, v < 10 ? "%.2f" : "%.0f", v);
    }

    static double mib(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }

    static void write(Path out, String results) throws IOException {
        String block = BEGIN + "\n" + results + END;
        String text;
        if (Files.exists(out)) {
            String old = new String(Files.readAllBytes(out), StandardCharsets.UTF_8);
            int begin = old.indexOf(BEGIN);
            int end = old.indexOf(END);
            text = begin >= 0 && end > begin ? old.substring(0, begin) + block + old.substring(end + END.length()) : block + "\n";
        } else {
            text = block + "\n";
        }
        if (out.toAbsolutePath().getParent() != null) {
            Files.createDirectories(out.toAbsolutePath().getParent());
        }
        Files.write(out, text.getBytes(StandardCharsets.UTF_8));
    }

    private static String loadAverage() {
        try {
            return new String(Files.readAllBytes(Paths.get("/proc/loadavg")), StandardCharsets.US_ASCII).trim()
                    .split(" ")[0];
        } catch (IOException e) {
            return String.format(Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }

    private static final long T0 = System.nanoTime();

    /** What the log's lines start with: the benchmark's JVM, or a row's ({@link RowProcess}), each on its own clock. */
    private static String logName = "benchmark";

    static void log(String message) {
        System.err.printf(Locale.ROOT, "[%s %6.1fs] %s%n", logName, (System.nanoTime() - T0) / 1e9, message);
    }
}
