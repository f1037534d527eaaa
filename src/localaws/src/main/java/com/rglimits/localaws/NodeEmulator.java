package com.rglimits.localaws;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An open-source AWS emulator from npm (kinesalite, dynalite), for local runs, the local stack and
 * the tests only: installed from the project's own manifest ({@code src/localaws/npm/package.json}
 * and its lock file) with {@code npm ci} into {@code target/emulators} on first use, and started
 * through {@code emulator.js} as a Node process on a loopback port, in memory.
 *
 * <p>It never outlives this JVM: {@link #close()} and a shutdown hook stop it, and the Node side
 * exits when its standard input (held open by this JVM) closes, which also covers a JVM that is
 * killed without running its shutdown hooks.
 */
public final class NodeEmulator implements AutoCloseable {
    /** Where the manifest lives, relative to the project directory. */
    static final Path MANIFEST_DIR = Path.of("src", "localaws", "npm");
    /** The project's top folder, where the tests of a module (run in its own folder) find the manifest. */
    public static final String PROJECT_DIR_PROPERTY = "rglimits.project.dir";
    static final Path INSTALL_DIR = Path.of("target", "emulators");
    static final List<String> MANIFEST_FILES = List.of("package.json", "package-lock.json", "emulator.js");
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final long START_TIMEOUT_S = 30;

    private final String name;
    private final Process process;
    private final int port;
    private final Thread shutdownHook;

    private NodeEmulator(String name, Process process, int port) {
        this.name = name;
        this.process = process;
        this.port = port;
        this.shutdownHook = new Thread(this::stop, name + "-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Installs the emulators if needed and starts the npm package {@code name} on {@code port}
     * (0: a free port chosen by the emulator itself, so no other process can take it first).
     */
    static NodeEmulator start(String name, int port, Map<String, Object> options) throws IOException, InterruptedException {
        Path script = install(projectDir());
        Path log = script.getParent().resolve(name + "-" + ProcessHandle.current().pid() + "-" + System.nanoTime() + ".log");
        Process process = new ProcessBuilder("node", script.toString(), name, Integer.toString(port), MAPPER.writeValueAsString(options))
                .redirectErrorStream(true)
                .start();
        CompletableFuture<Integer> listening = new CompletableFuture<>();
        Thread pump = new Thread(() -> pump(process, log, listening), name + "-output");
        pump.setDaemon(true);
        pump.start();
        try {
            return new NodeEmulator(name, process, listening.get(START_TIMEOUT_S, TimeUnit.SECONDS));
        } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
            process.destroyForcibly();
            throw new IllegalStateException(name + " did not start within " + START_TIMEOUT_S + " s; see " + log, e);
        }
    }

    public int port() {
        return port;
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** The operating system's id of the Node process (tests check that none is left behind). */
    public long pid() {
        return process.pid();
    }

    /**
     * Installs the emulators with {@code npm ci} from the lock file into {@code target/emulators}
     * unless the same manifest is installed there already; returns the path of {@code emulator.js}.
     */
    public static synchronized Path install(Path projectDir) throws IOException, InterruptedException {
        Path dir = projectDir.resolve(INSTALL_DIR);
        Files.createDirectories(dir.getParent());
        // One JVM at a time on this checkout (test JVMs side by side, a local stack and a test run): a
        // JVM that found the manifest copied while another one's npm ci was still filling node_modules
        // started an emulator without its package.
        try (FileChannel lockFile = FileChannel.open(dir.resolveSibling("emulators.lock"),
                        StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock held = lockFile.lock()) {
            return installHoldingTheLock(projectDir.resolve(MANIFEST_DIR), dir);
        }
    }

    private static Path installHoldingTheLock(Path manifest, Path dir) throws IOException, InterruptedException {
        Path script = dir.resolve("emulator.js");
        if (sameFiles(manifest, dir) && Files.isDirectory(dir.resolve("node_modules").resolve("dynalite"))
                && Files.isDirectory(dir.resolve("node_modules").resolve("kinesalite"))) {
            return script;
        }
        System.err.println("Installing the AWS emulators (kinesalite, dynalite) with npm ci into " + dir + " (first run only)");
        Files.createDirectories(dir);
        for (String f : MANIFEST_FILES) {
            Files.copy(manifest.resolve(f), dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        // --ignore-scripts: the only install scripts build native LevelDB bindings, unused in memory.
        Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error")
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("npm-install.log").toFile())
                .start();
        if (!npm.waitFor(10, TimeUnit.MINUTES)) {
            npm.destroyForcibly();
            throw new IllegalStateException("npm ci in " + dir + " took more than 10 minutes");
        }
        if (npm.exitValue() != 0) {
            Files.deleteIfExists(script); // not installed: the next run tries again
            throw new IllegalStateException("npm ci in " + dir + " failed (exit " + npm.exitValue() + "): "
                    + Files.readString(dir.resolve("npm-install.log")));
        }
        return script;
    }

    /** The project directory: {@code -Drglimits.project.dir}, else the working directory (Maven's basedir). */
    public static Path projectDir() {
        Path dir = Path.of(System.getProperty(PROJECT_DIR_PROPERTY, System.getProperty("user.dir"))).toAbsolutePath();
        if (!Files.exists(dir.resolve(MANIFEST_DIR).resolve("package.json"))) {
            throw new IllegalStateException("run from the project directory: no " + MANIFEST_DIR.resolve("package.json") + " in " + dir);
        }
        return dir;
    }

    private static boolean sameFiles(Path a, Path b) throws IOException {
        for (String f : MANIFEST_FILES) {
            if (!Files.exists(b.resolve(f)) || !Arrays.equals(Files.readAllBytes(a.resolve(f)), Files.readAllBytes(b.resolve(f)))) {
                return false;
            }
        }
        return true;
    }

    private static void pump(Process process, Path log, CompletableFuture<Integer> listening) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
            String line;
            while ((line = in.readLine()) != null) {
                out.println(line);
                if (!listening.isDone() && line.startsWith("listening on ")) {
                    listening.complete(Integer.parseInt(line.substring("listening on ".length()).trim()));
                }
            }
        } catch (IOException | RuntimeException e) {
            listening.completeExceptionally(e);
        }
        listening.completeExceptionally(new IllegalStateException("the emulator ended"));
    }

    private void stop() {
        try {
            process.getOutputStream().close(); // the emulator's cue to exit
        } catch (IOException ignored) {
            // destroyed below anyway
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or has run
        }
    }

    @Override
    public String toString() {
        return name + " on " + endpoint();
    }
}
