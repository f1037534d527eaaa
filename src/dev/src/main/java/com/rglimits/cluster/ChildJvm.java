package com.rglimits.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Java program in a JVM of its own that ends with this one: its main class runs behind
 * {@link ParentWatch}, whose class this copies onto the child's classpath, and its standard input
 * is a pipe this JVM holds until it ends. Output (stdout and stderr) goes to a log file, or is
 * inherited.
 */
public final class ChildJvm {
    private final List<String> classpath = new ArrayList<>();
    private final List<String> jvmOptions = new ArrayList<>();
    private final Map<String, String> environment = new LinkedHashMap<>();
    private final String mainClass;
    private final List<String> args = new ArrayList<>();
    private Path log;
    private Path workingDirectory;

    public ChildJvm(String mainClass) {
        this.mainClass = mainClass;
    }

    public ChildJvm classpath(List<String> entries) {
        classpath.addAll(entries);
        return this;
    }

    public ChildJvm jvmOptions(List<String> options) {
        jvmOptions.addAll(options);
        return this;
    }

    public ChildJvm environment(String name, String value) {
        environment.put(name, value);
        return this;
    }

    public ChildJvm args(List<String> values) {
        args.addAll(values);
        return this;
    }

    /** Standard output and error appended to this file; without one they are this JVM's. */
    public ChildJvm log(Path file) {
        this.log = file;
        return this;
    }

    public ChildJvm workingDirectory(Path dir) {
        this.workingDirectory = dir;
        return this;
    }

    /** The command line, as it is started. */
    public List<String> command(Path watchDir) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        List<String> cp = new ArrayList<>();
        cp.add(watchDir.toString());
        cp.addAll(classpath);
        command.add("-classpath");
        command.add(String.join(java.io.File.pathSeparator, cp));
        command.add(ParentWatch.class.getName());
        command.add(mainClass);
        command.addAll(args);
        return command;
    }

    /** Starts it; {@code watchDir} receives the {@link ParentWatch} class (shared by every child). */
    public Process start(Path watchDir) throws IOException {
        installParentWatch(watchDir);
        ProcessBuilder pb = new ProcessBuilder(command(watchDir));
        pb.environment().putAll(environment);
        if (workingDirectory != null) {
            pb.directory(workingDirectory.toFile());
        }
        if (log != null) {
            Files.createDirectories(log.toAbsolutePath().getParent());
            pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        } else {
            pb.redirectOutput(ProcessBuilder.Redirect.INHERIT).redirectError(ProcessBuilder.Redirect.INHERIT);
        }
        // Standard input stays a pipe (the default): held open by this JVM, ParentWatch's cue when it closes.
        return pb.start();
    }

    /** Copies the one class the child needs before its main class into {@code dir}, as a class folder (again: a rebuild may have changed it). */
    static synchronized void installParentWatch(Path dir) throws IOException {
        String resource = ParentWatch.class.getName().replace('.', '/') + ".class";
        Path target = dir.resolve(resource);
        Files.createDirectories(target.getParent());
        try (InputStream in = ParentWatch.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("no " + resource + " on this classpath");
            }
            Path tmp = Files.createTempFile(target.getParent(), "ParentWatch", ".tmp");
            Files.write(tmp, in.readAllBytes());
            Files.move(tmp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
