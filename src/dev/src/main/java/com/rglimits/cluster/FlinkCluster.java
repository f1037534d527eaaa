package com.rglimits.cluster;

import com.rglimits.localaws.LoopbackPorts;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessSpec;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.apache.flink.runtime.jobmanager.JobManagerProcessSpec;
import org.apache.flink.runtime.jobmanager.JobManagerProcessUtils;
import org.apache.flink.runtime.util.config.memory.ProcessMemoryUtils;

/**
 * A Flink 1.19 session cluster on this machine as separate processes: one JobManager
 * ({@value #JOBMANAGER_MAIN}) and TaskManagers ({@value #TASKMANAGER_MAIN}), each a JVM on
 * {@link FlinkRuntime}'s classpath, configured by {@code --configDir} (the project's
 * {@code flink-conf/}, the folder docker-compose mounts) plus dynamic properties for what differs
 * on one machine: loopback addresses, ports, and state, temporary and web folders under the work
 * folder. JVM sizes and options are worked out from that configuration as Flink's own start
 * scripts do. Jobs are submitted with Flink's command-line client ({@value #CLI_MAIN}) in a JVM
 * of its own, as {@code flink run} does.
 *
 * <p>A TaskManager that ends while the cluster runs (killed, crashed) is replaced by a new one,
 * as a container platform restarts it. Every process ends with the JVM that started it
 * ({@link ChildJvm}), and {@link #close()} stops them.
 */
public final class FlinkCluster implements AutoCloseable {
    public static final String JOBMANAGER_MAIN = "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
    public static final String TASKMANAGER_MAIN = "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";
    public static final String CLI_MAIN = "org.apache.flink.client.cli.CliFrontend";
    /** The reporter's port (a range in flink-conf/config.yaml); each process here gets one of its own. */
    static final String PROMETHEUS_PORT = "metrics.reporter.prom.port";
    /** The processes' logging, as docker-compose's containers: the console, here each process's own file. */
    static final String LOG4J_CONSOLE = "log4j-console.properties";
    /** The client's, as a distribution's {@code bin/flink}: a file, the console keeps the command's own output. */
    static final String LOG4J_CLI = "log4j-cli.properties";
    private static final Pattern SUBMITTED = Pattern.compile("Job has been submitted with JobID ([0-9a-f]{32})");
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

    /** What to start, and where. */
    public static final class Settings {
        final Path configDir;
        final Path workDir;
        int restPort = -1;
        int rpcPort = -1;
        int taskManagers = 2;
        boolean freePrometheusPorts;
        final List<String> systemProperties = new ArrayList<>();
        final Map<String, String> dynamicProperties = new LinkedHashMap<>();
        Consumer<String> events = System.err::println;

        /**
         * @param configDir the cluster configuration ({@code flink-conf/})
         * @param workDir logs, checkpoints, savepoints and temporary files go below it
         */
        public Settings(Path configDir, Path workDir) {
            this.configDir = configDir.toAbsolutePath().normalize();
            this.workDir = workDir.toAbsolutePath().normalize();
        }

        /** The web UI and REST port; 0: a free one; unset: the configuration's {@code rest.port}. */
        public Settings restPort(int port) {
            this.restPort = port;
            return this;
        }

        /** The JobManager's RPC port; 0: a free one; unset: the configuration's. */
        public Settings rpcPort(int port) {
            this.rpcPort = port;
            return this;
        }

        public Settings taskManagers(int count) {
            this.taskManagers = count;
            return this;
        }

        /** Prometheus endpoints on free ports rather than the first free ones of the configured range. */
        public Settings freePrometheusPorts() {
            this.freePrometheusPorts = true;
            return this;
        }

        /** A {@code -Dname=value} system property for every process of the cluster and its clients. */
        public Settings systemProperty(String name, String value) {
            systemProperties.add("-D" + name + "=" + value);
            return this;
        }

