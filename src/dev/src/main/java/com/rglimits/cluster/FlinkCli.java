package com.rglimits.cluster;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Properties;

/**
 * Flink's {@code flink} command for the cluster {@link ClusterCommand} runs: the same client
 * (CliFrontend), runtime and configuration as a distribution's {@code bin/flink}, pointed at the
 * running cluster's REST API unless {@code --jobmanager} is given.
 *
 * <pre>
 * mvn -q exec:exec@flink -Dargs="list"
 * mvn -q exec:exec@flink -Dargs="stop JOB_ID"
 * mvn -q exec:exec@flink -Dargs="run --detached --fromSavepoint SAVEPOINT --parallelism 3 JAR --config target/flink-cluster/job.properties"
 * </pre>
 * Paths of files the client reads (the jar, {@code --config}) are relative to the project's top folder;
 * a savepoint path is read by the JobManager, so give it as {@code stop} printed it ({@code file:/...}).
 */
public final class FlinkCli {
    private FlinkCli() {}

    public static void main(String[] args) throws Exception {
        Path projectDir = Path.of("").toAbsolutePath();
        Path workDir = projectDir.resolve(ClusterCommand.WORK_DIR);
        Path state = workDir.resolve(ClusterCommand.STATE_FILE);
        if (args.length == 0) {
            System.err.println("error: give the flink command's arguments: mvn -q exec:exec@flink -Dargs=\"list\"");
            System.exit(2);
        }
        if (!Files.isRegularFile(state)) {
            System.err.println("error: no local cluster (" + state + " is missing): start one with"
                    + " mvn -q package -DskipTests exec:exec@flink-cluster");
            System.exit(2);
        }
        ParentWatch.watchParentProcess();
        int restPort = Integer.parseInt(read(state).getProperty("rest.port"));
        FlinkCluster cluster = FlinkCluster.running(new FlinkCluster.Settings(projectDir.resolve("flink-conf"), workDir)
                .restPort(restPort)
                .systemProperty("aws.cborEnabled", "false"), FlinkRuntime.of(projectDir));
        Path log = workDir.resolve("logs").resolve("flink-cli.log");
        Process client = cluster.startClient(cluster.clientArgs(Arrays.asList(args)), log);
        System.exit(client.waitFor());
    }

    private static Properties read(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        return p;
    }
}
