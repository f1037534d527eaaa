package com.rglimits.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proves the benchmark still runs end to end on a tiny input: every scenario, the report, and the
 * correctness cross-check against the Lambda-style baseline. No timing assertions: the figures
 * of a run this small mean nothing.
 */
class BenchmarkSmokeIT {
    // The timeouts guard against a hang, not against a slow machine: the tiny runs took 100-250 s
    // in CI on a loaded machine (four scenarios, each its own MiniCluster job and emulators).
    @Test
    @Timeout(600)
    void tinyRunWritesEveryRowAndAgreesWithTheBaseline(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("benchmark.md");
        Files.write(out, ("# Benchmark\n\nprose before\n\n" + Benchmark.BEGIN + "\nold figures\n" + Benchmark.END
                + "\n\nprose after\n").getBytes(StandardCharsets.UTF_8));
        Benchmark.Options o = Benchmark.Options.parse(new String[] {
            "--events", "2000", "--users", "200", "--lambda-events", "2000", "--warmup-events", "0",
            "--checkpoint-ms", "500", "--out", out.toString(), "--work", dir.resolve("work").toString()});

        Benchmark.Report report = Benchmark.run(o);

        assertThat(report.results).containsOnlyKeys(Benchmark.CEILING, Benchmark.JOB_ROCKSDB, Benchmark.JOB_DISORDER,
                Benchmark.JOB_HEAP, Benchmark.JOB_DYNAMODB, Benchmark.LAMBDA);
        Benchmark.Result disorder = report.results.get(Benchmark.JOB_DISORDER);
        assertThat(disorder.events).as("one record in ten delivered twice").isEqualTo(2200);
        assertThat(disorder.applied).as("shuffled inside the bound: every event applied, once").isEqualTo(2000);
        assertThat(disorder.deadLettered).isZero();
        assertThat(disorder.accounting).contains("duplicates=200");
        Benchmark.Result lambda = report.results.get(Benchmark.LAMBDA);
        assertThat(lambda.events).isEqualTo(2000);
        for (String job : new String[] {Benchmark.JOB_ROCKSDB, Benchmark.JOB_HEAP, Benchmark.JOB_DYNAMODB}) {
            Benchmark.Result r = report.results.get(job);
            assertThat(r.events).as(job).isEqualTo(2000);
            assertThat(r.applied).as(job + ": applied like the baseline on the same events").isEqualTo(lambda.applied);
            assertThat(r.deadLettered).as(job).isZero();
            assertThat(r.p50Ms).as(job + " latency measured").isNotNaN();
        }
        assertThat(lambda.applied).isEqualTo(2000);
        assertThat(report.comparedItems).as("2 limits for each of 200 users").isEqualTo(400);
        assertThat(report.tableMismatches).as("items of the job's table that differ from the baseline's").isZero();

        String md = new String(Files.readAllBytes(out), StandardCharsets.UTF_8);
        assertThat(md).startsWith("# Benchmark\n\nprose before\n\n").endsWith("\n\nprose after\n")
                .doesNotContain("old figures");
        for (String row : report.results.keySet()) {
            assertThat(md).contains("| " + row + " |");
        }
        assertThat(md).contains("/ ceiling").contains("Lambda-style baseline:").contains("Goals:");
    }

