package com.rglimits.local;

import com.rglimits.aws.AwsSettings;
import com.rglimits.config.ConfigException;
import com.rglimits.config.ConfigReaders;
import com.rglimits.config.JobConfig;
import com.rglimits.config.JobOptions;
import com.rglimits.config.Settings;
import com.rglimits.console.JobProgress;
import com.rglimits.console.Progress;
import com.rglimits.file.FileJob;
import com.rglimits.file.RecordSplitter;
import com.rglimits.job.Accounting;
import com.rglimits.localaws.Dynalite;
import com.rglimits.localaws.LocalAws;
import com.rglimits.table.LimitItems;
import com.rglimits.table.LimitTable;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.FileUtils;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The one-command local run: the whole job in an embedded Flink (RocksDB, checkpoints on) over an
 * events file, writing limits into a dynalite it starts (and stops) itself, through the production
 * sink. Shows progress on stderr while it runs; prints the resulting table and the accounting
 * summary on stdout, then exits.
 */
public final class LocalRun {
    static final String DEFAULT_SOURCE_FILE = "data/sample-events.json";
    static final String DEFAULT_DLQ_FILE = "target/local-run/dead-letters.jsonl";
    private static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(5);
    private static final int DEFAULT_PARALLELISM = 2;
    private static final int PRINTED_ROWS = 40;

    private LocalRun() {}

    public static void main(String[] args) {
        System.setProperty("log4j2.configurationFile", "log4j2-local.properties");
        int status = 0;
        try {
            run(args, System.out);
        } catch (ConfigException e) {
            System.err.println("error: " + e.getMessage());
            status = 2;
        } catch (Exception e) {
            System.err.println("error: local run failed: " + rootCause(e));
            status = 1;
        }
        System.exit(status);
    }

    /** Runs the job to the end of the file; returns its accounting. */
    public static Accounting.Summary run(String[] args, PrintStream out) throws Exception {
        Settings given = ConfigReaders.fromArgs(args);
        for (String key : given.asMap().keySet()) {
            if (key.startsWith(AwsSettings.PREFIX)) {
                throw new ConfigException(given.describe(key) + " is not taken: the local run starts its own dynalite");
            }
        }
        // Validated before anything starts; the emulator's endpoint is known only once it runs.
        JobConfig config = config(given, URI.create("http://127.0.0.1:0"));

        Path input = Path.of(config.sourceFile());
        if (!Files.isRegularFile(input) || !Files.isReadable(input)) {
            throw new ConfigException("cannot read events file " + input + " (" + given.describe(JobOptions.SOURCE_FILE.key()) + ")");
        }
        Path dlqFile = Path.of(config.dlqFile());
        Path dlqParts = dlqFile.resolveSibling(dlqFile.getFileName() + ".parts");
        Path exportFile = config.exportFile() == null ? null : Path.of(config.exportFile());
        prepareOutput(dlqFile);
        deleteRecursively(dlqParts);
        if (exportFile != null) {
            prepareOutput(exportFile);
        }

        long records = RecordSplitter.count(input);
        try (Dynalite dynamoDb = Dynalite.start(); DynamoDbClient client = dynamoDb.client()) {
            config = config(given, dynamoDb.endpoint());
            LimitTable.create(client, config.tableName());
            Path checkpoints = Files.createTempDirectory("user-limits-checkpoints");
            try {
                JobExecutionResult result = execute(config, input, records, dlqParts, checkpoints);
                FileJob.collectDeadLetters(dlqParts, dlqFile);
                List<Map<String, AttributeValue>> items = LimitTable.scanAll(client, config.tableName());
                if (exportFile != null) {
                    export(items, exportFile);
                }
                Accounting.Summary summary = Accounting.summary(result);
                printTable(items, out);
                out.println("dead letters: " + dlqFile + (exportFile != null ? "   limits export: " + exportFile : ""));
                out.println(summary.deadLetterLine());
                out.println(summary.line());
                return summary;
            } finally {
                deleteRecursively(checkpoints);
            }
        }
    }

