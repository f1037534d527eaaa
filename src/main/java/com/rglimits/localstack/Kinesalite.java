package com.rglimits.localstack;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The Kinesis emulator kinesalite (npm), for the local stack and the tests only: installed from
 * the project's own manifest ({@code src/localstack/package.json} and its lock file) into
 * {@code target/kinesalite}, started as a Node process on a free loopback port, in memory.
 * The connector's FLIP-27 source needs it behind an {@link EmulatorFront}; see {@link LocalEmulators}.
 *
 * <p>Emulator quirks handled here (see PLATFORM.md): CBOR must be off in every AWS SDK client that
 * talks to kinesalite ({@code aws.cborEnabled=false}, set by {@link #disableCbor()}), the default
 * shard limit is too low for repeated runs, and it does not understand {@code StreamARN}.
 */
public final class Kinesalite implements AutoCloseable {
    /** Where the manifest lives, relative to the project directory. */
    static final Path MANIFEST_DIR = Path.of("src", "localstack");
    static final Path INSTALL_DIR = Path.of("target", "kinesalite");
    static final List<String> MANIFEST_FILES = List.of("package.json", "package-lock.json");

    private final Process process;
    private final int port;
    private final Thread shutdownHook;

    private Kinesalite(Process process, int port) {
        this.process = process;
        this.port = port;
        this.shutdownHook = new Thread(this::stopQuietly, "kinesalite-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Installs if needed and starts on a free loopback port. */
    public static Kinesalite start() throws Exception {
        disableCbor();
        Path cli = install(projectDir());
        int port = freePort();
        Path log = cli.getParent().getParent().getParent().resolve("kinesalite-" + port + ".log");
        Process process = new ProcessBuilder("node", cli.toString(),
                "--port", Integer.toString(port),
                "--createStreamMs", "50", "--deleteStreamMs", "50", "--updateStreamMs", "50",
                "--shardLimit", "1000")
                .redirectErrorStream(true)
                .start();
        CountDownLatch listening = new CountDownLatch(1);
        Thread pump = new Thread(() -> pump(process, log, listening), "kinesalite-output");
        pump.setDaemon(true);
        pump.start();
        if (!listening.await(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("kinesalite did not start within 30 s; see " + log);
        }
        return new Kinesalite(process, port);
    }

    /** EMULATOR QUIRK: kinesalite cuts CBOR responses over ~16 KB. Real Kinesis needs nothing of this. */
    public static void disableCbor() {
        System.setProperty("aws.cborEnabled", "false");
    }

    /** kinesalite itself (StreamName requests only). */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /**
     * Installs kinesalite with {@code npm ci} from the lock file into {@code target/kinesalite}
     * unless the same lock file is installed there already; returns the path of its cli.js.
     */
    public static synchronized Path install(Path projectDir) throws IOException, InterruptedException {
        Path manifest = projectDir.resolve(MANIFEST_DIR);
        Path dir = projectDir.resolve(INSTALL_DIR);
        Path cli = dir.resolve("node_modules").resolve("kinesalite").resolve("cli.js");
        if (Files.exists(cli) && sameFiles(manifest, dir)) {
            return cli;
        }
        Files.createDirectories(dir);
        for (String f : MANIFEST_FILES) {
            Files.copy(manifest.resolve(f), dir.resolve(f), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        // --ignore-scripts: the only install script is leveldown's native build, unused in memory mode.
        Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error")
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("npm-install.log").toFile())
                .start();
        if (!npm.waitFor(10, TimeUnit.MINUTES)) {
            npm.destroyForcibly();
            throw new IllegalStateException("npm ci in " + dir + " took more than 10 minutes");
        }
        if (npm.exitValue() != 0 || !Files.exists(cli)) {
            throw new IllegalStateException("npm ci in " + dir + " failed (exit " + npm.exitValue() + "): "
                    + Files.readString(dir.resolve("npm-install.log")));
        }
        return cli;
    }

    /** The project directory: {@code -Drglimits.project.dir}, else the working directory (Maven's basedir). */
    public static Path projectDir() {
        Path dir = Path.of(System.getProperty("rglimits.project.dir", System.getProperty("user.dir"))).toAbsolutePath();
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

    private static void pump(Process process, Path log, CountDownLatch listening) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
            String line;
            while ((line = in.readLine()) != null) {
                out.println(line);
                if (line.contains("Listening at")) {
                    listening.countDown();
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private void stopQuietly() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stopQuietly();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // already running
        }
    }
}