        /** A configuration value over the configuration folder's, for every process. */
        public Settings set(String key, String value) {
            dynamicProperties.put(key, value);
            return this;
        }

        /** Where the cluster says what it does (processes started and ended). */
        public Settings events(Consumer<String> sink) {
            this.events = sink;
            return this;
        }
    }

    /** A process of the cluster. */
    public static final class Member {
        public final String id;
        public final Process process;
        public final int prometheusPort;
        public final Path log;

        Member(String id, Process process, int prometheusPort, Path log) {
            this.id = id;
            this.process = process;
            this.prometheusPort = prometheusPort;
            this.log = log;
        }

        public long pid() {
            return process.pid();
        }

        /** The Prometheus reporter's scrape endpoint. */
        public URI metrics() {
            return URI.create("http://127.0.0.1:" + prometheusPort + "/metrics");
        }
    }

    private final Settings settings;
    private final FlinkRuntime runtime;
    private final Configuration configuration;
    private final int restPort;
    private final int rpcPort;
    private final List<Integer> prometheusRange;
    private final Path watchDir;
    private final Path logDir;
    private final FlinkRest rest;
    private final Map<String, Member> taskManagers = new LinkedHashMap<>();
    private final List<Integer> prometheusPortsTaken = new ArrayList<>();
    private Member jobManager;
    private int taskManagersStarted;
    private int submissions;
    private volatile boolean closing;

    private FlinkCluster(Settings settings, FlinkRuntime runtime) throws IOException {
        this.settings = settings;
        this.runtime = runtime;
        Configuration given = GlobalConfiguration.loadConfiguration(settings.configDir.toString());
        restPort = port(settings.restPort, given.get(org.apache.flink.configuration.RestOptions.PORT));
        rpcPort = port(settings.rpcPort, given.get(JobManagerOptions.PORT));
        prometheusRange = range(given.toMap().getOrDefault(PROMETHEUS_PORT, "9249"));
        watchDir = settings.workDir.resolve("lib").resolve("parent-watch");
        logDir = settings.workDir.resolve("logs");
        configuration = GlobalConfiguration.loadConfiguration(settings.configDir.toString(), toConfiguration(common()));
        rest = new FlinkRest(URI.create("http://127.0.0.1:" + restPort));
    }

    /** Starts the JobManager and the TaskManagers and waits until every TaskManager has registered. */
    public static FlinkCluster start(Settings settings, FlinkRuntime runtime) throws Exception {
        FlinkCluster cluster = new FlinkCluster(settings, runtime);
        try {
            cluster.startAll();
            return cluster;
        } catch (Exception | Error e) {
            cluster.close();
            throw e;
        }
    }

    /** A cluster another launcher started (its REST port in {@code settings}), for Flink's command-line client. */
    public static FlinkCluster running(Settings settings, FlinkRuntime runtime) throws IOException {
        return new FlinkCluster(settings, runtime);
    }

    private void startAll() throws Exception {
        for (String dir : List.of("logs", "tmp", "web")) {
            deleteTree(settings.workDir.resolve(dir));
        }
        Files.createDirectories(logDir.resolve("rocksdb"));
        jobManager = startJobManager();
        awaitCondition("the JobManager's REST API on port " + restPort, START_TIMEOUT, () -> {
            if (!jobManager.process.isAlive()) {
                throw new IllegalStateException("the JobManager ended (exit " + jobManager.process.exitValue()
                        + "); see " + jobManager.log);
            }
            return rest.answers();
        });
        for (int i = 0; i < settings.taskManagers; i++) {
            startTaskManager();
        }
        awaitTaskManagers(settings.taskManagers, START_TIMEOUT);
    }

    /** The web UI and REST API. */
    public URI webUi() {
        return URI.create("http://localhost:" + restPort);
    }

    public int restPort() {
        return restPort;
    }

    public FlinkRest rest() {
        return rest;
    }

