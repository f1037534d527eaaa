package com.rglimits.subscribe;

import com.rglimits.limit.UserLimit;
import com.rglimits.metrics.ExportedMetrics;
import java.math.BigDecimal;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by user, downstream of the limits: turns each applied limit version into its messages
 * ({@link LimitMessages}) and one {@link Delivery} per subscriber that matches. The subscriptions
 * are broadcast state (the newest snapshot of the control stream); the progress each limit had
 * before, which threshold crossings need, is keyed state.
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
    private static final String CURRENT = "current";
    static final String METRIC_DELIVERIES = "subscriberDeliveries";

    private final SubscriptionSnapshot initial;
    private final Thresholds thresholds;

    /**
     * Per limit of the user: its progress in the last version seen. No TTL: one decimal per limit,
     * bounded like the limits the processor keeps for ever.
     */
    private transient MapState<String, BigDecimal> progress;
    private transient SubscriptionSnapshot indexed;
    private transient SubscriptionIndex index;
    private transient Counter deliveries;

    public SubscriberFeed(SubscriptionSnapshot initial, Thresholds thresholds) {
        this.initial = initial;
        this.thresholds = thresholds;
    }

    @Override
    public void open(OpenContext openContext) {
        progress = getRuntimeContext().getMapState(new MapStateDescriptor<>("limit-progress", Types.STRING, Types.BIG_DEC));
        deliveries = getRuntimeContext().getMetricGroup().counter(METRIC_DELIVERIES);
        ExportedMetrics.group(getRuntimeContext().getMetricGroup()).counter(METRIC_DELIVERIES, deliveries);
    }

    @Override
    public void processElement(UserLimit limit, ReadOnlyContext ctx, Collector<Delivery> out) throws Exception {
        SubscriptionSnapshot current = newest(ctx.getBroadcastState(SUBSCRIPTIONS).get(CURRENT), initial);
        if (current != indexed) {
            index = new SubscriptionIndex(current);
            indexed = current;
        }
        BigDecimal previous = progress.get(limit.userLimitId);
        progress.put(limit.userLimitId, limit.progress);
        if (!index.hasSubscriptionsFor(limit.userId)) {
            return;
        }
        List<Delivery> matched = index.deliveries(LimitMessages.of(limit, previous, thresholds));
        deliveries.inc(matched.size());
        matched.forEach(out::collect);
    }

    @Override
    public void processBroadcastElement(SubscriptionSnapshot snapshot, Context ctx, Collector<Delivery> out) throws Exception {
        BroadcastState<String, SubscriptionSnapshot> state = ctx.getBroadcastState(SUBSCRIPTIONS);
        if (newest(state.get(CURRENT), snapshot) == snapshot) {
            state.put(CURRENT, snapshot);
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
