package com.rglimits.bench;

import com.rglimits.config.JobConfig;
import com.rglimits.config.JobOptions;
import com.rglimits.event.ParsedRecord;
import com.rglimits.job.Descriptors;
import com.rglimits.job.UserLimitsPipeline;
import com.rglimits.job.UserState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackend;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.execution.ExecutionState;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.executiongraph.AccessExecutionVertex;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.OperatorTransformation;
import org.apache.flink.state.api.SavepointWriter;
import org.apache.flink.state.api.functions.KeyedStateBootstrapFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.FileUtils;

/**
 * The state a scale run starts from: every user of a {@link GeneratedStream} with its limits as its
 * CREATED events left them ({@link GeneratedStream#initialState}), written with the State Processor
 * API into a savepoint of the keyed operator, as {@code bootstrap-savepoint} writes one from a table
 * export (same state, uid and max parallelism). Kept between benchmark runs: the content depends on
 * the number of users and {@link #VERSION} only.
 *
 * <p>Written in STREAMING mode: in BATCH mode (sorted keyed input) the bootstrap of 1,000,000 users
 * hung with nothing logged, its operator's thread gone and the feeding thread blocked on the full
 * queue to it; streaming writes the same state (1,000,000 users in 23 s on 2 cores).
 */
final class Prefill {
    /**
     * Change it when the generated state or its format changes, so that kept savepoints are written
     * again (2: user-state format 3, whose values a run would otherwise rewrite only as users change; 3: the
     * canonical savepoint compressed).
     */
    static final String VERSION = "3";
    private static final String DONE = "prefill-done";
    private static final String NATIVE_DONE = "native-done";

    private Prefill() {}

    /** The savepoint of {@code users} users under {@code work}, written first when missing. */
    static Path savepoint(Path work, int users, int parallelism) throws Exception {
        Path dir = work.resolve("prefill-" + users).toAbsolutePath();
        Path done = dir.resolve(DONE);
        if (Files.exists(done) && new String(Files.readAllBytes(done), StandardCharsets.UTF_8).equals(VERSION)) {
            return dir.resolve("savepoint");
        }
        FileUtils.deleteDirectory(dir.toFile());
        Files.createDirectories(dir);
        long t0 = System.nanoTime();
        Benchmark.log(String.format(Locale.ROOT, "prefill: writing a savepoint of %,d users (%,d limits)", users,
                (long) users * GeneratedStream.LIMITS));
        Configuration conf = new Configuration();
        conf.setString("taskmanager.memory.managed.size", "512m");
        conf.addAll(UserLimitsPipeline.savepointSettings());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
        env.setRuntimeMode(RuntimeExecutionMode.STREAMING);
        GeneratedStream stream = new GeneratedStream(users, GeneratedStream.Shape.PLAIN, 0, false);
        var userIndices = env.fromSource(new DataGeneratorSource<>(i -> i, users, Types.LONG),
                WatermarkStrategy.noWatermarks(), "User indices");
        var state = OperatorTransformation.bootstrapWith(userIndices)
                .keyBy(u -> GeneratedStream.userId(u.intValue()), Types.STRING)
                .transform(new InitialState(stream));
        SavepointWriter.newSavepoint(env, new EmbeddedRocksDBStateBackend(), JobOptions.MAX_PARALLELISM.defaultValue())
                .withOperator(OperatorIdentifier.forUid(UserLimitsPipeline.PROCESSOR_UID), state)
                .write(dir.resolve("savepoint").toUri().toString());
        env.execute("prefill " + users + " users");
        Files.write(done, VERSION.getBytes(StandardCharsets.UTF_8));
        Benchmark.log(String.format(Locale.ROOT, "prefill: %.0f s, %.0f MiB", (System.nanoTime() - t0) / 1e9,
                Benchmark.mib(Sampler.directorySize(dir))));
        return dir.resolve("savepoint");
    }

