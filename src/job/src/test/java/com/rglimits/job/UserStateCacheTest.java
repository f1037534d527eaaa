package com.rglimits.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.rglimits.event.LimitEvent;
import com.rglimits.limit.UserLimit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.state.KeyedStateStore;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link UserStateCache} on the keyed RocksDB state of an open operator: what it writes back, and when. */
class UserStateCacheTest {
    private KeyedOneInputStreamOperatorTestHarness<String, LimitEvent, UserLimit> harness;
    private AbstractStreamOperator<UserLimit> operator;
    private ValueState<UserState> userState;
    private ListState<Long> seenHashes;
    /** The cache's processing time. */
    private long now = 1_000;

    @BeforeEach
    void open() throws Exception {
        harness = UserLimitOperatorTest.newHarness(0, 1_000);
        harness.open();
        operator = harness.getOperator();
        KeyedStateStore store = operator.getKeyedStateStore();
        userState = store.getState(Descriptors.USER_STATE);
        seenHashes = store.getListState(Descriptors.seenEventHashes(Duration.ofDays(7)));
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    @Test
    void tooManyUnwrittenHashesWritesTheHashesAloneAndEvictsNoUser() throws Exception {
        UserStateCache cache = cache(1_000, 4);
        UserStateCache.Entry u1 = cache.of("u1");
        cache.put(u1, limit("u1", "lim"));
        cache.seen(u1, 11);
        cache.seen(u1, 12);
        UserStateCache.Entry u2 = cache.of("u2");
        cache.seen(u2, 21);
        assertThat(cache.tooManyUnwrittenHashes()).isFalse();
        cache.seen(u2, 22);
        assertThat(cache.tooManyUnwrittenHashes()).isTrue();
        assertThat(cache.full()).as("two users of a thousand").isFalse();

        cache.writeBackSeen();

        assertThat(cache.tooManyUnwrittenHashes()).isFalse();
        assertThat(hashesInState("u1")).containsExactly(11L, 12L);
        assertThat(hashesInState("u2")).containsExactly(21L, 22L);
        assertThat(userInState("u1")).as("the limit waits for the write-back").isNull();
        assertThat(cache.of("u1")).as("still cached, not read again").isSameAs(u1);
        assertThat(cache.seenBefore(u1, 12)).isTrue();

        cache.seen(u2, 23);
        cache.writeBack();

        assertThat(userInState("u1").limits).extracting(l -> l.userLimitId).containsExactly("lim");
        assertThat(userInState("u1").seenHashes).as("written already").isNull();
        assertThat(userInState("u2").seenHashes).as("u2's new hash fits in its value").containsExactly(23L);
        assertThat(hashesInState("u1")).as("each hash written once").containsExactly(11L, 12L);
        assertThat(hashesInState("u2")).containsExactly(21L, 22L);
    }

    /** A user with few events: its hashes go into its value, with their time, and nothing into the dedup list. */
    @Test
    void aUsersLatestHashesAreWrittenInItsValueAndFoundAfterAnEviction() throws Exception {
        UserStateCache cache = cache(1_000, 1_000);
        UserStateCache.Entry u1 = cache.of("u1");
        cache.put(u1, limit("u1", "lim"));
        cache.seen(u1, 11);
        cache.seen(u1, 12);
        cache.writeBack();
        now = 2_000;
        cache.seen(u1, 13);
        cache.writeBack();

        UserState stored = userInState("u1");
        assertThat(stored.seenHashes).containsExactly(11L, 12L, 13L);
        assertThat(stored.seenAt).containsExactly(1_000L, 1_000L, 2_000L);
        assertThat(hashesInState("u1")).isEmpty();
        assertThat(cache.dirtyUsers()).isZero();

        UserStateCache again = cache(1_000, 1_000);
        UserStateCache.Entry read = again.of("u1");
        assertThat(again.seenBefore(read, 11)).isTrue();
        assertThat(again.seenBefore(read, 13)).isTrue();
        assertThat(again.seenBefore(read, 14)).isFalse();
        assertThat(again.dirtyUsers()).as("reading changes nothing").isZero();
    }

    /**
     * Hashes that do not fit in the value any more go to the dedup list, each once, and the value keeps
     * those it has; a later one that fits goes in the value.
     */
    @Test
    void hashesBeyondWhatTheValueHoldsGoToTheDedupList() throws Exception {
        UserStateCache cache = cache(1_000, 1_000);
        UserStateCache.Entry u1 = cache.of("u1");
        List<Long> first = new ArrayList<>();
        for (long h = 1; h < UserStateCache.STORED_SEEN; h++) {
            cache.seen(u1, h);
            first.add(h);
        }
        cache.writeBack();
        cache.seen(u1, 100);
        cache.seen(u1, 101);
        cache.writeBack();

        assertThat(userInState("u1").seenHashes).containsExactly(longs(first));
        assertThat(hashesInState("u1")).containsExactly(100L, 101L);
        assertThat(cache.seenBefore(u1, 1)).isTrue();
        assertThat(cache.seenBefore(u1, 101)).isTrue();

        cache.seen(u1, 102);
        cache.writeBack();
        first.add(102L);
        assertThat(userInState("u1").seenHashes).as("one more fits").containsExactly(longs(first));
        assertThat(hashesInState("u1")).containsExactly(100L, 101L);
    }

    /**
     * A hash in the value counts as seen until its write-back time plus the retention, as Flink's TTL
     * keeps one in the dedup list: then it is not seen, and the next write-back drops it, making room.
     */
    @Test
    void aHashInTheValueExpiresWithTheRetentionAndIsDroppedAtTheNextWriteBack() throws Exception {
        long retention = Duration.ofDays(7).toMillis();
        UserStateCache cache = cache(1_000, 1_000);
        UserStateCache.Entry u1 = cache.of("u1");
        cache.seen(u1, 11);
        cache.writeBack();
        now = 5_000;
        cache.seen(u1, 12);
        cache.writeBack();

        now = 1_000 + retention - 1;
        assertThat(cache.seenBefore(u1, 11)).isTrue();
        now = 1_000 + retention;
        assertThat(cache.seenBefore(u1, 11)).as("expired").isFalse();
        assertThat(cache.seenBefore(u1, 12)).isTrue();
        assertThat(cache.seenBefore(cache(1_000, 1_000).of("u1"), 11)).as("expired, read from state").isFalse();

        cache.seen(u1, 13);
        cache.writeBack();
        assertThat(userInState("u1").seenHashes).containsExactly(12L, 13L);
        assertThat(userInState("u1").seenAt).containsExactly(5_000L, now);
    }

    /** An expired hash makes room: a value full of expired hashes takes the new ones instead of the dedup list. */
    @Test
    void expiredHashesMakeRoomInTheValue() throws Exception {
        UserStateCache cache = cache(1_000, 1_000);
        UserStateCache.Entry u1 = cache.of("u1");
        for (long h = 1; h <= UserStateCache.STORED_SEEN; h++) {
            cache.seen(u1, h);
        }
        cache.writeBack();
        now += Duration.ofDays(7).toMillis();
        cache.seen(u1, 100);
        cache.writeBack();

        assertThat(userInState("u1").seenHashes).containsExactly(100L);
        assertThat(hashesInState("u1")).isEmpty();
    }

    /** Least recently used by access, not by arrival: u1 is used again; u2 is skipped, as a user whose held events are in state. */
    @Test
    void aFullCacheIsWrittenBackAndEvictsItsLeastRecentlyUsedQuarter() throws Exception {
        UserStateCache cache = cache(4, 1_000);
        List<UserStateCache.Entry> users = new ArrayList<>();
        for (String user : List.of("u1", "u2", "u3", "u4")) {
            UserStateCache.Entry e = cache.of(user);
            cache.put(e, limit(user, "lim"));
            users.add(e);
        }
        cache.of("u1");
        users.get(1).heldInState = true;
        assertThat(cache.full()).isTrue();

        cache.writeBack();
        cache.evictLeastRecentlyUsed();

        assertThat(cache.full()).isFalse();
        assertThat(userInState("u3").limits).extracting(l -> l.userId).containsExactly("u3");
        assertThat(cache.of("u1")).as("used again: stays").isSameAs(users.get(0));
        assertThat(cache.of("u2")).as("holds events in state: stays").isSameAs(users.get(1));
        assertThat(cache.of("u4")).isSameAs(users.get(3));
        assertThat(cache.of("u3")).as("read again from state").isNotSameAs(users.get(2));
        assertThat(cache.limit(cache.of("u3"), "lim").userId).isEqualTo("u3");
    }

    /**
     * The second chance is given once: u1, used again, is passed over by the first eviction and moved
     * behind u4; not used since, it goes before u5, which came after it.
     */
    @Test
    void aUserUsedAgainIsPassedOverOnceThenEvictedInItsNewTurn() throws Exception {
        UserStateCache cache = cache(4, 1_000);
        for (String user : List.of("u1", "u2", "u3", "u4")) {
            cache.of(user);
        }
        cache.of("u1");

        assertThat(evictOne(cache)).as("u1 was used again").isEqualTo("u2");
        cache.of("u5");
        assertThat(evictOne(cache)).isEqualTo("u3");
        cache.of("u6");
        assertThat(evictOne(cache)).isEqualTo("u4");
        cache.of("u7");
        assertThat(evictOne(cache)).as("behind u4, before u5").isEqualTo("u1");
    }

    /** When every entry was used again, the first pass only takes the flags; the eviction goes on from the front. */
    @Test
    void whenEveryUserWasUsedAgainTheFirstInTheCacheIsEvicted() throws Exception {
        UserStateCache cache = cache(4, 1_000);
        for (String user : List.of("u1", "u2", "u3", "u4")) {
            cache.of(user);
        }
        for (String user : List.of("u4", "u3", "u2", "u1")) {
            cache.of(user);
        }

        assertThat(evictOne(cache)).isEqualTo("u1");
    }

    private UserStateCache cache(int maxUsers, int maxPendingSeen) {
        return new UserStateCache(userState, null, seenHashes, Duration.ofDays(7).toMillis(), () -> now, maxUsers,
                maxPendingSeen, operator::setCurrentKey);
    }

    /** Writes back and evicts from the full cache of four (a quarter: one user), and returns the user no longer cached. */
    private String evictOne(UserStateCache cache) throws Exception {
        assertThat(cache.full()).isTrue();
        List<String> before = cache.cachedUserIds();
        cache.writeBack();
        cache.evictLeastRecentlyUsed();
        List<String> after = cache.cachedUserIds();
        List<String> gone = new ArrayList<>(before);
        gone.removeAll(after);
        assertThat(gone).hasSize(1);
        return gone.get(0);
    }

    private UserState userInState(String user) throws Exception {
        operator.setCurrentKey(user);
        return userState.value();
    }

    private List<Long> hashesInState(String user) throws Exception {
        operator.setCurrentKey(user);
        List<Long> hashes = new ArrayList<>();
        seenHashes.get().forEach(hashes::add);
        return hashes;
    }

    private static long[] longs(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).toArray();
    }

    private static UserLimit limit(String user, String userLimitId) {
        UserLimit l = new UserLimit();
        l.userId = user;
        l.userLimitId = userLimitId;
        return l;
    }
}
