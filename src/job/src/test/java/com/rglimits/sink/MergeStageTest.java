package com.rglimits.sink;

import static org.assertj.core.api.Assertions.assertThat;

import com.rglimits.limit.UserLimit;
import org.junit.jupiter.api.Test;

class MergeStageTest {
    private static final long QUIET = 200;

    private static UserLimit version(String user, String limit, long seq) {
        return TestLimits.version(user, limit, seq);
    }

    @Test
    void theStageKeepsTheNewestVersionOfEachLimitInOrderOfItsFirstArrival() {
        MergeStage stage = new MergeStage(QUIET);

        assertThat(stage.offer(version("u1", "l1", 2), 100)).isTrue();
        assertThat(stage.offer(version("u2", "l1", 1), 110)).isTrue();
        assertThat(stage.offer(version("u1", "l1", 5), 120)).as("merged").isFalse();
        assertThat(stage.offer(version("u1", "l1", 3), 130)).as("older than staged: dropped").isFalse();
        assertThat(stage.offer(version("u2", "l1", 1), 140)).as("same version").isFalse();

        assertThat(stage.size()).isEqualTo(2);
        assertThat(stage.oldestArrival()).as("a merge keeps the limit's place and time").isEqualTo(100);
        assertThat(stage.staged()).containsExactly(version("u1", "l1", 5), version("u2", "l1", 1));
        assertThat(stage.pollOldest(150)).isEqualTo(version("u1", "l1", 5));
        assertThat(stage.oldestArrival()).isEqualTo(110);
        assertThat(stage.pollOldest(150)).isEqualTo(version("u2", "l1", 1));
        assertThat(stage.isEmpty()).isTrue();

        assertThat(stage.offer(version("u1", "l1", 7), 200)).as("a limit that left is staged anew").isTrue();
        assertThat(stage.oldestArrival()).isEqualTo(200);
    }

    @Test
    void aLimitLeavesAtOnceUnlessStagedOrLeftWithinTheQuietTime() {
        MergeStage stage = new MergeStage(QUIET);

        assertThat(stage.leavesAtOnce(version("u1", "l1", 1), 1_000)).as("never seen").isTrue();
        assertThat(stage.leavesAtOnce(version("u1", "l1", 2), 1_100)).as("left 100 ms ago").isFalse();
        assertThat(stage.leavesAtOnce(version("u1", "l2", 1), 1_100)).as("another limit of the user").isTrue();
        assertThat(stage.leavesAtOnce(version("u1", "l1", 3), 1_200)).as("left exactly the quiet time ago").isFalse();
        assertThat(stage.leavesAtOnce(version("u1", "l1", 4), 1_201)).as("quiet since").isTrue();
        assertThat(stage.isEmpty()).as("nothing that leaves at once is staged").isTrue();

        assertThat(stage.offer(version("u2", "l1", 1), 2_000)).isTrue();
        assertThat(stage.leavesAtOnce(version("u2", "l1", 2), 5_000)).as("staged: merges").isFalse();
        assertThat(stage.pollOldest(5_000)).isEqualTo(version("u2", "l1", 1));
        assertThat(stage.leavesAtOnce(version("u2", "l1", 3), 5_150)).as("polled 150 ms ago").isFalse();
        assertThat(stage.leavesAtOnce(version("u2", "l1", 4), 5_201)).isTrue();
    }

    @Test
    void aLimitPolledAgainIsRememberedFromItsLastLeaving() {
        MergeStage stage = new MergeStage(QUIET);
        stage.offer(version("u1", "l1", 1), 0);
        stage.pollOldest(100);
        stage.offer(version("u2", "l1", 1), 100);
        stage.offer(version("u1", "l1", 2), 110);
        assertThat(stage.pollOldest(120)).isEqualTo(version("u2", "l1", 1));
        assertThat(stage.pollOldest(150)).as("u1 leaves again within the quiet time").isEqualTo(version("u1", "l1", 2));

        // u2 left at 120 and u1 last at 150: at 330 u2 is forgotten, u1 is not, though u1 left first once.
        assertThat(stage.leavesAtOnce(version("u2", "l1", 2), 330)).isTrue();
        assertThat(stage.leavesAtOnce(version("u1", "l1", 3), 330)).isFalse();
    }
}