    public Member jobManager() {
        return jobManager;
    }

    /** The TaskManagers started and still running, oldest first. */
    public synchronized List<Member> taskManagers() {
        return taskManagers.values().stream().filter(m -> m.process.isAlive()).collect(Collectors.toList());
    }

    public Path logDir() {
        return logDir;
    }

    public Path workDir() {
        return settings.workDir;
    }

    /** {@code state.savepoints.dir}: where stop-with-savepoint writes when no folder is given. */
    public Path savepointDir() {
        return settings.workDir.resolve("savepoints");
    }

    public Path checkpointDir() {
        return settings.workDir.resolve("checkpoints");
    }

    /** Starts one more TaskManager, {@code tm-N}. */
    public synchronized Member startTaskManager() throws IOException {
        String id = "tm-" + (++taskManagersStarted);
        int metricsPort = prometheusPort();
        Map<String, String> own = new LinkedHashMap<>();
        own.put(TaskManagerOptions.TASK_MANAGER_RESOURCE_ID.key(), id);
        own.put(PROMETHEUS_PORT, Integer.toString(metricsPort));
        Configuration tmConfig = TaskExecutorProcessUtils.getConfigurationMapLegacyTaskManagerHeapSizeToConfigOption(
                withAll(own), TaskManagerOptions.TOTAL_FLINK_MEMORY);
        TaskExecutorProcessSpec spec = TaskExecutorProcessUtils.processSpecFromConfig(tmConfig);
        List<String> jvm = new ArrayList<>(splitOptions(ProcessMemoryUtils.generateJvmParametersStr(spec)));
        jvm.addAll(jvmOptions(CoreOptions.FLINK_TM_JVM_OPTIONS));
        Path log = logDir.resolve("taskmanager-" + id + ".log");
        jvm.addAll(logging(log, LOG4J_CONSOLE));
        List<String> args = new ArrayList<>(clusterArgs(own));
        args.addAll(splitOptions(TaskExecutorProcessUtils.generateDynamicConfigsStr(spec)));
        Process process = child(TASKMANAGER_MAIN, jvm, args, log).start(watchDir);
        Member member = new Member(id, process, metricsPort, log);
        taskManagers.put(id, member);
        settings.events.accept("started TaskManager " + id + " (pid " + process.pid() + ", metrics on port " + metricsPort
                + ", log " + log + ")");
        process.onExit().thenRun(() -> taskManagerEnded(member));
        return member;
    }

    /** A TaskManager that ends while the cluster runs is replaced, as a container platform would. */
    private void taskManagerEnded(Member member) {
        synchronized (this) {
            prometheusPortsTaken.remove(Integer.valueOf(member.prometheusPort));
        }
        if (closing) {
            return;
        }
        settings.events.accept("TaskManager " + member.id + " (pid " + member.pid() + ") ended with exit code "
                + member.process.exitValue() + "; starting another one in its place");
        try {
            startTaskManager();
        } catch (IOException e) {
            settings.events.accept("could not start a TaskManager: " + e);
        }
    }

    /** {@code kill -9}: the TaskManager gets no chance to clean up; the cluster then starts another. */
    public Member kill(String taskManagerId) throws InterruptedException {
        Member member;
        synchronized (this) {
            member = taskManagers.get(taskManagerId);
        }
        if (member == null) {
            throw new IllegalArgumentException("no TaskManager " + taskManagerId);
        }
        member.process.destroyForcibly();
        member.process.onExit().join();
        return member;
    }

    /**
     * Waits until the TaskManagers registered with the JobManager are exactly the ones running now
     * ({@code count} of them): a killed one is gone from the JobManager's view only when its heartbeat
     * times out, and its replacement registers in its own time.
     */
    public Set<String> awaitTaskManagers(int count, Duration timeout) throws Exception {
        Set<String>[] registered = new Set[1];
        awaitCondition(count + " running TaskManagers registered, and no other", timeout, () -> {
            Set<String> running = taskManagers().stream().map(m -> m.id).collect(Collectors.toSet());
            registered[0] = rest.taskManagers();
            return running.size() == count && registered[0].equals(running);
        });
        return registered[0];
    }

