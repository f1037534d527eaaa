package com.rglimits.sink;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The merge window as a function of how far behind the records' event time is. */
class MergeWindowTest {
    private static final long WINDOW = 200;
    private static final long MAX_WINDOW = 60_000;
    private static final long LIVE_LAG = 6_000;
    private static final long NOW = 1_800_000_000_000L;

    @Test
    void liveRecordsKeepTheShortWindow() {
        MergeWindow w = new MergeWindow(WINDOW, MAX_WINDOW, LIVE_LAG);
        assertThat(w.currentMs()).as("before any record").isEqualTo(WINDOW);
        assertThat(w.isLive()).isTrue();

        w.observe(NOW - 5_000, NOW);
        assertThat(w.currentMs()).isEqualTo(WINDOW);
        assertThat(w.isLive()).isTrue();
        w.observe(NOW + 1_000 - LIVE_LAG, NOW + 1_000);
        assertThat(w.currentMs()).as("exactly the live lag").isEqualTo(WINDOW);
        w.observe(NOW + 2_000 - LIVE_LAG - WINDOW, NOW + 2_000);
        assertThat(w.currentMs()).as("behind live by the window itself").isEqualTo(WINDOW);
        assertThat(w.isLive()).isTrue();
    }

    @Test
    void behindLiveTheWindowIsATenthOfTheLagBeyondLiveUpToTheMaximum() {
        MergeWindow w = new MergeWindow(WINDOW, MAX_WINDOW, LIVE_LAG);

        w.observe(NOW - LIVE_LAG - 25_000, NOW);
        assertThat(w.currentMs()).isEqualTo(2_500);
        assertThat(w.isLive()).isFalse();
        w.observe(NOW - LIVE_LAG - 590_000, NOW);
        assertThat(w.currentMs()).as("the newest event time counts, not this record's").isEqualTo(2_500);
        // 20 s later event time has advanced by 1 s only.
        w.observe(NOW - LIVE_LAG - 24_000, NOW + 20_000);
        assertThat(w.currentMs()).as("falling further behind").isEqualTo(4_400);

        MergeWindow tenMinutes = new MergeWindow(WINDOW, MAX_WINDOW, LIVE_LAG);
        tenMinutes.observe(NOW - LIVE_LAG - 600_000, NOW);
        assertThat(tenMinutes.currentMs()).isEqualTo(MAX_WINDOW);
        tenMinutes.observe(NOW - LIVE_LAG - 500_000, NOW);
        assertThat(tenMinutes.currentMs()).isEqualTo(50_000);

        MergeWindow replay = new MergeWindow(WINDOW, MAX_WINDOW, LIVE_LAG);
        replay.observe(NOW - 86_400_000L, NOW);
        assertThat(replay.currentMs()).as("a day behind").isEqualTo(MAX_WINDOW);
    }

    @Test
    void aHiccupOfAFewSecondsKeepsTheShortWindow() {
        MergeWindow w = new MergeWindow(WINDOW, MAX_WINDOW, LIVE_LAG);
        w.observe(NOW - LIVE_LAG - 2_000, NOW);
        assertThat(w.currentMs()).isEqualTo(WINDOW);
        assertThat(w.isLive()).as("the lag would not lengthen the window").isTrue();
        w.observe(NOW - LIVE_LAG - 5_000, NOW + 10);
        assertThat(w.isLive()).as("10 ms later it would, by a millisecond").isFalse();
    }

    @Test
    void catchingUpShrinksTheWindowBackToTheShortOne() {
        MergeWindow w = new MergeWindow(WINDOW, MAX_WINDOW, LIVE_LAG);
        w.observe(NOW - 3_600_000L, NOW);
        assertThat(w.currentMs()).isEqualTo(MAX_WINDOW);

        // The backlog drains: event time gains on the wall clock.
        w.observe(NOW + 10_000 - LIVE_LAG - 200_000, NOW + 10_000);
        assertThat(w.currentMs()).isEqualTo(20_000);
        assertThat(w.isLive()).isFalse();
        w.observe(NOW + 20_000 - 5_500, NOW + 20_000);
        assertThat(w.currentMs()).isEqualTo(WINDOW);
        assertThat(w.isLive()).isTrue();
    }

    @Test
    void aMaximumAtOrBelowTheWindowTurnsLagFollowingOff() {
        MergeWindow off = new MergeWindow(WINDOW, 0, LIVE_LAG);
        off.observe(NOW - 3_600_000L, NOW);
        assertThat(off.currentMs()).isEqualTo(WINDOW);
        assertThat(off.isLive()).as("behind, whatever the window").isFalse();

        MergeWindow none = new MergeWindow(0, 0, LIVE_LAG);
        none.observe(NOW - 3_600_000L, NOW);
        assertThat(none.currentMs()).isZero();
    }

    @Test
    void eventTimeAheadOfTheWallClockKeepsTheShortWindow() {
        MergeWindow w = new MergeWindow(WINDOW, MAX_WINDOW, LIVE_LAG);
        w.observe(NOW + 30_000, NOW);
        assertThat(w.currentMs()).isEqualTo(WINDOW);
    }
}
