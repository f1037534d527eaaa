package com.rglimits.sink;

import static org.assertj.core.api.Assertions.assertThat;

import com.rglimits.limit.UserLimit;
import org.junit.jupiter.api.Test;

class MergeStageTest {
    private static UserLimit version(String user, String limit, long seq) {
        return TestLimits.version(user, limit, seq);
    }

    @Test
    void theStageKeepsTheNewestVersionOfEachLimitInOrderOfItsFirstArrival() {
        MergeStage stage = new MergeStage();

        assertThat(stage.offer(version("u1", "l1", 2), 100)).isTrue();
        assertThat(stage.offer(version("u2", "l1", 1), 110)).isTrue();
        assertThat(stage.offer(version("u1", "l1", 5), 120)).as("merged").isFalse();
        assertThat(stage.offer(version("u1", "l1", 3), 130)).as("older than staged: dropped").isFalse();
        assertThat(stage.offer(version("u2", "l1", 1), 140)).as("same version").isFalse();

        assertThat(stage.size()).isEqualTo(2);
        assertThat(stage.oldestArrival()).as("a merge keeps the limit's place and time").isEqualTo(100);
        assertThat(stage.staged()).containsExactly(version("u1", "l1", 5), version("u2", "l1", 1));
        assertThat(stage.pollOldest()).isEqualTo(version("u1", "l1", 5));
        assertThat(stage.oldestArrival()).isEqualTo(110);
        assertThat(stage.pollOldest()).isEqualTo(version("u2", "l1", 1));
        assertThat(stage.isEmpty()).isTrue();

        assertThat(stage.offer(version("u1", "l1", 7), 200)).as("a limit that left is staged anew").isTrue();
        assertThat(stage.oldestArrival()).isEqualTo(200);
    }
}
