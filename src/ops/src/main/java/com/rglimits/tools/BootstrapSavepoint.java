package com.rglimits.tools;

import com.rglimits.config.ConfigReaders;
import com.rglimits.config.JobOptions;
import com.rglimits.config.Settings;
import com.rglimits.console.JobProgress;
import com.rglimits.console.Progress;
import com.rglimits.job.Descriptors;
import com.rglimits.job.UserLimitsPipeline;
import com.rglimits.job.UserState;
import com.rglimits.limit.UserLimit;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.file.src.reader.TextLineInputFormat;
import org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackend;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.OperatorTransformation;
import org.apache.flink.state.api.SavepointWriter;
import org.apache.flink.state.api.StateBootstrapTransformation;
import org.apache.flink.state.api.functions.KeyedStateBootstrapFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Builds a savepoint of the job from a JSON Lines export of existing limits (the export format of
 * {@link LimitExport}, or DynamoDB JSON), so that the job can start on a live stream whose CREATED
 * events are long gone. Per user it writes the {@code user-state}: the limits and the sequence cursor
 * = the highest {@code lastSequenceNumber} of the user's limits (events at or
 * below it are late, exactly as if the job had applied them), under the processor's uid and the
 * job's max parallelism. The whole file is validated first: bad lines are reported with their line
 * numbers and nothing is written.
 *
 * <pre>
 * mvn -q compile exec:java@bootstrap-savepoint -Dexec.args="--limits export.jsonl --out DIR [--max-parallelism 128]"
 * </pre>
 */
public final class BootstrapSavepoint {
    static final String LIMITS = "limits";
    static final String OUT = "out";
    static final String MAX_PARALLELISM = "max-parallelism";
    static final String PARALLELISM = "parallelism";
    /** Bad lines listed in the error before "... and N more". */
    static final int MAX_REPORTED = 20;

    private BootstrapSavepoint() {}

    /** What a bootstrap wrote. */
    public static final class Result {
        public long limits;
        public long users;
        public String savepoint;
        public int maxParallelism;

        public String line() {
            return "savepoint " + savepoint + " written: " + limits + " limits of " + users + " users (max parallelism "
                    + maxParallelism + "); start the job from it with the same job.max-parallelism";
        }
    }

    public static void main(String[] args) {
        Tools.mainInEmbeddedFlink(args, PARALLELISM, (env, s) -> run(env, s).line());
    }

    /** Runs the bootstrap on the given environment (tests pass a MiniCluster's). */
    public static Result run(StreamExecutionEnvironment env, String[] args) throws Exception {
        return run(env, ConfigReaders.fromArgs(args));
    }

    static Result run(StreamExecutionEnvironment env, Settings s) throws Exception {
        Path input = Path.of(s.required(LIMITS));
        String out = s.required(OUT);
        int maxParallelism = s.intValue(MAX_PARALLELISM, JobOptions.MAX_PARALLELISM.defaultValue(), 1);
        if (maxParallelism > JobOptions.MAX_MAX_PARALLELISM) {
            throw new ToolException(s.describe(MAX_PARALLELISM) + " must be <= " + JobOptions.MAX_MAX_PARALLELISM
                    + ", got " + maxParallelism);
        }
        s.string(PARALLELISM, null);
        s.rejectUnknown();
        if (!Files.isRegularFile(input) || !Files.isReadable(input)) {
            throw new ToolException("cannot read limits file " + input);
        }
        Result result = validate(input);
        result.savepoint = Tools.newSavepointDir(out);
        result.maxParallelism = maxParallelism;

        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        env.configure(UserLimitsPipeline.savepointSettings());
        FileSource<String> source = FileSource
                .forRecordStreamFormat(new TextLineInputFormat(), new org.apache.flink.core.fs.Path(input.toUri()))
                .build();
        DataStream<UserLimit> limits = env.fromSource(source, WatermarkStrategy.noWatermarks(), "Read limits export")
                .filter(line -> !line.isBlank())
                .name("Skip blank lines")
                .map(new ParseValidated(), Descriptors.USER_LIMIT_TYPE)
                .name("Parse limits");
        StateBootstrapTransformation<UserLimit> state = OperatorTransformation.bootstrapWith(limits)
                .keyBy(l -> l.userId, Types.STRING)
                .transform(new LimitsBootstrapper());
        SavepointWriter.newSavepoint(env, new EmbeddedRocksDBStateBackend(), maxParallelism)
                .withOperator(OperatorIdentifier.forUid(UserLimitsPipeline.PROCESSOR_UID), state)
                .write(result.savepoint);
        try (Progress progress = Progress.start("limits into the savepoint", result.limits, "limits")) {
            JobProgress.await(env.executeAsync("bootstrap savepoint from " + input), ParseValidated.PARSED, progress);
        }
        return result;
    }

