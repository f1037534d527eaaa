package com.rglimits.localaws;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** No emulator process outlives the JVM that started it, however that JVM ends. */
class NodeEmulatorIT {
    /** A JVM that starts dynalite, prints its process id, waits for a line, then ends as {@code args[0]} says. */
    public static void main(String[] args) throws Exception {
        Dynalite dynalite = Dynalite.start();
        System.out.println("emulator " + dynalite.pid());
        System.out.flush();
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        switch (args[0]) {
            case "error":
                throw new IllegalStateException("the program fails");
            case "halt":
                Runtime.getRuntime().halt(3); // no shutdown hooks run, as after kill -9
                break;
            default:
                Thread.sleep(120_000); // until the test ends it
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"error", "halt", "terminate", "kill"})
    void theEmulatorEndsWithItsJvm(String ending) throws Exception {
        Process jvm = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-D" + NodeEmulator.PROJECT_DIR_PROPERTY + "=" + NodeEmulator.projectDir(), "-cp", System.getProperty("java.class.path"), NodeEmulatorIT.class.getName(),
                ending.equals("error") || ending.equals("halt") ? ending : "wait")
                .redirectErrorStream(true)
                .start();
        long emulator = emulatorPid(jvm);
        assertThat(ProcessHandle.of(emulator)).as("the emulator runs").hasValueSatisfying(p -> assertThat(p.isAlive()).isTrue());
        jvm.getOutputStream().write('\n');
        jvm.getOutputStream().flush();
        switch (ending) {
            case "terminate":
                // SIGTERM: the JVM's orderly shutdown, the same Ctrl-C starts. (SIGINT itself is not
                // sent: a JVM started from a background job ignores it, which would test the shell.)
                jvm.destroy();
                break;
            case "kill":
                jvm.destroyForcibly();
                break;
            default:
                break;
        }
        assertThat(jvm.waitFor(30, TimeUnit.SECONDS)).as("the JVM ended").isTrue();
        assertGone(emulator);
    }

    @Test
    void closeStopsTheEmulator() throws Exception {
        Dynalite dynalite = Dynalite.start();
        long pid = dynalite.pid();
        dynalite.close();
        assertGone(pid);
    }

    /**
     * A job that fails or is cancelled while a write is on the wire resets the connection mid-request.
     * dynalite 4.0.0 throws from the request's error handler then and the process died with it, so the
     * rest of a test run met "connection refused" (FailureRecoveryIT, about one run in ten).
     */
    @Test
    void aRequestDroppedMidBodyDoesNotStopDynalite() throws Exception {
        try (Dynalite dynalite = Dynalite.start()) {
            for (int i = 0; i < 3; i++) {
                try (Socket socket = new Socket("127.0.0.1", dynalite.port())) {
                    OutputStream out = socket.getOutputStream();
                    out.write(("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.0\r\n"
                            + "X-Amz-Target: DynamoDB_20120810.ListTables\r\nContent-Length: 100\r\n\r\n{\"Lim")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    Thread.sleep(100);
                    socket.setSoLinger(true, 0); // close with a reset, as a killed connection does
                }
            }
            Thread.sleep(200);
            try (var client = dynalite.client()) {
                assertThat(client.listTables().tableNames()).isEmpty();
            }
        }
    }

    private static long emulatorPid(Process jvm) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            if (line.startsWith("emulator ")) {
                return Long.parseLong(line.substring("emulator ".length()));
            }
            seen.append(line).append('\n');
        }
        throw new AssertionError("the JVM ended without starting the emulator:\n" + seen);
    }

    /** Waits up to 10 s for the process to end. */
    static void assertGone(long pid) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("emulator process " + pid + " still alive").isFalse();
    }
}
