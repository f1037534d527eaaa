package com.rglimits.tools;

import com.rglimits.config.ConfigException;
import com.rglimits.config.ConfigReaders;
import com.rglimits.config.Settings;
import com.rglimits.console.JobProgress;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** What the savepoint tools share: the embedded Flink they run in, paths, the command-line frame. */
final class Tools {
    private Tools() {}

    interface Command {
        void run(String[] args) throws Exception;
    }

    /** Runs a tool's command: one-line {@code error: ...} and status 2 on bad input, 1 on any other failure. */
    static void main(Command command, String[] args) {
        System.setProperty("log4j2.configurationFile", "log4j2-local.properties");
        int status = 0;
        try {
            command.run(args);
        } catch (ConfigException | ToolException e) {
            System.err.println("error: " + e.getMessage());
            status = 2;
        } catch (Exception e) {
            System.err.println("error: " + rootCause(e));
            status = 1;
        }
        System.exit(status);
    }

    interface FlinkCommand {
        /** Runs the tool on the environment with the settings given; returns the line to print. */
        String run(StreamExecutionEnvironment env, Settings settings) throws Exception;
    }

    /** {@link #main} for a tool that runs in an embedded Flink of {@code parallelismKey} subtasks (default: the cores). */
    static void mainInEmbeddedFlink(String[] args, String parallelismKey, FlinkCommand command) {
        main(a -> {
            Settings s = ConfigReaders.fromArgs(a);
            int parallelism = s.intValue(parallelismKey, Math.max(1, Runtime.getRuntime().availableProcessors()), 1);
            System.out.println(command.run(localEnvironment(parallelism), s));
        }, args);
    }

    /**
     * An embedded Flink for a tool run from the command line. Like the local run, the job gets a
     * classpath of its own: under {@code mvn exec:java} the system class loader lacks Flink.
     */
    static StreamExecutionEnvironment localEnvironment(int parallelism) {
        Configuration flinkConfig = new Configuration();
        flinkConfig.set(PipelineOptions.CLASSPATHS,
                List.of(Tools.class.getProtectionDomain().getCodeSource().getLocation().toString()));
        flinkConfig.set(CoreOptions.CLASSLOADER_RESOLVE_ORDER, "parent-first");
        JobProgress.configure(flinkConfig);
        return StreamExecutionEnvironment.createLocalEnvironment(parallelism, flinkConfig);
    }

    /** A savepoint or retained checkpoint directory as Flink takes it; local ones must hold a {@code _metadata} file. */
    static String savepointPath(String given) {
        URI uri = URI.create(given.replace('\\', '/'));
        if (uri.getScheme() != null && !uri.getScheme().equals("file")) {
            return given; // s3://..., hdfs://...: left to Flink's file systems
        }
        Path dir = uri.getScheme() == null ? Path.of(given) : Path.of(uri);
        if (Files.isRegularFile(dir) && dir.getFileName().toString().equals("_metadata")) {
            dir = dir.getParent();
        }
        if (!Files.isDirectory(dir)) {
            throw new ToolException("savepoint " + given + " does not exist");
        }
        if (!Files.isRegularFile(dir.resolve("_metadata"))) {
            throw new ToolException("savepoint " + given + " has no _metadata file: not a savepoint or checkpoint directory");
        }
        return dir.toAbsolutePath().toUri().toString();
    }

    /** A directory to write a new savepoint into: it must not exist yet, or be empty. */
    static String newSavepointDir(String given) throws IOException {
        Path dir = Path.of(given).toAbsolutePath();
        if (Files.exists(dir)) {
            if (!Files.isDirectory(dir)) {
                throw new ToolException(given + " exists and is not a directory");
            }
            try (Stream<Path> s = Files.list(dir)) {
                if (s.findAny().isPresent()) {
                    throw new ToolException(given + " is not empty: a savepoint is written into a new or empty directory");
                }
            }
        }
        return dir.toUri().toString();
    }

    static void prepareOutput(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new ToolException("cannot write " + file + ": " + e.getMessage());
        }
    }

    static String rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }
}