    /** The given settings over the local run's defaults and the emulator's endpoint. */
    private static JobConfig config(Settings given, URI dynamoDbEndpoint) {
        Configuration defaults = new Configuration();
        defaults.set(JobOptions.SOURCE_FILE, DEFAULT_SOURCE_FILE);
        defaults.set(JobOptions.DLQ_FILE, DEFAULT_DLQ_FILE);
        defaults.set(JobOptions.CHECKPOINT_INTERVAL, DEFAULT_CHECKPOINT_INTERVAL);
        defaults.set(JobOptions.PARALLELISM, DEFAULT_PARALLELISM);
        LocalAws.awsProperties(dynamoDbEndpoint).forEach((k, v) -> defaults.setString((String) k, (String) v));
        return JobConfig.from(given, defaults);
    }

    private static JobExecutionResult execute(JobConfig config, Path input, long records, Path dlqParts, Path checkpoints)
            throws Exception {
        Configuration flinkConfig = new Configuration();
        flinkConfig.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        // The embedded cluster's default managed memory (128 MiB for all slots) starves RocksDB:
        // throughput dropped tenfold with it (docs/benchmark.md).
        flinkConfig.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.ofMebiBytes(512));
        // A job without a classpath of its own runs in the JVM's system class loader, which under
        // `mvn exec:java` lacks Flink; naming our own classes gives it a loader on top of this one.
        flinkConfig.set(PipelineOptions.CLASSPATHS,
                List.of(LocalRun.class.getProtectionDomain().getCodeSource().getLocation().toString()));
        flinkConfig.set(CoreOptions.CLASSLOADER_RESOLVE_ORDER, "parent-first");
        JobProgress.configure(flinkConfig);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(config.parallelism(), flinkConfig);
        FileJob.build(env, config, input, dlqParts);
        try (Progress progress = Progress.start("records of " + input.getFileName(), records, "records")) {
            return JobProgress.await(env.executeAsync("user-limits local run"), Accounting.RECORDS, progress);
        }
    }

    private static void export(List<Map<String, AttributeValue>> items, Path file) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (Map<String, AttributeValue> item : items) {
                w.write(LimitTable.toJson(item));
                w.write('\n');
            }
        }
    }

    private static void printTable(List<Map<String, AttributeValue>> items, PrintStream out) {
        String format = "%-22s %-14s %-8s %-14s %-11s %12s %12s %12s %15s %6s%n";
        out.printf(format, "userId", "userLimitId", "type", "period", "status", "value", "progress", "remaining",
                "nextResetTime", "seq");
        items.stream().limit(PRINTED_ROWS).forEach(i -> out.printf(format,
                text(i, LimitItems.USER_ID), text(i, LimitItems.USER_LIMIT_ID), text(i, LimitItems.TYPE),
                text(i, LimitItems.PERIOD), text(i, LimitItems.STATUS), text(i, LimitItems.VALUE),
                text(i, LimitItems.PROGRESS), text(i, LimitItems.REMAINING), text(i, LimitItems.NEXT_RESET_TIME),
                text(i, LimitItems.LAST_SEQUENCE_NUMBER)));
        if (items.size() > PRINTED_ROWS) {
            out.println("... " + (items.size() - PRINTED_ROWS) + " more limits (write them all with --export.file FILE)");
        }
        out.println(items.size() + " limits in table");
    }

    private static String text(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        if (v == null) {
            return "-";
        }
        return v.s() != null ? v.s() : v.n();
    }

    private static void prepareOutput(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new ConfigException("cannot write " + file + ": " + e.getMessage());
        }
    }

    /** Flink may still be discarding old checkpoints in the background: this tolerates files vanishing. */
    private static void deleteRecursively(Path dir) throws IOException {
        FileUtils.deleteDirectory(dir.toFile());
    }

    private static String rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }
}