    /** A job to submit with {@code flink run --detached}. */
    public static final class Submission {
        final Path jar;
        final List<String> programArgs;
        String savepoint;
        boolean allowNonRestoredState;
        int parallelism;

        public Submission(Path jar, List<String> programArgs) {
            this.jar = jar;
            this.programArgs = List.copyOf(programArgs);
        }

        /** {@code --fromSavepoint}. */
        public Submission fromSavepoint(String path) {
            this.savepoint = path;
            return this;
        }

        /** {@code --allowNonRestoredState}. */
        public Submission allowNonRestoredState() {
            this.allowNonRestoredState = true;
            return this;
        }

        /** {@code --parallelism}; 0: the cluster's {@code parallelism.default} (or the job's own setting). */
        public Submission parallelism(int p) {
            this.parallelism = p;
            return this;
        }

        /** The client's arguments after {@code run --detached --jobmanager HOST:PORT}. */
        public List<String> cliArgs() {
            List<String> args = new ArrayList<>();
            if (savepoint != null) {
                args.addAll(List.of("--fromSavepoint", savepoint));
            }
            if (allowNonRestoredState) {
                args.add("--allowNonRestoredState");
            }
            if (parallelism > 0) {
                args.addAll(List.of("--parallelism", Integer.toString(parallelism)));
            }
            args.add(jar.toString());
            args.addAll(programArgs);
            return args;
        }
    }

    /**
     * Submits the jar with Flink's command-line client in a JVM of its own (its main method runs
     * there, as with {@code flink run}); returns the job's id once the client has submitted it.
     */
    public String submit(Submission submission) throws Exception {
        List<String> args = new ArrayList<>(List.of("run", "--detached"));
        args.addAll(submission.cliArgs());
        args = clientArgs(args);
        int n;
        synchronized (this) {
            n = ++submissions;
        }
        Path output = logDir.resolve("client-" + n + ".out");
        Path log = logDir.resolve("client-" + n + ".log");
        Process client = client(args, log).log(output).start(watchDir);
        if (!client.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            client.destroyForcibly();
            throw new IllegalStateException("flink run did not finish within " + START_TIMEOUT + "; see " + output + " and " + log);
        }
        String printed = Files.readString(output, StandardCharsets.UTF_8);
        Matcher m = SUBMITTED.matcher(printed);
        if (client.exitValue() != 0 || !m.find()) {
            throw new IllegalStateException("flink run failed (exit " + client.exitValue() + "); see " + log + "; it printed:\n"
                    + tail(printed, 40));
        }
        settings.events.accept("submitted " + submission.jar.getFileName() + " as job " + m.group(1) + " (client log " + log + ")");
        return m.group(1);
    }

    /**
     * Flink's command-line client for this cluster ({@code FLINK_CONF_DIR}, the configuration's JVM
     * options), logging to {@code log}; its own output is this JVM's unless the caller redirects it.
     */
    public ChildJvm client(List<String> args, Path log) {
        List<String> jvm = new ArrayList<>(jvmOptions(CoreOptions.FLINK_CLI_JVM_OPTIONS));
        jvm.addAll(logging(log, LOG4J_CLI));
        // In this JVM's folder, not the cluster's: the jar and savepoint paths a user types are relative to it.
        return child(CLI_MAIN, jvm, args, null).workingDirectory(Path.of("").toAbsolutePath());
    }

