package com.rglimits.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.stream.Stream;

/**
 * Samples, while a scenario runs: the JVM heap in use right after the latest collection of each
 * heap pool (every 10 ms: the live heap, plus old garbage a mixed collection has not reached yet),
 * the process's resident set (every 50 ms), and the size of a checkpoint directory (every 500 ms).
 */
final class Sampler implements AutoCloseable {
    private final Thread thread;
    private final Path checkpointDir;
    private volatile boolean running = true;
    private volatile long peakHeap;
    private volatile long peakRss;
    private volatile long lastDirSize;
    private volatile long lastCheckpointId;

    private Sampler(Path checkpointDir) {
        this.checkpointDir = checkpointDir;
        this.thread = new Thread(this::loop, "benchmark-sampler");
        this.thread.setDaemon(true);
    }

    static Sampler start(Path checkpointDir) {
        Sampler s = new Sampler(checkpointDir);
        s.sample(0);
        s.thread.start();
        return s;
    }

    private void loop() {
        long tick = 0;
        while (running) {
            sample(++tick);
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void sample(long tick) {
        long afterGc = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            MemoryUsage usage = pool.getType() == MemoryType.HEAP ? pool.getCollectionUsage() : null;
            if (usage != null) {
                afterGc += usage.getUsed();
            }
        }
        peakHeap = Math.max(peakHeap, afterGc);
        if (tick % 5 == 0) {
            peakRss = Math.max(peakRss, rssBytes());
        }
        if (checkpointDir != null && tick % 50 == 0) {
            checkpointDir();
        }
    }

    private void checkpointDir() {
        long size = directorySize(checkpointDir);
        if (size > 0) {
            lastDirSize = size;
        }
        try (Stream<Path> files = Files.walk(checkpointDir, 2)) {
            files.map(p -> p.getFileName().toString()).filter(n -> n.matches("chk-\\d+"))
                    .mapToLong(n -> Long.parseLong(n.substring(4))).max()
                    .ifPresent(id -> lastCheckpointId = Math.max(lastCheckpointId, id));
        } catch (IOException | java.io.UncheckedIOException e) {
            // a checkpoint subsumed while walking: next time
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join();
        sample(0);
        peakRss = Math.max(peakRss, rssBytes());
        if (checkpointDir != null) {
            checkpointDir();
        }
    }

    long lastCheckpointId() {
        return lastCheckpointId;
    }

    long peakHeapBytes() {
        return peakHeap;
    }

    long peakRssBytes() {
        return peakRss;
    }

    /** The checkpoint directory's size at the end, or when last seen non-empty. */
    long checkpointBytes() {
        return lastDirSize;
    }

    /** VmRSS of this process, 0 where /proc is not there. */
    static long rssBytes() {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc/self/status"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: no figure
        }
        return 0;
    }

    static long directorySize(Path dir) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0; // deleted while walking (a subsumed checkpoint)
                }
            }).sum();
        } catch (IOException | java.io.UncheckedIOException e) {
            return 0;
        }
    }
}