    /** Reads the whole file once: every bad line and every duplicate limit, with line numbers. */
    static Result validate(Path input) throws IOException {
        List<String> errors = new ArrayList<>();
        long badLines = 0;
        Map<String, Long> firstLine = new HashMap<>();
        Map<String, Boolean> users = new HashMap<>();
        Result result = new Result();
        try (BufferedReader r = Files.newBufferedReader(input, StandardCharsets.UTF_8);
                Progress progress = Progress.start("validate " + input.getFileName(), -1, "lines")) {
            String line;
            long n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                progress.stepTo(n);
                if (line.isBlank()) {
                    continue;
                }
                String error = null;
                try {
                    UserLimit l = LimitExport.parse(line);
                    Long before = firstLine.putIfAbsent(l.userId + "\u0000" + l.userLimitId, n);
                    if (before != null) {
                        error = "limit " + l.userId + "/" + l.userLimitId + " is already on line " + before;
                    } else {
                        users.put(l.userId, Boolean.TRUE);
                        result.limits++;
                    }
                } catch (LimitExport.BadLine e) {
                    error = e.getMessage();
                }
                if (error != null) {
                    badLines++;
                    if (errors.size() < MAX_REPORTED) {
                        errors.add(input + ":" + n + ": " + error);
                    }
                }
            }
        } catch (java.nio.charset.MalformedInputException e) {
            throw new ToolException(input + " is not UTF-8 text");
        }
        if (badLines > 0) {
            StringBuilder b = new StringBuilder(badLines + " bad line" + (badLines == 1 ? "" : "s") + " in " + input
                    + ", no savepoint written:");
            errors.forEach(e -> b.append('\n').append(e));
            if (badLines > errors.size()) {
                b.append("\n... and ").append(badLines - errors.size()).append(" more");
            }
            throw new ToolException(b.toString());
        }
        if (result.limits == 0) {
            throw new ToolException(input + " holds no limits");
        }
        result.users = users.size();
        return result;
    }

    /** Parses a line the validation has passed, counting the limits parsed (the progress of the write). */
    static final class ParseValidated extends RichMapFunction<String, UserLimit> {
        private static final long serialVersionUID = 1L;
        static final String PARSED = "limits_parsed";
        private transient LongCounter parsed;

        @Override
        public void open(OpenContext context) {
            parsed = new LongCounter();
            getRuntimeContext().addAccumulator(PARSED, parsed);
        }

        @Override
        public UserLimit map(String line) {
            try {
                UserLimit limit = LimitExport.parse(line);
                parsed.add(1);
                return limit;
            } catch (LimitExport.BadLine e) {
                throw new IllegalStateException("line changed since it was validated: " + e.getMessage(), e);
            }
        }
    }

    /** Per user: its limits, and the sequence cursor at the newest of them. */
    static final class LimitsBootstrapper extends KeyedStateBootstrapFunction<String, UserLimit> {
        private static final long serialVersionUID = 1L;
        private transient ValueState<UserState> userState;

        @Override
        public void open(OpenContext context) {
            userState = getRuntimeContext().getState(Descriptors.USER_STATE);
        }

        @Override
        public void processElement(UserLimit limit, Context ctx) throws Exception {
            UserState s = userState.value();
            if (s == null) {
                s = new UserState();
                s.limits = new ArrayList<>();
            }
            s.limits.removeIf(l -> l.userLimitId.equals(limit.userLimitId));
            s.limits.add(limit);
            if (s.lastSequence == null || limit.lastSequenceNumber > s.lastSequence) {
                s.lastSequence = limit.lastSequenceNumber;
            }
            userState.update(s);
        }
    }
}