    /**
     * A {@code flink} command line for this cluster: {@code --jobmanager} after the action unless one
     * is given, and for {@code run} this cluster's overrides as {@code -D} options, since the client
     * writes the configuration's checkpoint and savepoint folders into the job it builds.
     */
    public List<String> clientArgs(List<String> args) {
        List<String> all = new ArrayList<>(args);
        if (all.isEmpty() || all.get(0).startsWith("-")) {
            return all;
        }
        List<String> added = new ArrayList<>();
        if (!all.contains("-m") && !all.contains("--jobmanager")) {
            added.addAll(List.of("--jobmanager", "localhost:" + restPort));
        }
        if (all.get(0).equals("run")) {
            common().forEach((k, v) -> added.add("-D" + k + "=" + v));
        }
        all.addAll(1, added);
        return all;
    }

    /** Starts a program beside the cluster that ends with this JVM as the cluster's processes do. */
    public Process startBeside(ChildJvm program) throws IOException {
        return program.start(watchDir);
    }

    /** Starts {@link #client} with this JVM's standard output and error. */
    public Process startClient(List<String> args, Path log) throws IOException {
        return client(args, log).start(watchDir);
    }

    private Member startJobManager() throws IOException {
        int metricsPort = prometheusPort();
        Map<String, String> own = Map.of(PROMETHEUS_PORT, Integer.toString(metricsPort));
        JobManagerProcessSpec spec = JobManagerProcessUtils.processSpecFromConfigWithNewOptionToInterpretLegacyHeap(
                withAll(own), JobManagerOptions.JVM_HEAP_MEMORY);
        List<String> jvm = new ArrayList<>(splitOptions(JobManagerProcessUtils.generateJvmParametersStr(spec, configuration)));
        jvm.addAll(jvmOptions(CoreOptions.FLINK_JM_JVM_OPTIONS));
        Path log = logDir.resolve("jobmanager.log");
        jvm.addAll(logging(log, LOG4J_CONSOLE));
        List<String> args = new ArrayList<>(clusterArgs(own));
        args.addAll(splitOptions(JobManagerProcessUtils.generateDynamicConfigsStr(spec)));
        Process process = child(JOBMANAGER_MAIN, jvm, args, log).start(watchDir);
        settings.events.accept("started the JobManager (pid " + process.pid() + ", web UI " + webUi() + ", metrics on port "
                + metricsPort + ", log " + log + ")");
        return new Member("jobmanager", process, metricsPort, log);
    }

    private ChildJvm child(String main, List<String> jvm, List<String> args, Path log) {
        List<String> options = new ArrayList<>(jvm);
        options.addAll(settings.systemProperties);
        return new ChildJvm(main)
                .classpath(runtime.classpath())
                .jvmOptions(options)
                .environment("FLINK_CONF_DIR", settings.configDir.toString())
                .environment("FLINK_PLUGINS_DIR", runtime.pluginsDir().toString())
                .args(args)
                .log(log)
                .workingDirectory(settings.workDir);
    }

    /** What every process of this cluster overrides in the configuration folder's values. */
    private Map<String, String> common() {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("jobmanager.rpc.address", "localhost");
        c.put("jobmanager.rpc.port", Integer.toString(rpcPort));
        c.put("jobmanager.bind-host", "localhost");
        c.put("rest.address", "localhost");
        c.put("rest.bind-address", "localhost");
        c.put("rest.port", Integer.toString(restPort));
        c.put("taskmanager.host", "localhost");
        c.put("taskmanager.bind-host", "localhost");
        c.put("state.checkpoints.dir", checkpointDir().toUri().toString());
        c.put("state.savepoints.dir", savepointDir().toUri().toString());
        c.put("io.tmp.dirs", settings.workDir.resolve("tmp").toString());
        c.put("web.tmpdir", settings.workDir.resolve("web").toString());
        // RocksDB's own log of each state instance: beside the processes' logs, not among them.
        c.put("state.backend.rocksdb.log.dir", logDir.resolve("rocksdb").toString());
        c.putAll(settings.dynamicProperties);
        return c;
    }

