package com.rglimits.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A scale row's job in a JVM of its own ({@code --jvm-per-row}): the benchmark's JVM starts one per row,
 * with its own JVM options, class path and arguments, and reads the row's figures back from a file. In
 * one JVM each job runs with what the JIT compiled for the jobs before it, so two variants that take
 * other paths through the same methods may shape each other's machine code: in one run, object reuse
 * off then on gave 27.6 and 23.8 % of the ceiling, on then off 36.2 and 25.0 %, where two rows of the
 * same settings agree within half a point (docs/benchmark.md, "One JVM or a JVM per row"). The
 * ceilings stay in the benchmark's JVM, which runs nothing else while a row runs.
 */
final class RowProcess {
    static final String ROW = "--row";
    static final String ROW_OUT = "--row-out";

    private RowProcess() {}

    /** Runs the named row in a new JVM and returns its figures; fails when the row fails there. */
    static ScaleScenario.Row run(Benchmark.Options o, String rowName) throws Exception {
        Path out = Files.createTempFile("scale-row-", ".ser");
        try {
            List<String> command = new ArrayList<>();
            command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add(Benchmark.class.getName());
            command.addAll(Arrays.asList(o.args));
            command.addAll(List.of(ROW, rowName, ROW_OUT, out.toString()));
            Process child = new ProcessBuilder(command).inheritIO().start();
            int exit = child.waitFor();
            if (exit != 0) {
                throw new IllegalStateException(rowName + ": its JVM exited with " + exit + " (its output is above)");
            }
            try (InputStream in = Files.newInputStream(out); ObjectInputStream objects = new ObjectInputStream(in)) {
                return (ScaleScenario.Row) objects.readObject();
            }
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** In the row's JVM: runs the row named by {@code --row} and writes its figures to {@code --row-out}. */
    static void runHere(Benchmark.Options o) throws Exception {
        ScaleScenario.PlannedRow row = ScaleScenario.plan(o).stream()
                .filter(p -> p.name.equals(o.row))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no row named " + o.row));
        write(ScaleScenario.runJob(o, row), o.rowOut);
    }

    private static void write(ScaleScenario.Row row, Path out) throws IOException {
        try (OutputStream file = Files.newOutputStream(out); ObjectOutputStream objects = new ObjectOutputStream(file)) {
            objects.writeObject(row);
        }
    }
}
