package com.rglimits.cluster;

import com.rglimits.config.ConfigException;
import com.rglimits.config.ConfigReaders;
import com.rglimits.config.JobConfig;
import com.rglimits.config.JobOptions;
import com.rglimits.config.Settings;
import com.rglimits.localaws.Kinesalite;
import com.rglimits.localaws.LocalAws;
import com.rglimits.localaws.LocalEmulators;
import com.rglimits.localstack.LocalStack;
import com.rglimits.table.SubscriptionItems;
import java.io.IOException;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * A real Flink cluster on this machine, without Docker: the local stack's emulators (Kinesis and
 * DynamoDB behind one endpoint, SQS), a JobManager and TaskManagers as separate JVMs configured by
 * {@code flink-conf/} ({@link FlinkCluster}), and the application jar, the one that goes to the
 * managed service, submitted with Flink's command-line client. Runs until Ctrl-C; every process
 * ends with it, also when it fails or is killed.
 *
 * <pre>
 * mvn -q package -DskipTests exec:exec@flink-cluster [-Dargs="--web-port 8081 --taskmanagers 2 --port 4567 --shards 4 JOB SETTINGS"]
 * </pre>
 * Options: {@code web-port} (default: flink-conf's {@code rest.port}), {@code taskmanagers} (2),
 * the local stack's {@code port}, {@code sqs-port} and {@code shards}, and any job setting.
 */
public final class ClusterCommand {
    static final String WEB_PORT = "web-port";
    static final String TASKMANAGERS = "taskmanagers";
    static final String JAR = "jar";
    /** The work folder, relative to the project's top folder. */
    static final Path WORK_DIR = Path.of("target", "flink-cluster");
    /** Where this command leaves what the {@code flink} command needs to find the cluster. */
    static final String STATE_FILE = "cluster.properties";
    static final String JOB_PROPERTIES = "job.properties";

    private ClusterCommand() {}

    public static void main(String[] args) throws Exception {
        System.setProperty("log4j2.configurationFile", "log4j2-local.properties");
        Kinesalite.disableCbor(); // EMULATOR QUIRK, before any AWS client exists
        long started = System.nanoTime();
        Settings given;
        int webPort;
        int taskManagers;
        int port;
        int sqsPort;
        int shards;
        Path jar;
        Map<String, String> job;
        try {
            given = ConfigReaders.fromArgs(args);
            webPort = given.intValue(WEB_PORT, -1, 0);
            taskManagers = given.intValue(TASKMANAGERS, 2, 1);
            port = given.intValue(LocalStack.PORT, LocalStack.DEFAULT_PORT, 0);
            sqsPort = given.intValue(LocalStack.SQS_PORT, LocalStack.DEFAULT_SQS_PORT, 0);
            shards = given.intValue(LocalStack.SHARDS, 4, 1);
            jar = Path.of(given.required(JAR)).toAbsolutePath().normalize();
            job = jobSettings(given, URI.create("http://127.0.0.1:" + port), sqsPort);
            if (!Files.isRegularFile(jar)) {
                throw new ConfigException("no application jar " + jar + ": build it first (mvn -q package -DskipTests)");
            }
        } catch (ConfigException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
            return;
        }
        Path projectDir = Path.of("").toAbsolutePath();
        Path workDir = projectDir.resolve(WORK_DIR);
        ParentWatch.watchParentProcess(); // Maven killed: this JVM ends, and its shutdown hook stops the rest

        JobConfig config = JobConfig.from(new Settings(job, k -> "setting " + k));
        LocalStack.Services services = LocalStack.Services.start(config, port, sqsPort, shards);
        FlinkCluster[] cluster = new FlinkCluster[1];
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (cluster[0] != null) {
                cluster[0].close();
            }
            services.close();
        }, "flink-cluster-shutdown"));
        try {
            FlinkCluster.Settings settings = new FlinkCluster.Settings(projectDir.resolve("flink-conf"), workDir)
                    .restPort(webPort)
                    .taskManagers(taskManagers)
                    // EMULATOR QUIRK: plain JSON to kinesalite, in the client (the job's main), the JobManager
                    // (the source's shard discovery) and the TaskManagers.
                    .systemProperty("aws.cborEnabled", "false");
            cluster[0] = FlinkCluster.start(settings, FlinkRuntime.of(projectDir));
            Path jobProperties = workDir.resolve(JOB_PROPERTIES);
            writeProperties(jobProperties, job, "The job's settings for the local cluster (flink run ... --config this file)");
            String jobId = cluster[0].submit(new FlinkCluster.Submission(jar, List.of("--config", jobProperties.toString())));
            FlinkRest rest = cluster[0].rest();
            FlinkCluster.awaitCondition("job " + jobId + " to run", Duration.ofMinutes(3), () -> rest.allTasksRunning(jobId));
            writeState(workDir.resolve(STATE_FILE), cluster[0], jobId);
            System.out.println(banner(cluster[0], services, jobId, projectDir.relativize(jar), projectDir.relativize(jobProperties),
                    (System.nanoTime() - started) / 1_000_000_000L));
            int exit = cluster[0].jobManager().process.waitFor();
            System.err.println("error: the JobManager ended (exit " + exit + "); see " + cluster[0].jobManager().log);
        } catch (Exception e) {
            System.err.println("error: " + e.getMessage());
        }
        System.exit(1); // the shutdown hook stops the cluster and the emulators
    }

    /** The local stack's settings for the job (as the embedded one gets), overridden by whatever was given. */
    static Map<String, String> jobSettings(Settings given, URI endpoint, int sqsPort) {
        Map<String, String> values = new TreeMap<>();
        Properties aws = LocalEmulators.awsProperties(endpoint);
        aws.stringPropertyNames().forEach(k -> values.put(k, aws.getProperty(k)));
        values.put(JobOptions.SOURCE_STREAM.key(), LocalStack.INPUT_STREAM);
        values.put(JobOptions.DLQ_STREAM.key(), LocalStack.DLQ_STREAM);
        values.put(JobOptions.SUBSCRIBERS_TABLE.key(), SubscriptionItems.DEFAULT_TABLE);
        values.put(JobOptions.SUBSCRIBERS_SQS_ENDPOINT.key(), "http://127.0.0.1:" + sqsPort);
        values.putAll(given.asMap());
        for (String own : List.of(WEB_PORT, TASKMANAGERS, JAR, LocalStack.PORT, LocalStack.SQS_PORT, LocalStack.SHARDS)) {
            values.remove(own);
        }
        JobConfig.from(new Settings(values, given::describe)); // fails here on a bad setting, not in the client
        return values;
    }

    private static void writeProperties(Path file, Map<String, String> values, String comment) throws IOException {
        Properties p = new Properties();
        p.putAll(values);
        Files.createDirectories(file.getParent());
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            p.store(w, comment);
        }
    }

    private static void writeState(Path file, FlinkCluster cluster, String jobId) throws IOException {
        writeProperties(file, Map.of("rest.port", Integer.toString(cluster.restPort()), "job", jobId),
                "The running local cluster, for mvn -q exec:exec@flink");
    }

    static String banner(FlinkCluster cluster, LocalStack.Services services, String jobId, Path jar, Path jobProperties,
            long seconds) {
        String web = cluster.webUi().toString();
        List<String> lines = new ArrayList<>(List.of(
                "",
                "Flink cluster is up after " + seconds + " s (Ctrl-C stops everything):",
                "  web UI:       " + web,
                "  job:          " + jobId + " (" + web + "/#/job/running/" + jobId + "/overview)",
                "  JobManager:   pid " + cluster.jobManager().pid() + ", metrics " + cluster.jobManager().metrics()));
        for (FlinkCluster.Member tm : cluster.taskManagers()) {
            lines.add("  TaskManager " + tm.id + ": pid " + tm.pid() + ", metrics " + tm.metrics());
        }
        lines.addAll(List.of(
                "  logs:         " + WORK_DIR.resolve("logs") + "/ (one file per process)",
                "  savepoints:   " + WORK_DIR.resolve("savepoints") + "/, checkpoints: " + WORK_DIR.resolve("checkpoints") + "/",
                "  AWS endpoint: " + services.emulators.endpoint() + " (Kinesis and DynamoDB; credentials " + LocalAws.ACCESS_KEY
                        + "/" + LocalAws.SECRET_KEY + ", region " + LocalAws.REGION + "), SQS " + services.sqs.endpoint(),
                "",
                "Publish events (another terminal):",
                "  mvn -q compile exec:java@producer -Dexec.args=\"--file data/sample-events.json --rate 50\"",
                "A TaskManager dies (another one starts in its place; the job restarts from its last checkpoint):",
                "  kill -9 " + cluster.taskManagers().get(0).pid(),
                "Stop the job with a savepoint (the answer's request-id, then the savepoint's location):",
                "  curl -s -X POST " + web + "/jobs/" + jobId + "/stop -H 'Content-Type: application/json' -d '{\"drain\": false}'",
                "  curl -s " + web + "/jobs/" + jobId + "/savepoints/REQUEST_ID",
                "Submit the jar again from it (SAVEPOINT: that location, file:/...), at another parallelism:",
                "  mvn -q exec:exec@flink -Dargs=\"run --detached --fromSavepoint SAVEPOINT --parallelism 3 " + jar + " --config "
                        + jobProperties + "\"",
                "docs/operations.md, \"A Flink cluster on this machine\", walks through it.",
                ""));
        return String.join(System.lineSeparator(), lines);
    }
}
