package com.rglimits.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * No process of the local cluster outlives what started it: a JVM started through {@link ChildJvm}
 * (a JobManager, a TaskManager, a client) ends when its parent is killed with SIGKILL or halts
 * without running its shutdown hooks, seen on its standard input; and a JVM whose standard input
 * is not its parent's pipe (the launcher under Maven) ends when the parent process is gone.
 */
class ParentWatchIT {
    private static final String CLASSPATH = System.getProperty("java.class.path");

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aChildEndsWhenItsParentIsKilled(@TempDir Path dir) throws Exception {
        Process parent = parent(dir, "pipe", "wait");
        ProcessHandle child = child(dir);
        parent.destroyForcibly().waitFor();
        assertEnds(child);
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aChildEndsWhenItsParentHaltsWithoutShutdownHooks(@TempDir Path dir) throws Exception {
        Process parent = parent(dir, "pipe", "halt");
        ProcessHandle child = child(dir);
        assertThat(parent.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertEnds(child);
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aChildWhoseInputIsNotItsParentsPipeEndsWhenTheParentIsGone(@TempDir Path dir) throws Exception {
        Process parent = parent(dir, "no-pipe", "wait");
        ProcessHandle child = child(dir);
        // Killed before the child's main has found its parent, the child would watch the process it was given to instead.
        awaitFile(dir.resolve("watching"), dir);
        parent.destroyForcibly().waitFor();
        assertEnds(child);
    }

    private static Process parent(Path dir, String input, String then) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-classpath", CLASSPATH, Parent.class.getName(), dir.toString(), input, then));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("parent.log").toFile()).start();
    }

    /** The child's process, once the parent has written its pid. */
    private static ProcessHandle child(Path dir) throws Exception {
        Path pidFile = dir.resolve("child.pid");
        awaitFile(pidFile, dir);
        Optional<ProcessHandle> child = ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim()));
        assertThat(child).isPresent();
        assertThat(child.get().isAlive()).isTrue();
        return child.get();
    }

    private static void awaitFile(Path file, Path dir) throws Exception {
        for (int i = 0; i < 600 && !Files.exists(file); i++) {
            Thread.sleep(100);
        }
        assertThat(file).as("written by the parent or its child; see " + dir.resolve("parent.log") + " and "
                + dir.resolve("child.log")).exists();
    }

    private static void assertEnds(ProcessHandle child) throws Exception {
        try {
            child.onExit().get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            child.destroyForcibly();
            throw new AssertionError("the child " + child.pid() + " outlived its parent by 30 s", e);
        }
    }

    /** A parent: starts a child that never ends on its own, writes its pid, then waits or halts. */
    public static final class Parent {
        public static void main(String[] args) throws Exception {
            Path dir = Path.of(args[0]);
            Process child;
            if (args[1].equals("pipe")) {
                child = new ChildJvm(Sleeper.class.getName())
                        .classpath(List.of(CLASSPATH.split(File.pathSeparator)))
                        .log(dir.resolve("child.log"))
                        .start(dir.resolve("watch"));
            } else {
                List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-classpath", CLASSPATH, LauncherLike.class.getName(), dir.toString());
                child = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.INHERIT)
                        .redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
            }
            Files.writeString(dir.resolve("child.pid.tmp"), Long.toString(child.pid()));
            Files.move(dir.resolve("child.pid.tmp"), dir.resolve("child.pid"));
            if (args[2].equals("halt")) {
                Runtime.getRuntime().halt(0);
            }
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    /** As the cluster launcher under Maven: its standard input is not its parent's, it watches the parent's process. */
    public static final class LauncherLike {
        public static void main(String[] args) throws Exception {
            ParentWatch.watchParentProcess();
            Files.writeString(Path.of(args[0]).resolve("watching"), "");
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    /** A child that only ends when it is ended. */
    public static final class Sleeper {
        public static void main(String[] args) throws Exception {
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
