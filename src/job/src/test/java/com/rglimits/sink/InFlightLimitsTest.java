package com.rglimits.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Which versions of a limit are sent, and when, with the writes' completions driven by hand. */
class InFlightLimitsTest {
    private final InFlightLimits inFlight = new InFlightLimits();
    /** Sent versions, in sending order, with the future that finishes each write. */
    private final Map<LimitPut, CompletableFuture<Void>> sent = new LinkedHashMap<>();
    private final List<LimitPut> superseded = new ArrayList<>();

    private static LimitPut put(String user, String limit, long seq) {
        return new LimitPutConverter().apply(TestLimits.version(user, limit, seq), null);
    }

    private CompletableFuture<Void> write(LimitPut put) {
        return inFlight.write(put, p -> {
            CompletableFuture<Void> f = new CompletableFuture<>();
            sent.put(p, f);
            return f;
        }, () -> superseded.add(put));
    }

    private void finish(LimitPut put) {
        sent.get(put).complete(null);
    }

    @Test
    void aNewerVersionIsSentOnlyAfterTheOlderWriteFinished() {
        LimitPut v1 = put("u1", "l1", 1);
        LimitPut v2 = put("u1", "l1", 2);
        LimitPut other = put("u2", "l1", 1);

        CompletableFuture<Void> w1 = write(v1);
        CompletableFuture<Void> w2 = write(v2);
        write(other);

        assertThat(sent.keySet()).as("another limit is not held back").containsExactly(v1, other);
        finish(v1);
        assertThat(w1).isDone();
        assertThat(sent.keySet()).containsExactly(v1, other, v2);
        assertThat(w2).isNotDone();
        finish(v2);
        finish(other);
        assertThat(w2).isDone();
        assertThat(superseded).isEmpty();
        assertThat(inFlight.size()).as("nothing in flight is remembered").isZero();
    }

    @Test
    void ofTheVersionsWaitingForAnInFlightWriteOnlyTheNewestIsSent() {
        LimitPut v1 = put("u1", "l1", 1);
        LimitPut v2 = put("u1", "l1", 2);
        LimitPut v3 = put("u1", "l1", 3);
        write(v1);
        CompletableFuture<Void> w2 = write(v2);
        write(v3);

        finish(v1);

        assertThat(w2).as("superseded counts as finished").isDone();
        assertThat(superseded).containsExactly(v2);
        assertThat(sent.keySet()).containsExactly(v1, v3);
    }

    @Test
    void anOlderOrEqualVersionArrivingAfterANewerOneIsNeverSent() {
        LimitPut v5 = put("u1", "l1", 5);
        write(v5);

        write(put("u1", "l1", 3));
        write(put("u1", "l1", 5));

        assertThat(superseded).containsExactly(put("u1", "l1", 3), put("u1", "l1", 5));
        assertThat(sent.keySet()).containsExactly(v5);
    }

    @Test
    void aRetriedVersionIsSentAgainWhenItComesBackUnlessANewerOneWasTakenMeanwhile() {
        LimitPut v1 = put("u1", "l1", 1);
        write(v1);
        assertThat(inFlight.requeue(v1)).as("the newest version of its limit: retry it").isTrue();
        finish(v1);
        sent.clear();

        write(v1); // back from the writer's buffer
        assertThat(sent.keySet()).containsExactly(v1);
        finish(v1);

        LimitPut v2 = put("u1", "l1", 2);
        LimitPut v3 = put("u1", "l1", 3);
        write(v2);
        assertThat(inFlight.requeue(v2)).isTrue();
        finish(v2);
        write(v3); // taken while v2 waits in the buffer for its retry
        write(v2); // v2 comes back: v3 is newer
        assertThat(superseded).containsExactly(v2);
        finish(v3);
        assertThat(inFlight.size()).isZero();

        LimitPut v4 = put("u1", "l1", 4);
        LimitPut v5 = put("u1", "l1", 5);
        write(v4);
        write(v5); // waits for v4
        assertThat(inFlight.requeue(v4)).as("v5 is on its way: no retry of v4").isFalse();
        finish(v4);
        assertThat(sent.keySet()).endsWith(v4, v5);
    }
}
