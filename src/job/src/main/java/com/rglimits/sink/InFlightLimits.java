package com.rglimits.sink;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Per limit, the versions handed to requests and not yet finished, so that the sink never sends an
 * older version after a newer one of the same limit, and sends only the newest of those waiting:
 * a version is sent after the previous write of its limit has finished (written, rejected,
 * failed), and not at all if a newer version arrived meanwhile. A version put back into the
 * writer's buffer for a retry is remembered (by identity) until it comes back, so that it is
 * dropped then if a newer one was taken in the meantime.
 *
 * <p>Memory: one entry per limit with a write in flight or a retry pending, which the writer's
 * requests in flight and buffer bound.
 */
final class InFlightLimits {
    private final Map<LimitPutCoalescer.Key, Entry> byKey = new HashMap<>();

    private static final class Entry {
        long newest;
        int writes;
        CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);
        final List<LimitPut> requeued = new ArrayList<>(1);
    }

    /**
     * Writes {@code put} with {@code send} once the previous write of its limit has finished.
     * {@code send} must return a future that completes normally once the outcome is handled.
     * {@code superseded} runs instead when a newer version makes this one unnecessary.
     *
     * @return completes when this version is finished (sent and handled, or superseded)
     */
    CompletableFuture<Void> write(LimitPut put, Function<LimitPut, CompletableFuture<Void>> send, Runnable superseded) {
        LimitPutCoalescer.Key key = LimitPutCoalescer.Key.of(put);
        synchronized (this) {
            Entry e = byKey.get(key);
            if (e == null) {
                e = new Entry();
                byKey.put(key, e);
            } else {
                boolean returning = removeIdentical(e.requeued, put);
                // A returning retry of the newest version is sent again; anything else must be newer.
                if (returning ? put.sequenceNumber() < e.newest : put.sequenceNumber() <= e.newest) {
                    removeIfIdle(key, e);
                    superseded.run();
                    return CompletableFuture.completedFuture(null);
                }
            }
            e.newest = put.sequenceNumber();
            e.writes++;
            CompletableFuture<Void> done = e.tail
                    .thenCompose(ignored -> {
                        if (isNewest(key, put)) {
                            return send.apply(put);
                        }
                        superseded.run();
                        return CompletableFuture.<Void>completedFuture(null);
                    })
                    .whenComplete((ignored, error) -> finished(key));
            e.tail = done;
            return done;
        }
    }

    /**
     * A write of {@code put} failed transiently: true if it must be retried (and is then
     * remembered until it comes back), false if a newer version of its limit is on its way.
     */
    synchronized boolean requeue(LimitPut put) {
        Entry e = byKey.get(LimitPutCoalescer.Key.of(put));
        if (e == null || e.newest > put.sequenceNumber()) {
            return false;
        }
        e.requeued.add(put);
        return true;
    }

    /** Limits with a write in flight or a retry pending. */
    synchronized int size() {
        return byKey.size();
    }

    private synchronized boolean isNewest(LimitPutCoalescer.Key key, LimitPut put) {
        Entry e = byKey.get(key);
        return e != null && e.newest == put.sequenceNumber();
    }

    private synchronized void finished(LimitPutCoalescer.Key key) {
        Entry e = byKey.get(key);
        if (e != null) {
            e.writes--;
            removeIfIdle(key, e);
        }
    }

    private void removeIfIdle(LimitPutCoalescer.Key key, Entry e) {
        if (e.writes == 0 && e.requeued.isEmpty()) {
            byKey.remove(key);
        }
    }

    private static boolean removeIdentical(List<LimitPut> list, LimitPut put) {
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i) == put) {
                list.remove(i);
                return true;
            }
        }
        return false;
    }
}
