package com.rglimits.localaws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Scanner;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LoopbackPortsTest {
    @Test
    void theEphemeralRangeIsTheKernels() throws Exception {
        Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
        assumeTrue(Files.isReadable(range), "a Linux kernel");
        try (Scanner kernel = new Scanner(range)) {
            assertThat(LoopbackPorts.ephemeralStart()).isEqualTo(kernel.nextInt());
        }
    }

    @Test
    void anUnusedPortIsFreeAndBelowTheEphemeralRangeWhereThereIsRoom() throws Exception {
        int below = LoopbackPorts.ephemeralStart();
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            int port = LoopbackPorts.unused();
            assertThat(LoopbackPorts.bindable(port)).isTrue();
            if (below - LoopbackPorts.LOWEST >= 1_000) {
                assertThat(port).isBetween(LoopbackPorts.LOWEST, below - 1);
            }
            seen.add(port);
        }
        // Random, so that parallel test JVMs asking at once do not all get the same one; never the same twice here.
        assertThat(seen).hasSize(20);
    }

    @Test
    void oneJvmIsNeverHandedTheSamePortTwice() {
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 2_000; i++) {
            assertThat(seen.add(LoopbackPorts.unused())).as("call %d: a port handed out before", i).isTrue();
        }
    }

    @Test
    void aPortSomeoneListensOnIsNotBindable() throws Exception {
        try (ServerSocket held = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThat(LoopbackPorts.bindable(held.getLocalPort())).isFalse();
        }
    }
}
