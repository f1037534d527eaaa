package com.rglimits.sink;

import static org.assertj.core.api.Assertions.assertThat;

import com.rglimits.table.LimitItems;
import java.util.List;
import org.junit.jupiter.api.Test;

class LimitPutCoalescerTest {
    private static LimitPut put(String user, String limit, long seq) {
        return new LimitPutConverter().apply(TestLimits.version(user, limit, seq), null);
    }

    @Test
    void keepsOnlyTheHighestVersionOfEachKey() {
        List<LimitPut> batch = List.of(
                put("u1", "l1", 5),
                put("u1", "l2", 3),
                put("u1", "l1", 9),
                put("u2", "l1", 4),
                put("u1", "l1", 2),
                put("u1", "l2", 1));

        List<LimitPut> coalesced = LimitPutCoalescer.latestPerKey(batch);

        assertThat(coalesced).containsExactly(put("u1", "l1", 9), put("u1", "l2", 3), put("u2", "l1", 4));
        assertThat(coalesced.get(0).item()).isEqualTo(LimitItems.toItem(TestLimits.version("u1", "l1", 9)));
    }

    @Test
    void sameUserIdAndLimitIdAreOneKeyEvenWhenConcatenationsCollide() {
        List<LimitPut> batch = List.of(put("ab", "c", 1), put("a", "bc", 2));

        assertThat(LimitPutCoalescer.latestPerKey(batch)).hasSize(2);
    }

    @Test
    void aBatchWithoutRepeatsIsUnchanged() {
        List<LimitPut> batch = List.of(put("u1", "l1", 1), put("u2", "l1", 1), put("u3", "l1", 1));

        assertThat(LimitPutCoalescer.latestPerKey(batch)).containsExactlyElementsOf(batch);
    }
}