    /**
     * The same state as a native savepoint (RocksDB's own files), taken once of the canonical one and
     * kept beside it: what a running job's {@code stop --type native} or a retained checkpoint gives, and
     * what a large state restores from in seconds, where the canonical format is re-inserted key by key.
     * The job that takes it restores the canonical savepoint with a source that emits nothing, so the
     * state is exactly the prefill's; that source has a uid of its own (the rows restore with
     * non-restored state allowed).
     */
    static Path nativeSavepoint(Benchmark.Options o, int users, Path canonical) throws Exception {
        Path dir = canonical.getParent();
        Path done = dir.resolve(NATIVE_DONE);
        Path target = dir.resolve("native");
        if (Files.exists(done)) {
            List<String> lines = Files.readAllLines(done, StandardCharsets.UTF_8);
            // The savepoint's name under target: a work directory reached through another path (moved, or
            // through a link) still finds it, where the absolute path Flink returned would not.
            if (lines.size() == 2 && lines.get(0).equals(VERSION)) {
                Path kept = target.resolve(lines.get(1).substring(lines.get(1).lastIndexOf('/') + 1));
                if (Files.isDirectory(kept)) {
                    return kept;
                }
            }
        }
        FileUtils.deleteDirectory(target.toFile());
        Path rocksDb = Files.createDirectories(o.work.resolve("prefill-native-rocksdb").toAbsolutePath());
        long t0 = System.nanoTime();
        Benchmark.log(String.format(Locale.ROOT, "prefill: a native savepoint of %,d users", users));
        Configuration flink = ScaleScenario.clusterSettings(o, rocksDb);
        JobConfig config = ScaleScenario.jobConfig(o, Map.of());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(o.parallelism, flink);
        UserLimitsPipeline.configure(env, config);
        // On files: the savepoint's RocksDB files are far larger than what the JobManager may hold in memory.
        env.getCheckpointConfig().setCheckpointStorage(rocksDb.resolve("checkpoints").toUri().toString());
        GeneratedStream stream = new GeneratedStream(users, GeneratedStream.Shape.PLAIN, 0, false);
        // The source and the probe belong to a run; this job's emits nothing that reaches either.
        ScaleRun.begin(stream);
        DataStream<ParsedRecord> nothing = env.fromSource(new DataGeneratorSource<>(new GeneratingParser(stream), Long.MAX_VALUE,
                        RateLimiterStrategy.perSecond(1), Benchmark.PARSED_RECORD_TYPE),
                        UserLimitsPipeline.watermarks(config, false), "Idle source")
                .uid("prefill-idle-source")
                .filter(r -> false).returns(Benchmark.PARSED_RECORD_TYPE).name("Nothing").uid("prefill-nothing");
        ScaleScenario.applyAndDiscard(nothing, config);
        JobGraph graph = env.getStreamGraph().getJobGraph();
        graph.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(canonical.toUri().toString(), false));
        MiniClusterConfiguration cluster = ScaleScenario.cluster(o, flink);
        String path;
        try (MiniCluster mc = new MiniCluster(cluster)) {
            mc.start();
            JobID id = mc.submitJob(graph).get().getJobID();
            // A stop-with-savepoint that fails (it is refused until every task runs) restarts the job, so it
            // is asked only once every task has restored its state and runs.
            while (true) {
                JobStatus status = mc.getJobStatus(id).get();
                if (status.isGloballyTerminalState() || status == JobStatus.RESTARTING) {
                    throw new IllegalStateException("the job that restores the prefill failed (" + status + ")",
                            ScaleScenario.failureOf(mc, id));
                }
                if (status == JobStatus.RUNNING && allRunning(mc.getExecutionGraph(id).get())) {
                    break;
                }
                Thread.sleep(500);
            }
            path = mc.stopWithSavepoint(id, target.toUri().toString(), false, SavepointFormatType.NATIVE).get();
        } finally {
            FileUtils.deleteDirectory(rocksDb.toFile());
        }
        Path written = Path.of(java.net.URI.create(path));
        Files.write(done, List.of(VERSION, written.getFileName().toString()), StandardCharsets.UTF_8);
        Benchmark.log(String.format(Locale.ROOT, "prefill: native savepoint in %.0f s, %.0f MiB", (System.nanoTime() - t0) / 1e9,
                Benchmark.mib(Sampler.directorySize(target))));
        return written;
    }

    private static boolean allRunning(AccessExecutionGraph graph) {
        for (AccessExecutionVertex v : graph.getAllExecutionVertices()) {
            if (v.getExecutionState() != ExecutionState.RUNNING) {
                return false;
            }
        }
        return true;
    }

    /** Per user: its initial {@code user-state}. */
    static final class InitialState extends KeyedStateBootstrapFunction<String, Long> {
        private static final long serialVersionUID = 1L;
        private final GeneratedStream stream;
        private transient ValueState<UserState> userState;
        private transient GeneratedStream.AsciiWriter writer;

        InitialState(GeneratedStream stream) {
            this.stream = stream;
        }

        @Override
        public void open(OpenContext context) {
            userState = getRuntimeContext().getState(Descriptors.USER_STATE);
            writer = new GeneratedStream.AsciiWriter();
        }

        @Override
        public void processElement(Long user, Context ctx) throws Exception {
            userState.update(stream.initialState(user.intValue(), writer));
        }
    }
}
