package com.rglimits.localaws;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for a process that is told its port before it binds it (a Flink JobManager, a service's
 * jar). A port the kernel hands out for port 0 and that is let go can be handed out again at once to
 * another process of the same test run (several JVMs start servers and open connections at once)
 * before ours binds it. Ports below the kernel's ephemeral range are never handed out that way, so
 * one found free there stays free unless someone asks for that very number.
 */
public final class LoopbackPorts {
    /** Where the search starts: above the usual fixed ports of developer tools (8081, 9092, 9324, ...). */
    static final int LOWEST = 20_000;
    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    /** Linux's default start of the ephemeral range (macOS and Windows start higher). */
    private static final int DEFAULT_EPHEMERAL_START = 32_768;
    private static final int ATTEMPTS = 100;
    /** Read once: the kernel's setting does not change under a test run. */
    private static final int EPHEMERAL_START = ephemeralStart();
    /** Ports this JVM handed out: two servers of one cluster asked before either binds must not get the same. */
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private LoopbackPorts() {}

    /**
     * A loopback port nothing listens on now and not handed out before by this JVM, outside the
     * ephemeral range where there is room.
     */
    public static int unused() {
        if (EPHEMERAL_START - LOWEST >= 1_000) {
            for (int i = 0; i < ATTEMPTS; i++) {
                int port = ThreadLocalRandom.current().nextInt(LOWEST, EPHEMERAL_START);
                if (!HANDED_OUT.contains(port) && bindable(port) && HANDED_OUT.add(port)) {
                    return port;
                }
            }
        }
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether a server could listen on {@code port} now. */
    public static boolean bindable(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static int ephemeralStart() {
        try {
            // Not readString: it reads /proc's files (size 0) short.
            String[] range = Files.readAllLines(EPHEMERAL_RANGE).get(0).trim().split("\\s+");
            return Integer.parseInt(range[0]);
        } catch (IOException | RuntimeException e) {
            return DEFAULT_EPHEMERAL_START;
        }
    }
}
