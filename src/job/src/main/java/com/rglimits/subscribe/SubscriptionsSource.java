package com.rglimits.subscribe;

import com.rglimits.aws.AwsSettings;
import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.annotation.Nullable;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.metrics.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control stream: the subscriptions table as a stream of {@link SubscriptionSnapshot}s. Its
 * reader scans the table when it starts (so a job started from nothing or from a savepoint learns
 * every current subscription) and again every {@code pollMs}, and emits a snapshot whenever the
 * subscriptions differ from the last one it emitted. Whole snapshots, not changes: a subscription
 * deleted while the job was down is simply absent from the first one. Nothing needs checkpointing,
 * so there are no splits; run it with parallelism 1 (one reader scans).
 *
 * <p>It also marks in the table when each subscription took effect ({@code activeAt}): the time it
 * first emitted a snapshot holding it, written once a checkpoint taken after that emission
 * completed. Then every feed subtask has it, and a snapshot the subscription asked for is taken and
 * checkpointed; so {@code activeAt} never shows a subscription that a restore could take back.
 *
 * <p>Bounded (for bounded jobs: local runs over a file, tests): one snapshot, then the end; nothing
 * is marked active.
 */
public class SubscriptionsSource implements Source<SubscriptionSnapshot, SubscriptionsSource.NoSplit, Void> {
    private static final long serialVersionUID = 1L;

    private final AwsSettings aws;
    private final String table;
    private final long pollMs;
    private final boolean bounded;

    public SubscriptionsSource(AwsSettings aws, String table, long pollMs, boolean bounded) {
        this.aws = aws;
        this.table = table;
        this.pollMs = pollMs;
        this.bounded = bounded;
    }

    @Override
    public Boundedness getBoundedness() {
        return bounded ? Boundedness.BOUNDED : Boundedness.CONTINUOUS_UNBOUNDED;
    }

    @Override
    public SourceReader<SubscriptionSnapshot, NoSplit> createReader(SourceReaderContext context) {
        return new Reader(new SubscriptionTableReader(aws, table), pollMs, bounded,
                context.metricGroup().counter("subscriptionScanFailures"));
    }

    @Override
    public SplitEnumerator<NoSplit, Void> createEnumerator(SplitEnumeratorContext<NoSplit> context) {
        return new NoSplits();
    }

    @Override
    public SplitEnumerator<NoSplit, Void> restoreEnumerator(SplitEnumeratorContext<NoSplit> context, Void checkpoint) {
        return new NoSplits();
    }

    @Override
    public SimpleVersionedSerializer<NoSplit> getSplitSerializer() {
        return new NothingSerializer<>();
    }

    @Override
    public SimpleVersionedSerializer<Void> getEnumeratorCheckpointSerializer() {
        return new NothingSerializer<>();
    }

    /** Never created: the reader needs no assignment. */
    public static final class NoSplit implements SourceSplit {
        @Override
        public String splitId() {
            return "subscriptions";
        }
    }

    private static final class NothingSerializer<T> implements SimpleVersionedSerializer<T> {
        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(T obj) {
            return new byte[0];
        }

        @Override
        public T deserialize(int version, byte[] serialized) {
            return null;
        }
    }

    private static final class NoSplits implements SplitEnumerator<NoSplit, Void> {
        @Override
        public void start() {}

        @Override
        public void handleSplitRequest(int subtaskId, @Nullable String requesterHostname) {}

        @Override
        public void addSplitsBack(List<NoSplit> splits, int subtaskId) {}

        @Override
        public void addReader(int subtaskId) {}

        @Override
        public Void snapshotState(long checkpointId) {
            return null;
        }

        @Override
        public void close() {}
    }

    private static final class Reader implements SourceReader<SubscriptionSnapshot, NoSplit> {
        private static final Logger LOG = LoggerFactory.getLogger(Reader.class);