    @Test
    @Timeout(600)
    void tinyScaleRunMeasuresEveryRowInWindows(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("benchmark.md");
        Benchmark.Options o = Benchmark.Options.parse(new String[] {
            "--scenarios", "scale", "--scale-users", "2000", "--warmup-s", "1", "--duration-s", "4", "--window-s", "2",
            "--checkpoint-ms", "1000", "--floor", "--jvm-per-row", "--out", out.toString(), "--work", dir.resolve("work").toString()});

        Benchmark.Report report = Benchmark.run(o);

        ScaleScenario.Figures f = report.scale;
        assertThat(f.ceiling.windows).hasSize(2);
        String floor = ScaleScenario.FLOOR + ", plain stream, 2,000 users";
        assertThat(f.rows).extracting(r -> r.name)
                .containsExactly(floor, "plain stream, 2,000 users", "sessions, shuffled + 10% redelivered, 2,000 users");
        ScaleScenario.Row floorRow = f.rows.get(0);
        assertThat(floorRow.windows).hasSize(2);
        assertThat(floorRow.total.p99Ms).as("the floor times the events it takes").isNotNaN();
        assertThat(floorRow.nearCeilingPerCore()).isPositive();
        assertThat(floorRow.accounting).as("the floor applies nothing").contains(" applied=0 ").contains("dead_lettered=0");
        assertThat(floorRow.total.writeBacks()).as("the floor has no keyed operator to write back").isEqualTo("-");
        assertThat(floorRow.total.keyedSeconds).as("the thread of the floor's operator in the keyed operator's place").isPositive();
        for (ScaleScenario.Row r : f.rows.subList(1, f.rows.size())) {
            assertThat(r.windows).as(r.name).hasSize(2);
            assertThat(r.total.records).as(r.name).isPositive();
            assertThat(r.total.p99Ms).as(r.name + " latency measured").isNotNaN();
            assertThat(r.total.stallSeconds).as(r.name + ": RocksDB's write stalls reported").isNotNaN();
            assertThat(r.total.keyedSeconds).as(r.name + ": the keyed operator's thread found by its name").isPositive();
            assertThat(r.restoreSeconds).as(r.name + ": restored from the prefilled savepoint").isPositive();
            assertThat(r.ceilingBefore.windows).as(r.name + ": the ceiling just before it").hasSize(2);
            assertThat(r.ceilingAfter.windows).as(r.name + ": the ceiling just after it").hasSize(2);
            assertThat(r.nearCeilingPerCore()).as(r.name).isPositive();
            assertThat(r.total.checkpointWriteBacks).as(r.name + ": the keyed operator's write-backs at checkpoints").isPositive();
            assertThat(r.total.writeBacks()).as(r.name).contains(" ms, ");
            assertThat(r.accounting).as(r.name + ": nothing dead-lettered (the scenario fails otherwise)")
                    .contains("dead_lettered=0");
        }
        assertThat(f.rows).extracting(r -> r.pid).as("each row's job in a JVM of its own, not the benchmark's")
                .doesNotHaveDuplicates().doesNotContain(ProcessHandle.current().pid(), 0L);
        assertThat(f.rows.get(2).accounting).as("redeliveries are duplicates").doesNotContain("duplicates=0 ");
        String md = new String(Files.readAllBytes(out), StandardCharsets.UTF_8);
        assertThat(md).contains("| " + ScaleScenario.CEILING + " |").contains("| plain stream, 2,000 users |")
                .contains("Per window").contains("| ceiling next to it, per core |").contains("| " + floor + " |")
                .contains("(benchmark-scale.svg)");
        String plot = new String(Files.readAllBytes(dir.resolve("benchmark-scale.svg")), StandardCharsets.UTF_8);
        assertThat(plot.split("<g class=\"row\">", -1)).as("a panel for the ceiling and each row").hasSize(f.rows.size() + 2);
        assertThat(plot).contains(">" + floor + "<").doesNotContain("no samples");
        assertThat(f.rows.get(1).allCheckpoints).as("checkpoints every second, in the plot too").isNotEmpty();
        assertThat(plot).contains("class=\"checkpoint\"");
    }

    @Test
    @Timeout(120)
    void aRowThatFailsInItsOwnJvmFailsTheRunWithItsName(@TempDir Path dir) {
        Benchmark.Options o = Benchmark.Options.parse(new String[] {
            "--scenarios", "scale", "--scale-users", "2000", "--jvm-per-row", "--work", dir.resolve("work").toString()});

        assertThatThrownBy(() -> RowProcess.run(o, "no such row"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("no such row: its JVM exited with 1 (its output is above)");
    }
}
