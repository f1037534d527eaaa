package com.rglimits.bench;

import com.rglimits.config.JobOptions;
import com.rglimits.job.Descriptors;
import com.rglimits.job.UserLimitsPipeline;
import com.rglimits.job.UserState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackend;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.OperatorTransformation;
import org.apache.flink.state.api.SavepointWriter;
import org.apache.flink.state.api.functions.KeyedStateBootstrapFunction;
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
    /** Change it when the generated state changes, so that kept savepoints are written again. */
    static final String VERSION = "1";
    private static final String DONE = "prefill-done";

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
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
        env.setRuntimeMode(RuntimeExecutionMode.STREAMING);
        GeneratedStream stream = new GeneratedStream(users, GeneratedStream.Shape.PLAIN, 0);
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
