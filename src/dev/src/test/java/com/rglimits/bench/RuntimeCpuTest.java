package com.rglimits.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class RuntimeCpuTest {
    @Test
    void threadsAreToldApartByTheirTaskNames() {
        assertThat(RuntimeCpu.kind("C2 CompilerThre")).isEqualTo(RuntimeCpu.Kind.JIT);
        assertThat(RuntimeCpu.kind("GC Thread#1")).isEqualTo(RuntimeCpu.Kind.GC);
        assertThat(RuntimeCpu.kind("G1 Conc#0")).isEqualTo(RuntimeCpu.Kind.GC);
        assertThat(RuntimeCpu.kind("rocksdb:low0")).isEqualTo(RuntimeCpu.Kind.ROCKSDB);
        assertThat(RuntimeCpu.kind("rocksdb:high0")).isEqualTo(RuntimeCpu.Kind.ROCKSDB);
        assertThat(RuntimeCpu.kind("Order, de-dupli")).isEqualTo(RuntimeCpu.Kind.KEYED_OPERATOR);
        assertThat(RuntimeCpu.kind("Take events off")).as("the floor's operator in its place").isEqualTo(RuntimeCpu.Kind.KEYED_OPERATOR);
        assertThat(RuntimeCpu.kind("Order")).as("only a name cut at 15 bytes").isEqualTo(RuntimeCpu.Kind.OTHER);
        assertThat(RuntimeCpu.kind("Source: Generat")).isEqualTo(RuntimeCpu.Kind.OTHER);
    }

    @Test
    void aThreadNamedLikeTheKeyedOperatorsTaskIsCounted() throws Exception {
        assumeThat(Files.isDirectory(Paths.get("/proc/self/task"))).as("Linux").isTrue();
        RuntimeCpu before = RuntimeCpu.now();
        CountDownLatch spent = new CountDownLatch(1);
        CountDownLatch measured = new CountDownLatch(1);
        // Flink names a task's thread after its operators, with the subtask after them. The thread spins until it
        // has used 200 ms of CPU, however busy the machine, and stays alive until it is measured: an ended
        // thread's CPU leaves /proc with it.
        Thread busy = new Thread(() -> {
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long x = 0;
            while (threads.getCurrentThreadCpuTime() < 200_000_000L) {
                x += Long.numberOfTrailingZeros(x + System.nanoTime());
            }
            spent.countDown();
            try {
                measured.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, ScaleScenario.KEYED_OPERATOR + " (1/1)#0");
        busy.start();
        spent.await();
        RuntimeCpu used = RuntimeCpu.now().since(before);
        measured.countDown();
        busy.join();

        assertThat(used.keyedNanos).as("200 ms of the thread's CPU, in /proc's ticks of 10 ms").isBetween(180_000_000L, 1_000_000_000L);
        assertThat(used.rocksDbNanos).as("no RocksDB here").isZero();
    }
}
