package com.rglimits.state;

import com.rglimits.config.JobConfig;
import com.rglimits.config.Settings;
import com.rglimits.deadletter.DeadLetterJson;
import com.rglimits.event.ParsedRecord;
import com.rglimits.file.RecordSplitter;
import com.rglimits.job.UserLimitsPipeline;
import com.rglimits.limit.UserLimit;
import com.rglimits.localaws.Dynalite;
import com.rglimits.sink.LimitsDynamoDbSink;
import com.rglimits.subscribe.SubscriberBranch;
import com.rglimits.table.LimitItems;
import com.rglimits.table.LimitTable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.api.common.restartstrategy.RestartStrategies;
import org.apache.flink.api.common.time.Time;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.streaming.api.graph.StreamGraph;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The real job graph ({@link UserLimitsPipeline#applyEvents}, same uids, RocksDB, the conditional
 * DynamoDB sink into dynalite) over a {@link ReplayableSource}, with two {@link ExactlyOnceLog}s
 * beside it: the dead letters, and the {@code lastEventId} of every limit version the processor
 * emits ("applied log"). Each applied event emits exactly one limit version, so the committed applied
 * log holds every applied event exactly once if and only if state and source position were restored
 * consistently. One instance per run (a job between two savepoints).
 */
final class StateTestJob {
    static final String APPLIED_LOG_UID = "test-applied-log";

    final Path events;
    final long records;
    final Path outputs;
    final Dynalite dynamoDb;
    final String table;
    final Map<String, String> settings = new HashMap<>();
    double recordsPerSecond = 2_000;
    /** When set (above 0): the source reads this many records between two completed checkpoints instead of a rate. */
    int recordsPerCheckpoint = 0;
    /** Restarts allowed (fixed delay, from the last checkpoint); 0: any failure fails the test. */
    int restarts = 0;
    /** Inserted between source and router: a changed non-state operator, or a failure injector. */
    UnaryOperator<DataStream<ParsedRecord>> afterSource = UnaryOperator.identity();

    StateTestJob(Path events, Path outputs, Dynalite dynamoDb, String table) throws Exception {
        this(events, outputs, dynamoDb, awsSettings(dynamoDb), table);
    }

    /** Without a Dynalite object (in another class loader): only its {@code aws.*} settings. */
    StateTestJob(Path events, Path outputs, Map<String, String> aws, String table) throws Exception {
        this(events, outputs, null, aws, table);
    }

    private StateTestJob(Path events, Path outputs, Dynalite dynamoDb, Map<String, String> aws, String table) throws Exception {
        this.events = events;
        this.records = RecordSplitter.count(events);
        this.outputs = outputs;
        this.dynamoDb = dynamoDb;
        this.table = table;
        settings.putAll(aws);
        settings.put(JobConfig.SOURCE_FILE, events.toString());
        settings.put(JobConfig.TABLE_NAME, table);
        settings.put(JobConfig.CHECKPOINT_INTERVAL_MS, "300");
        // Only the watermark releases events (the processing-time bound has its own tests): deterministic on a slow machine.
        settings.put(JobConfig.MAX_HOLD_MS, "600000");
        // The test events' createdAt is years behind the wall clock: the sink would take the job for a
        // replay and hold versions up to sink.merge.max-window.ms, while the test reads the table as it goes.
        settings.put(JobConfig.SINK_MERGE_MAX_WINDOW_MS, "0");
    }

    static Map<String, String> awsSettings(Dynalite dynamoDb) {
        Map<String, String> aws = new HashMap<>();
        dynamoDb.awsProperties().forEach((k, v) -> aws.put((String) k, (String) v));
        return aws;
    }

    JobConfig config(int parallelism) {
        Map<String, String> s = new HashMap<>(settings);
        s.put(JobConfig.PARALLELISM, Integer.toString(parallelism));
        return JobConfig.from(new Settings(s, key -> key));
    }

    /** Starts run {@code run} of the job at this parallelism, from the savepoint when given. */
    JobClient start(int run, int parallelism, String savepoint) throws Exception {
        return StreamExecutionEnvironment.getExecutionEnvironment().executeAsync(graph(run, parallelism, savepoint));
    }

    /** How many records of the stream the runs have read so far (the source's highest position). */
    long recordsRead() {
        return ReplayableSource.position(events);
    }

    /** The graph of run {@code run}, restoring the savepoint when given. */
    StreamGraph graph(int run, int parallelism, String savepoint) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobConfig config = config(parallelism);
        UserLimitsPipeline.configure(env, config);
        env.setRestartStrategy(restarts == 0
                ? RestartStrategies.noRestart()
                : RestartStrategies.fixedDelayRestart(restarts, Time.milliseconds(100)));
        DataStream<ParsedRecord> records = env
                .fromSource(ReplayableSource.of(events, this.records, recordsPerCheckpoint > 0
                        ? RateLimiterStrategy.perCheckpoint(recordsPerCheckpoint) : RateLimiterStrategy.perSecond(recordsPerSecond)), UserLimitsPipeline.watermarks(config, true),
                        "Read and parse records")
                .uid(UserLimitsPipeline.SOURCE_UID)
                .setParallelism(1);
        UserLimitsPipeline.Outputs outputs = UserLimitsPipeline.applyEvents(afterSource.apply(records), config, true);
        outputs.limits.sinkTo(LimitsDynamoDbSink.fromConfig(config)).uid(UserLimitsPipeline.LIMITS_SINK_UID).name("Write limits");
        if (config.subscriptionsTable() != null) {
            SubscriberBranch.attach(outputs.limits, config, true);
        }
        outputs.deadLetters.map(DeadLetterJson::toJson, Types.STRING).uid(UserLimitsPipeline.DEAD_LETTER_SINK_UID + "-json")
                .process(new ExactlyOnceLog(deadLetterDir(run)), Types.STRING)
                .uid(UserLimitsPipeline.DEAD_LETTER_SINK_UID).name("Write dead letters")
                .sinkTo(new DiscardingSink<>()).uid(UserLimitsPipeline.DEAD_LETTER_SINK_UID + "-end");
        outputs.limits.map(l -> l.lastEventId, Types.STRING).uid(APPLIED_LOG_UID + "-map")
                .process(new ExactlyOnceLog(appliedDir(run)), Types.STRING).uid(APPLIED_LOG_UID).name("Log applied events")
                .sinkTo(new DiscardingSink<>()).uid(APPLIED_LOG_UID + "-end");
        StreamGraph graph = env.getStreamGraph();
        graph.setJobName("state test run " + run);
        if (savepoint != null) {
            graph.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(savepoint, false));
        }
        return graph;
    }

    /** The same directory for every run: a restored log writes its committed batches there. */
    Path deadLetterDir(int run) {
        return outputs.resolve("dead-letters");
    }

    Path appliedDir(int run) {
        return outputs.resolve("applied");
    }


    /** Stop-with-savepoint (no drain: held events stay held, in the savepoint), retried while the job's tasks are still starting. */
    static String stopWithSavepoint(JobClient job, Path dir) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                return job.stopWithSavepoint(false, dir.toUri().toString(), SavepointFormatType.CANONICAL).get(60, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                String m = String.valueOf(org.apache.flink.util.ExceptionUtils.stringifyException(e));
                boolean starting = m.contains("initializing") || m.contains("not all required tasks are currently running")
                        || m.contains("Not all required tasks are currently running");
                if (!starting || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    /** The committed lines of every run's log under {@code dirName} (files being written start with '.'). */
    List<String> committedLines(String dirName) throws IOException {
        List<String> lines = new ArrayList<>();
        if (!Files.isDirectory(outputs)) {
            return lines;
        }
        try (Stream<Path> s = Files.walk(outputs)) {
            for (Path f : s.filter(Files::isRegularFile)
                    .filter(f -> f.getParent().getFileName().toString().equals(dirName))
                    .filter(f -> !f.getFileName().toString().startsWith("."))
                    .sorted().collect(Collectors.toList())) {
                lines.addAll(Files.readAllLines(f, StandardCharsets.UTF_8));
            }
        }
        return lines;
    }

    List<String> appliedLog() throws IOException {
        return committedLines("applied");
    }

    List<String> deadLetterLog() throws IOException {
        return committedLines("dead-letters");
    }

    /** The table as userId/userLimitId to limit. */
    Map<String, UserLimit> table() {
        Map<String, UserLimit> actual = new TreeMap<>();
        try (DynamoDbClient client = dynamoDb.client()) {
            LimitTable.scanAll(client, table).forEach(item -> {
                UserLimit l = LimitItems.fromItem(item);
                actual.put(l.userId + "/" + l.userLimitId, l);
            });
        }
        return actual;
    }

    /** Counts occurrences of each line: a value above 1 is a duplicate. */
    static Map<String, Integer> counts(List<String> lines) {
        Map<String, Integer> counts = new ConcurrentHashMap<>();
        lines.forEach(l -> counts.merge(l, 1, Integer::sum));
        return counts;
    }

    static TypeInformation<ParsedRecord> recordType() {
        return TypeInformation.of(ParsedRecord.class);
    }
}
