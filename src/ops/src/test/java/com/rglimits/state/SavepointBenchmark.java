package com.rglimits.state;

import com.rglimits.event.LimitPeriod;
import com.rglimits.event.LimitStatus;
import com.rglimits.event.LimitType;
import com.rglimits.limit.UserLimit;
import com.rglimits.localaws.Dynalite;
import com.rglimits.table.LimitItems;
import com.rglimits.table.LimitTable;
import com.rglimits.testing.Events;
import com.rglimits.tools.BootstrapSavepoint;
import com.rglimits.tools.LimitExport;
import java.io.BufferedWriter;
import java.math.BigDecimal;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.FileUtils;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Measures, for N limits (default 1,000,000: 200,000 users with 5 limits each), the bootstrapped
 * savepoint's size and the time to write it, the time for the job to restore it (submission until
 * the first update after the restore is in DynamoDB), and the time and size of a savepoint the
 * running job then takes (canonical and native format). Not a test: run it by hand, see docs/operations.md.
 *
 * <pre>
 * mvn -q test-compile exec:java@savepoint-benchmark -Dexec.args="--limits 1000000 --dir target/benchmark"
 * </pre>
 */
public final class SavepointBenchmark {
    private SavepointBenchmark() {}

    public static void main(String[] args) {
        System.setProperty("log4j2.configurationFile", "log4j2-local.properties");
        int status = 0;
        try {
            run(args);
        } catch (Throwable t) {
            t.printStackTrace();
            status = 1;
        }
        System.exit(status);
    }

    private static void run(String[] args) throws Exception {
        int limits = 1_000_000;
        Path dir = Path.of("target/benchmark");
        int parallelism = 2;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--limits": limits = Integer.parseInt(args[i + 1]); break;
                case "--dir": dir = Path.of(args[i + 1]); break;
                case "--parallelism": parallelism = Integer.parseInt(args[i + 1]); break;
                default: throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        FileUtils.deleteDirectory(dir.toFile());
        Files.createDirectories(dir);
        int perUser = 5;
        int users = limits / perUser;

        Path export = dir.resolve("export.jsonl");
        long t0 = System.nanoTime();
        try (BufferedWriter w = Files.newBufferedWriter(export, StandardCharsets.UTF_8)) {
            for (int u = 0; u < users; u++) {
                for (int l = 0; l < perUser; l++) {
                    w.write(LimitExport.toJson(limit("user-" + u, "lim-" + l, 10 + l)));
                    w.write('\n');
                }
            }
        }
        System.out.printf("export: %,d limits of %,d users, %,d bytes, written in %d ms%n", (long) users * perUser, users,
                Files.size(export), ms(t0));

        Path bootstrapped = dir.resolve("bootstrapped");
        t0 = System.nanoTime();
        BootstrapSavepoint.Result r = BootstrapSavepoint.run(environment(parallelism, null),
                new String[] {"--limits", export.toString(), "--out", bootstrapped.toString()});
        System.out.printf("bootstrap: %,d limits -> savepoint of %,d bytes in %d ms (parallelism %d)%n", r.limits,
                size(bootstrapped), ms(t0), parallelism);

        // The live stream: one update per user of the first 1,000, so the job has something to apply after restoring.
        Path events = dir.resolve("events.ndjson");
        StringBuilder b = new StringBuilder();
        for (int u = 0; u < Math.min(users, 1_000); u++) {
            b.append(Events.progress("bench-" + u, "user-" + u, "lim-0", 100, 1_718_000_100_000L + u, "1.00", "2.00")).append('\n');
        }
        Files.writeString(events, b.toString());

        try (Dynalite dynamoDb = Dynalite.start(); DynamoDbClient client = dynamoDb.client()) {
            String table = "user-limits";
            LimitTable.create(client, table);
            StateTestJob job = new StateTestJob(events, dir.resolve("out"), dynamoDb, table);
            job.settings.put("checkpoint.interval", "1h");
            job.settings.put("ordering.max-hold", "1s");
            job.recordsPerSecond = 1;
            t0 = System.nanoTime();
            String restoreFrom = bootstrapped.toUri().toString();
            JobClient run = environment(parallelism, restoreFrom).executeAsync(job.graph(1, parallelism, restoreFrom));
            // A savepoint completes only once every task has restored its state and runs: submission to the
            // first savepoint = restore + one savepoint; the next savepoints time the savepoint alone.
            Path first = dir.resolve("savepoint-after-restore");
            savepoint(run, first, SavepointFormatType.CANONICAL);
            long restoreAndSavepoint = ms(t0);
            System.out.printf("restore: job submitted -> first savepoint complete: %d ms (parallelism %d)%n",
                    restoreAndSavepoint, parallelism);
            for (SavepointFormatType format : new SavepointFormatType[] {SavepointFormatType.CANONICAL, SavepointFormatType.NATIVE}) {
                Path target = dir.resolve("savepoint-" + format.name().toLowerCase());
                t0 = System.nanoTime();
                String taken = savepoint(run, target, format);
                System.out.printf("savepoint (%s) of the running job: %,d bytes in %d ms -> %s%n", format, size(target), ms(t0), taken);
            }
            run.cancel().get(1, TimeUnit.MINUTES);
        }
    }

