package com.rglimits.ordering;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventIdHashTest {
    private static final long PINNED_UUID = 0xa927d4c3dd3940fcL;
    private static final long PINNED_SHORT = 0xfb2be2d1a757c1b1L;
    private static final long PINNED_NON_ASCII = 0xbe6353373bcced92L;

    @Test
    void isFixedBecauseSavepointsHoldItsValues() {
        // The dedup set of every savepoint holds these hashes: a different function would forget them all.
        assertThat(EventIdHash.of("3f2b8c1e-0d4a-4e57-9a61-5b7c2d9e8f10")).isEqualTo(PINNED_UUID);
        assertThat(EventIdHash.of("evt-1")).isEqualTo(PINNED_SHORT);
        assertThat(EventIdHash.of("Zürich €")).isEqualTo(PINNED_NON_ASCII);
    }

    @Test
    void idsThatDifferInOneCharacterOrInOrderHashApart() {
        assertThat(EventIdHash.of("evt-12")).isNotEqualTo(EventIdHash.of("evt-21"));
        assertThat(EventIdHash.of("evt-1")).isNotEqualTo(EventIdHash.of("evt-2"));
        assertThat(EventIdHash.of("a")).isNotEqualTo(EventIdHash.of("a\0"));
    }

    @Test
    void aMillionIdsOfEitherShapeDoNotCollide() {
        Set<Long> uuids = new HashSet<>();
        Set<Long> counters = new HashSet<>();
        for (int i = 0; i < 1_000_000; i++) {
            uuids.add(EventIdHash.of(new UUID(i * 0x9E3779B97F4A7C15L, i).toString()));
            counters.add(EventIdHash.of("evt-" + i));
        }
        assertThat(uuids).hasSize(1_000_000);
        assertThat(counters).hasSize(1_000_000);
    }
}