    private List<String> clusterArgs(Map<String, String> own) {
        List<String> args = new ArrayList<>(List.of("--configDir", settings.configDir.toString()));
        Map<String, String> all = new LinkedHashMap<>(common());
        all.putAll(own);
        all.forEach((k, v) -> args.add("-D" + k + "=" + v));
        return args;
    }

    private Configuration withAll(Map<String, String> own) {
        Configuration c = new Configuration(configuration);
        own.forEach(c::setString);
        return c;
    }

    /** As Flink's start scripts: {@code env.java.default-opts.all}, {@code env.java.opts.all}, then the process's own. */
    private List<String> jvmOptions(ConfigOption<String> own) {
        List<String> options = new ArrayList<>();
        for (ConfigOption<String> option : List.of(CoreOptions.FLINK_DEFAULT_JVM_OPTIONS, CoreOptions.FLINK_JVM_OPTIONS, own)) {
            options.addAll(splitOptions(configuration.get(option)));
        }
        return options;
    }

    /** {@code log.file}, as Flink's start scripts set it (the web UI shows the JobManager's and TaskManagers' from it). */
    private List<String> logging(Path log, String config) {
        return List.of("-Dlog.file=" + log, "-Dlog4j.configurationFile=" + settings.configDir.resolve(config).toUri());
    }

    private synchronized int prometheusPort() throws IOException {
        if (settings.freePrometheusPorts) {
            return LoopbackPorts.unused(); // never one it handed out before
        }
        for (int p : prometheusRange) {
            if (!prometheusPortsTaken.contains(p) && LoopbackPorts.bindable(p)) {
                prometheusPortsTaken.add(p);
                return p;
            }
        }
        throw new IOException("no free port left in " + PROMETHEUS_PORT + " " + prometheusRange);
    }

    private static int port(int requested, int configured) {
        return requested < 0 ? configured : requested == 0 ? LoopbackPorts.unused() : requested;
    }

    /** {@code 9249} or {@code 9249-9260}. */
    static List<Integer> range(String value) {
        String[] parts = value.trim().split("-");
        int from = Integer.parseInt(parts[0].trim());
        int to = parts.length > 1 ? Integer.parseInt(parts[1].trim()) : from;
        List<Integer> ports = new ArrayList<>();
        for (int p = from; p <= to; p++) {
            ports.add(p);
        }
        return ports;
    }

    private static Configuration toConfiguration(Map<String, String> values) {
        Configuration c = new Configuration();
        values.forEach(c::setString);
        return c;
    }

    /** A command line's options or JVM options as Flink's start scripts take them from the configuration: separated by white space. */
    public static List<String> splitOptions(String options) {
        return options == null || options.isBlank() ? List.of()
                : Arrays.stream(options.trim().split("\\s+")).collect(Collectors.toList());
    }

    static String tail(String text, int lines) {
        String[] all = text.split("\\R");
        return String.join(System.lineSeparator(), Arrays.asList(all).subList(Math.max(0, all.length - lines), all.length));
    }

    /** A condition that may throw: a process that died makes waiting pointless. */
    public interface Check {
        boolean holds() throws Exception;
    }

    public static void awaitCondition(String what, Duration timeout, Check check) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (true) {
            try {
                if (check.holds()) {
                    return;
                }
            } catch (IllegalStateException e) {
                throw e;
            } catch (IOException e) {
                last = e;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + timeout + " waiting for " + what
                        + (last != null ? " (last error: " + last + ")" : ""));
            }
            Thread.sleep(250);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Stops every TaskManager and the JobManager (SIGTERM, their shutdown hooks; then SIGKILL after a grace period). */
    @Override
    public void close() {
        closing = true;
        List<Process> processes = new ArrayList<>();
        synchronized (this) {
            taskManagers.values().forEach(m -> processes.add(m.process));
        }
        if (jobManager != null) {
            processes.add(jobManager.process);
        }
        processes.forEach(Process::destroy);
        for (Process p : processes) {
            try {
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
