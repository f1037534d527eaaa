package com.rglimits.subscribe;

import com.rglimits.limit.UserLimit;
import com.rglimits.metrics.ExportedMetrics;
import com.rglimits.job.Descriptors;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by user, downstream of the limits: turns each applied limit version into its messages
 * ({@link LimitMessages}) and one {@link Delivery} per subscriber that matches. The subscriptions
 * are broadcast state (the newest snapshot of the control stream); each limit's latest version,
 * whose progress threshold crossings need and which a snapshot sends, is keyed state.
 *
 * <p>A subscription that asks for a snapshot selects no change until its snapshot is taken: when the
 * control stream first brings it, every subtask sends a {@code LIMIT_SNAPSHOT} of each limit it
 * selects among its users (Flink's iteration over all keys of the keyed state), and records the
 * subscription in broadcast state as taken. So each user's snapshot comes before the changes after
 * it, and a checkpoint holds both the record and the sends, which makes it once across restores.
 *
 * <p>Which subscriptions apply: a limit version is matched against the newest snapshot this
 * subtask has when the version reaches it. A job starts with the snapshot read when it was built
 * (at submission), or the restored one if that is newer, so even its first changes see every
 * subscription of the table; the control stream then brings each change within its poll interval.
 */
public class SubscriberFeed extends KeyedBroadcastProcessFunction<String, UserLimit, SubscriptionSnapshot, Delivery> {
    private static final long serialVersionUID = 1L;

    public static final TypeInformation<SubscriptionSnapshot> SNAPSHOT_TYPE = TypeInformation.of(SubscriptionSnapshot.class);
    public static final TypeInformation<Delivery> DELIVERY_TYPE = TypeInformation.of(Delivery.class);
    public static final MapStateDescriptor<String, SubscriptionSnapshot> SUBSCRIPTIONS =
            new MapStateDescriptor<>("subscriptions", Types.STRING, SNAPSHOT_TYPE);
    /** Subscriptions ({@link Subscription#id}) whose snapshot was taken, with the read time of the control snapshot that brought them. */
    public static final MapStateDescriptor<String, Long> SNAPSHOTS_TAKEN =
            new MapStateDescriptor<>("snapshots-taken", Types.STRING, Types.LONG);
    /** Per limit of the user: its latest version. No TTL: bounded like the limits the processor keeps for ever. */
    static final MapStateDescriptor<String, UserLimit> LATEST =
            new MapStateDescriptor<>("limit-latest", Types.STRING, Descriptors.USER_LIMIT_TYPE);
    private static final String CURRENT = "current";
    static final String METRIC_DELIVERIES = "subscriberDeliveries";
    static final String METRIC_SNAPSHOTS = "subscriberSnapshotMessages";

    private final SubscriptionSnapshot initial;
    private final Thresholds thresholds;

    private transient MapState<String, UserLimit> latest;
    /** Before {@link #LATEST}: the progress of each limit; read for a limit not yet in {@link #LATEST}, then dropped. */
    private transient MapState<String, BigDecimal> legacyProgress;
    private transient SubscriptionSnapshot indexed;
    private transient SubscriptionIndex index;
    private transient Counter deliveries;
    private transient Counter snapshotMessages;

    public SubscriberFeed(SubscriptionSnapshot initial, Thresholds thresholds) {
        this.initial = initial;
        this.thresholds = thresholds;
    }

    @Override
    public void open(OpenContext openContext) {
        latest = getRuntimeContext().getMapState(LATEST);
        legacyProgress = getRuntimeContext().getMapState(new MapStateDescriptor<>("limit-progress", Types.STRING, Types.BIG_DEC));
        deliveries = getRuntimeContext().getMetricGroup().counter(METRIC_DELIVERIES);
        ExportedMetrics.group(getRuntimeContext().getMetricGroup()).counter(METRIC_DELIVERIES, deliveries);
        snapshotMessages = getRuntimeContext().getMetricGroup().counter(METRIC_SNAPSHOTS);
        ExportedMetrics.group(getRuntimeContext().getMetricGroup()).counter(METRIC_SNAPSHOTS, snapshotMessages);
    }

    @Override
    public void processElement(UserLimit limit, ReadOnlyContext ctx, Collector<Delivery> out) throws Exception {
        SubscriptionSnapshot current = newest(ctx.getBroadcastState(SUBSCRIPTIONS).get(CURRENT), initial);
        if (current != indexed) {
            ReadOnlyBroadcastState<String, Long> taken = ctx.getBroadcastState(SNAPSHOTS_TAKEN);
            index = new SubscriptionIndex(current, s -> !s.wantsSnapshot() || contains(taken, s.id()));
            indexed = current;
        }
        UserLimit before = latest.get(limit.userLimitId);
        BigDecimal previous = before == null ? legacyProgress(limit.userLimitId) : before.progress;
        latest.put(limit.userLimitId, limit);
        if (!index.hasSubscriptionsFor(limit.userId)) {
            return;
        }
        List<Delivery> matched = index.deliveries(LimitMessages.of(limit, previous, thresholds));
        deliveries.inc(matched.size());
        matched.forEach(out::collect);
    }

    private BigDecimal legacyProgress(String userLimitId) throws Exception {
        BigDecimal progress = legacyProgress.get(userLimitId);
        if (progress != null) {
            legacyProgress.remove(userLimitId);
        }
        return progress;
    }

    @Override
    public void processBroadcastElement(SubscriptionSnapshot snapshot, Context ctx, Collector<Delivery> out) throws Exception {
        BroadcastState<String, SubscriptionSnapshot> state = ctx.getBroadcastState(SUBSCRIPTIONS);
        if (newest(state.get(CURRENT), snapshot) != snapshot) {
            return;
        }
        state.put(CURRENT, snapshot);
        indexed = null;
        BroadcastState<String, Long> taken = ctx.getBroadcastState(SNAPSHOTS_TAKEN);
        List<Subscription> due = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (Subscription s : snapshot.subscriptions) {
            ids.add(s.id());
            if (s.wantsSnapshot() && !taken.contains(s.id())) {
                due.add(s);
            }
        }
        if (!due.isEmpty()) {
            ctx.applyToKeyedState(LATEST, (userId, limits) -> sendSnapshots(userId, limits, due, out));
            for (Subscription s : due) {
                taken.put(s.id(), snapshot.readAt);
            }
        }
        // Unsubscribed (or written again, a new id): its record is no longer needed.
        List<String> gone = new ArrayList<>();
        for (Map.Entry<String, Long> e : taken.entries()) {
            if (!ids.contains(e.getKey())) {
                gone.add(e.getKey());
            }
        }
        for (String id : gone) {
            taken.remove(id);
        }
    }

    /**
     * One user's snapshot messages for the subscriptions due: per subscription, its limits in id
     * order; a subscriber whose subscriptions to the user and to all users are both due gets each
     * limit once, as its changes.
     */
    private void sendSnapshots(String userId, MapState<String, UserLimit> limits, List<Subscription> due,
            Collector<Delivery> out) throws Exception {
        List<UserLimit> sorted = new ArrayList<>();
        limits.values().forEach(sorted::add);
        sorted.sort(Comparator.comparing((UserLimit l) -> l.userLimitId));
        Set<String> sent = new HashSet<>();
        for (Subscription s : due) {
            for (UserLimit l : sorted) {
                if (s.selects(userId, l.type.name()) && sent.add(s.subscriber + "|" + l.userLimitId)) {
                    out.collect(Delivery.of(s, LimitMessages.snapshot(l, s.id())));
                    snapshotMessages.inc();
                    deliveries.inc();
                }
            }
        }
    }

    private static boolean contains(ReadOnlyBroadcastState<String, Long> state, String key) {
        try {
            return state.contains(key);
        } catch (Exception e) {
            throw new IllegalStateException("broadcast state is on the heap and cannot fail", e);
        }
    }

    /** The later read of the two (the second on a tie); either may be null. */
    static SubscriptionSnapshot newest(SubscriptionSnapshot a, SubscriptionSnapshot b) {
        if (a == null) {
            return b;
        }
        return b == null || a.readAt > b.readAt ? a : b;
    }
}
