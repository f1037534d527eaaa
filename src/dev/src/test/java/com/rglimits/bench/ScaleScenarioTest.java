package com.rglimits.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The report's line on RocksDB's block cache, and its column of the keyed operator's write-backs. */
class ScaleScenarioTest {
    @Test
    void theBlockCacheIsTheFirstRowsThatHasOneNotTheFloors() {
        ScaleScenario.Row floor = row(ScaleScenario.FLOOR, -1);
        ScaleScenario.Row shortRow = row("plain stream, 2,000 users", 0);
        ScaleScenario.Row plain = row("plain stream, 100,000 users", 427L << 20);

        assertThat(ScaleScenario.blockCache(List.of(floor, shortRow, plain))).isEqualTo("427 MiB");
        assertThat(ScaleScenario.blockCache(List.of(floor, shortRow))).as("no row reported one").isEqualTo("-");
    }

    @Test
    void theWriteBacksOfASpanAreItsCheckpointsMeanAndItsEvictions() {
        ScaleScenario.Sample from = new ScaleScenario.Sample(0, 0);
        from.checkpointWriteBacks = 4;
        from.checkpointWriteBackMicros = 4_000_000;
        from.checkpointWriteBackUsers = 400_000;
        from.evictions = 7;
        from.evictionMicros = 700_000;
        ScaleScenario.Sample to = new ScaleScenario.Sample(10_000_000_000L, 10_000);
        to.checkpointWriteBacks = 6;
        to.checkpointWriteBackMicros = 6_100_000;
        to.checkpointWriteBackUsers = 600_000;
        to.evictions = 10;
        to.evictionMicros = 1_450_000;

        assertThat(new ScaleScenario.Span(from, to).writeBacks()).isEqualTo("1,050 ms, 100,000 users / 3 of 250 ms");
        to.evictions = 7;
        assertThat(new ScaleScenario.Span(from, to).writeBacks()).isEqualTo("1,050 ms, 100,000 users / 0");
        assertThat(new ScaleScenario.Span(from, from).writeBacks()).as("no keyed operator, or none in the span").isEqualTo("-");
    }

    private static ScaleScenario.Row row(String name, long blockCacheCapacity) {
        ScaleScenario.Row r = new ScaleScenario.Row(name, 100_000);
        r.blockCacheCapacity = blockCacheCapacity;
        return r;
    }
}
