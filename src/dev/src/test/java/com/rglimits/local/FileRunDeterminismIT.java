package com.rglimits.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rglimits.testing.Events;
import com.rglimits.testing.GeneratedEvents;
import com.rglimits.testing.ProjectFiles;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Same input, same result: one shuffled events file with redeliveries, late records (moved a few
 * hundred places later), bad records (broken JSON, broken UTF-8), another type, and an event a year
 * ahead of its neighbours, run with the README's local-run command at parallelism 1, 2 and 4, in a
 * fresh JVM (cold) and in this one (warm), one run with two threads spinning on the cores. The
 * exported table and the summary are byte for byte the same every time, and so are the dead
 * letters but for {@code deadLetteredAt} (the wall-clock time each was made).
 */
class FileRunDeterminismIT {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Where the spinning threads put their work, so that it is not optimized away. */
    private static volatile long spun;

    @Test
    void theSameFileGivesTheSameTableDeadLettersAndSummaryOnEveryRun(@TempDir Path dir) throws Exception {
        Path input = dir.resolve("events.ndjson");
        Files.write(input, hostileStream());

        // The README's command as it is (checkpoints every 5 s), then with checkpoints every second: when
        // checkpoints come does not matter either.
        Run cold = runInFreshJvm(input, dir.resolve("cold"), 2);
        Run warm1 = runHere(input, dir.resolve("warm-1"), 1, false);
        Run warm4 = runHere(input, dir.resolve("warm-4"), 4, false);
        Run busy2 = runHere(input, dir.resolve("busy-2"), 2, true);

        assertThat(cold.summary).contains("records=").contains("dead_lettered=");
        for (Run other : List.of(warm1, warm4, busy2)) {
            assertThat(other.summary).as(other.name + ": summary").isEqualTo(cold.summary);
            assertThat(other.table).as(other.name + ": exported table").isEqualTo(cold.table);
            assertThat(other.deadLetters).as(other.name + ": dead letters").isEqualTo(cold.deadLetters);
        }

        // What the file holds shows in the result: the moved records are late, the year-ahead one an outlier.
        assertThat(cold.summary).containsPattern("LATE_EVENT=[1-9]\\d*").containsPattern("INVALID_EVENT=[1-9]\\d*");
        assertThat(cold.deadLetters).anyMatch(d -> d.contains("\"eventId\":\"outlier-year\"")
                && d.contains("more than ordering.max-jump allows"));
        assertThat(cold.deadLetters).anyMatch(d -> d.contains("\"recordBase64\""));
        assertThat(cold.table).hasSizeGreaterThan(50);
    }

    /** 30 users' events shuffled inside the bound, with the generator's redeliveries, bad records and late events, and more. */
    private static byte[] hostileStream() {
        GeneratedEvents generated = GeneratedEvents.generate(23, 30, 110, 4_000);
        List<byte[]> records = new ArrayList<>(generated.records);
        Random random = new Random(23);
        for (int i = 0; i < 40; i++) {
            int from = random.nextInt(records.size() - 600);
            records.add(from + 200 + random.nextInt(400), records.remove(from));
        }
        ObjectNode outlier = Events.created("outlier-year", "user-7", "lim-outlier", 1_000_000,
                GeneratedEvents.BASE_TIME + 365L * 24 * 3600 * 1000, "100");
        records.add(records.size() / 3, Events.bytes(outlier));
        records.add(records.size() / 2, new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', '}'});
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] r : records) {
            out.writeBytes(r);
            out.write('\n');
        }
        return out.toByteArray();
    }

    private static Run runHere(Path input, Path dir, int parallelism, boolean busy) throws Exception {
        Files.createDirectories(dir);
        AtomicBoolean spinning = new AtomicBoolean(busy);
        List<Thread> hogs = new ArrayList<>();
        for (int i = 0; busy && i < 2; i++) {
            Thread hog = new Thread(() -> {
                while (spinning.get()) {
                    spun += System.nanoTime() % 7;
                }
            }, "cpu-hog-" + i);
            hog.setDaemon(true);
            hog.start();
            hogs.add(hog);
        }
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        List<String> args = new ArrayList<>(List.of(args(input, dir, parallelism)));
        args.addAll(List.of("--checkpoint.interval", "1s"));
        try {
            LocalRun.run(args.toArray(new String[0]), new PrintStream(printed, true, StandardCharsets.UTF_8));
        } finally {
            spinning.set(false);
            for (Thread hog : hogs) {
                hog.join();
            }
        }
        return Run.read((busy ? "busy, " : "warm, ") + "parallelism " + parallelism, dir,
                printed.toString(StandardCharsets.UTF_8));
    }

    /** The README's command in a JVM of its own: nothing compiled or warmed up yet. */
    private static Run runInFreshJvm(Path input, Path dir, int parallelism) throws Exception {
        Files.createDirectories(dir);
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Daws.cborEnabled=false", ProjectFiles.jvmOption(),
                "-cp", System.getProperty("java.class.path") + File.pathSeparator + testClassPath(),
                LocalRun.class.getName()));
        command.addAll(List.of(args(input, dir, parallelism)));
        Process p = new ProcessBuilder(command).redirectError(dir.resolve("stderr.txt").toFile()).start();
        byte[] stdout = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(3, TimeUnit.MINUTES)).as("the cold run ended").isTrue();
        assertThat(p.exitValue()).as("exit status; stderr: " + Files.readString(dir.resolve("stderr.txt"))).isZero();
        return Run.read("cold, parallelism " + parallelism, dir, new String(stdout, StandardCharsets.UTF_8));
    }

    /** Surefire and Failsafe pass the test class path in this property when the JVM's own is a manifest-only jar. */
    private static String testClassPath() {
        String path = System.getProperty("surefire.test.class.path");
        return path != null ? path : "";
    }

    private static String[] args(Path input, Path dir, int parallelism) {
        return new String[] {"--source.file", input.toString(), "--dlq.file", dir.resolve("dlq.jsonl").toString(),
                "--export.file", dir.resolve("limits.jsonl").toString(), "--job.parallelism", Integer.toString(parallelism)};
    }

    private static final class Run {
        final String name;
        final String summary;
        final List<String> table;
        final List<String> deadLetters;

        private Run(String name, String summary, List<String> table, List<String> deadLetters) {
            this.name = name;
            this.summary = summary;
            this.table = table;
            this.deadLetters = deadLetters;
        }

        /** The summary lines (the two last ones), the export, and the dead letters without their wall-clock stamp. */
        static Run read(String name, Path dir, String printed) throws IOException {
            String[] lines = printed.strip().split("\n");
            String summary = lines[lines.length - 2] + "\n" + lines[lines.length - 1];
            List<String> deadLetters = new ArrayList<>();
            for (String line : Files.readAllLines(dir.resolve("dlq.jsonl"), StandardCharsets.UTF_8)) {
                ObjectNode d = (ObjectNode) MAPPER.readTree(line);
                assertThat(d.remove("deadLetteredAt")).as("every dead letter says when it was made").isNotNull();
                deadLetters.add(MAPPER.writeValueAsString(d));
            }
            return new Run(name, summary, Files.readAllLines(dir.resolve("limits.jsonl"), StandardCharsets.UTF_8), deadLetters);
        }
    }
}