        private final SubscriptionTableReader tableReader;
        private final long pollMs;
        private final boolean bounded;
        private final Counter scanFailures;
        private final ScheduledExecutorService scanner = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "subscriptions-scanner");
            t.setDaemon(true);
            return t;
        });
        /** Guarded by this: the snapshot to emit next, the last one scanned, and the availability future. */
        private SubscriptionSnapshot pending;
        private SubscriptionSnapshot lastScanned;
        private CompletableFuture<Void> available = new CompletableFuture<>();
        private boolean emitted;
        /** Guarded by this. Of the last scan: every subscription by id, and the ids not yet marked active. */
        private Map<String, Subscription> scanned = Map.of();
        private Set<String> notYetActive = Set.of();
        /** Guarded by this: when each subscription of the last scan was first emitted. */
        private final Map<String, Long> emittedAt = new HashMap<>();
        /** Guarded by this: what had been emitted when each checkpoint was taken, until it completes. */
        private final TreeMap<Long, Map<String, Long>> emittedByCheckpoint = new TreeMap<>();
        /** Guarded by this: emitted before a completed checkpoint, to be marked active. */
        private final Map<String, Long> toMark = new HashMap<>();

        Reader(SubscriptionTableReader tableReader, long pollMs, boolean bounded, Counter scanFailures) {
            this.tableReader = tableReader;
            this.pollMs = pollMs;
            this.bounded = bounded;
            this.scanFailures = scanFailures;
        }

        @Override
        public void start() {
            scanner.scheduleWithFixedDelay(this::scan, 0, pollMs, TimeUnit.MILLISECONDS);
        }

        private void scan() {
            SubscriptionSnapshot snapshot;
            Set<String> pendingIds = new HashSet<>();
            try {
                snapshot = tableReader.read(pendingIds);
            } catch (RuntimeException e) {
                // The job keeps the subscriptions it knows; the next poll tries again.
                scanFailures.inc();
                LOG.warn("could not read the subscriptions table, retrying in {} ms: {}", pollMs, e.toString());
                return;
            }
            synchronized (this) {
                Map<String, Subscription> byId = new HashMap<>();
                for (Subscription sub : snapshot.subscriptions) {
                    byId.put(sub.id(), sub);
                }
                scanned = byId;
                notYetActive = pendingIds;
                emittedAt.keySet().retainAll(byId.keySet());
                if (bounded && lastScanned != null || snapshot.sameSubscriptions(lastScanned)) {
                    return;
                }
                lastScanned = snapshot;
                pending = snapshot;
                available.complete(null);
            }
        }

        @Override
        public synchronized InputStatus pollNext(ReaderOutput<SubscriptionSnapshot> output) {
            if (pending != null) {
                output.collect(pending);
                long now = System.currentTimeMillis();
                for (Subscription sub : pending.subscriptions) {
                    emittedAt.putIfAbsent(sub.id(), now);
                }
                pending = null;
                emitted = true;
            }
            if (bounded && emitted) {
                return InputStatus.END_OF_INPUT;
            }
            if (available.isDone()) {
                available = new CompletableFuture<>();
            }
            return InputStatus.NOTHING_AVAILABLE;
        }

        @Override
        public synchronized CompletableFuture<Void> isAvailable() {
            return pending != null ? CompletableFuture.completedFuture(null) : available;
        }

        @Override
        public synchronized List<NoSplit> snapshotState(long checkpointId) {
            if (!bounded) {
                emittedByCheckpoint.put(checkpointId, new HashMap<>(emittedAt));
            }
            return List.of();
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            synchronized (this) {
                Map<Long, Map<String, Long>> completed = emittedByCheckpoint.headMap(checkpointId, true);
                completed.values().forEach(toMark::putAll);
                completed.clear();
                if (toMark.isEmpty()) {
                    return;
                }
            }
            scanner.execute(this::markActive);
        }

        /** On the scanner's thread: marks what a completed checkpoint holds; a failure is retried after the next one. */
        private void markActive() {
            Map<Subscription, Long> marks = new HashMap<>();
            synchronized (this) {
                toMark.keySet().retainAll(notYetActive);
                toMark.forEach((id, at) -> {
                    Subscription sub = scanned.get(id);
                    if (sub != null) {
                        marks.put(sub, at);
                    }
                });
            }
            for (Map.Entry<Subscription, Long> mark : marks.entrySet()) {
                try {
                    tableReader.markActive(mark.getKey(), mark.getValue());
                } catch (RuntimeException e) {
                    LOG.warn("could not mark subscription {} active, retrying after the next checkpoint: {}",
                            mark.getKey(), e.toString());
                    continue;
                }
                synchronized (this) {
                    toMark.remove(mark.getKey().id());
                    notYetActive.remove(mark.getKey().id());
                }
            }
        }

        @Override
        public void addSplits(List<NoSplit> splits) {}

        @Override
        public void notifyNoMoreSplits() {}

        @Override
        public void close() throws IOException {
            scanner.shutdownNow();
            tableReader.close();
        }
    }
}
