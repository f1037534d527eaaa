package com.rglimits.cluster;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Flink's runtime as the build assembles it in {@code src/flink-runtime} (there is no flink-dist
 * to unpack): the classpath of a distribution's {@code lib/} folder, resolved by Maven, and a
 * {@code plugins/} folder with the Prometheus reporter.
 */
public final class FlinkRuntime {
    static final Path MODULE = Path.of("src", "flink-runtime", "target");
    static final String CLASSPATH_FILE = "flink-lib.classpath";
    static final String PLUGINS_DIR = "plugins";

    private final List<String> classpath;
    private final Path pluginsDir;

    private FlinkRuntime(List<String> classpath, Path pluginsDir) {
        this.classpath = classpath;
        this.pluginsDir = pluginsDir;
    }

    /** The runtime the build left under {@code projectDir}; fails with what to run when it is not there. */
    public static FlinkRuntime of(Path projectDir) throws IOException {
        Path target = projectDir.resolve(MODULE);
        Path file = target.resolve(CLASSPATH_FILE);
        Path plugins = target.resolve(PLUGINS_DIR);
        if (!Files.isRegularFile(file) || !Files.isDirectory(plugins)) {
            throw new IllegalStateException("Flink's runtime is not assembled: no " + file + " (mvn -q package -DskipTests"
                    + " builds it, with the application jar)");
        }
        List<String> entries = new ArrayList<>();
        for (String entry : Files.readString(file, StandardCharsets.UTF_8).trim().split(File.pathSeparator)) {
            if (!entry.isBlank()) {
                if (!Files.isRegularFile(Path.of(entry))) {
                    throw new IllegalStateException("Flink's runtime names " + entry + ", which is not there: rebuild it"
                            + " (mvn -q package -DskipTests)");
                }
                entries.add(entry);
            }
        }
        return new FlinkRuntime(List.copyOf(entries), plugins.toAbsolutePath());
    }

    /** The jars of a distribution's lib/ folder: Flink's runtime, web UI, client, RocksDB, logging. */
    public List<String> classpath() {
        return classpath;
    }

    /** Each plugin in a folder of its own, as in a distribution; {@code FLINK_PLUGINS_DIR} of every process. */
    public Path pluginsDir() {
        return pluginsDir;
    }
}