    private static String savepoint(JobClient run, Path target, SavepointFormatType format) throws Exception {
        while (true) {
            try {
                return run.triggerSavepoint(target.toUri().toString(), format).get(30, TimeUnit.MINUTES);
            } catch (java.util.concurrent.ExecutionException e) {
                String m = org.apache.flink.util.ExceptionUtils.stringifyException(e);
                if (!m.contains("initializing") && !m.contains("ot all required tasks are currently running")) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    private static UserLimit limit(String user, String limitId, long seq) {
        UserLimit l = new UserLimit();
        l.userId = user;
        l.userLimitId = limitId;
        l.brandId = Events.BRAND;
        l.currencyCode = "EUR";
        l.type = LimitType.DEPOSIT;
        l.period = LimitPeriod.DAY;
        l.status = LimitStatus.ACTIVE;
        l.value = new BigDecimal("500.00");
        l.progress = new BigDecimal("1.00");
        l.activeFrom = 1_718_000_000_000L;
        l.nextResetTime = 1_718_086_400_000L;
        l.createdAt = 1_718_000_000_000L;
        l.updatedAt = 1_718_000_050_000L;
        l.lastEventId = user + "-e" + seq;
        l.lastSequenceNumber = seq;
        return l;
    }

    /** A local Flink whose jobs see this project's classes (main and test) under mvn exec:java. */
    private static StreamExecutionEnvironment environment(int parallelism, String savepoint) throws Exception {
        Configuration conf = new Configuration();
        // Checkpoints and savepoints on the file system, as in production (the default keeps state on the JobManager heap, 5 MB at most).
        conf.set(org.apache.flink.configuration.CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                Path.of("target/benchmark-checkpoints").toAbsolutePath().toUri().toString());
        if (savepoint != null) {
            // The executor takes the restore settings from the environment's configuration, not from the graph.
            conf.set(org.apache.flink.runtime.jobgraph.SavepointConfigOptions.SAVEPOINT_PATH, savepoint);
        }
        List<String> classpath = new ArrayList<>();
        for (Class<?> c : new Class<?>[] {LimitItems.class, SavepointBenchmark.class}) {
            URL url = c.getProtectionDomain().getCodeSource().getLocation();
            classpath.add(url.toString());
        }
        conf.set(PipelineOptions.CLASSPATHS, classpath);
        conf.set(CoreOptions.CLASSLOADER_RESOLVE_ORDER, "parent-first");
        return StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
    }

    private static long ms(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static long size(Path dir) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

}
