package com.rglimits.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The report's line on RocksDB's block cache. */
class ScaleScenarioTest {
    @Test
    void theBlockCacheIsTheFirstRowsThatHasOneNotTheFloors() {
        ScaleScenario.Row floor = row(ScaleScenario.FLOOR, -1);
        ScaleScenario.Row shortRow = row("plain stream, 2,000 users", 0);
        ScaleScenario.Row plain = row("plain stream, 100,000 users", 427L << 20);

        assertThat(ScaleScenario.blockCache(List.of(floor, shortRow, plain))).isEqualTo("427 MiB");
        assertThat(ScaleScenario.blockCache(List.of(floor, shortRow))).as("no row reported one").isEqualTo("-");
    }

    private static ScaleScenario.Row row(String name, long blockCacheCapacity) {
        ScaleScenario.Row r = new ScaleScenario.Row(name, 100_000);
        r.blockCacheCapacity = blockCacheCapacity;
        return r;
    }
}
