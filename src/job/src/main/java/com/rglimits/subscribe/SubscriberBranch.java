package com.rglimits.subscribe;

import com.rglimits.limit.UserLimit;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.KeyedStream;

/**
 * The subscribers' feed, attached downstream of the applied limits:
 *
 * <pre>
 * limits (keyed by user) --------------------+-> subscriber feed -> SQS FIFO sink (one queue per subscriber)
 * subscriptions table -> control stream -> broadcast
 * </pre>
 */
public final class SubscriberBranch {
    public static final String CONTROL_SOURCE_UID = "subscriptions-source";
    public static final String FEED_UID = "subscriber-feed";
    public static final String SINK_UID = "subscriber-sink";

    private SubscriberBranch() {}

    /**
     * @param limits the processor's output, partitioned by user id as its keyed input was: it is
     *     reinterpreted as keyed, without a shuffle, and must keep the processor's parallelism
     * @param connectors the subscriptions it reads and the sink it delivers to
     */
    public static DataStream<Delivery> attach(DataStream<UserLimit> limits, SubscriberConnectors connectors,
            Thresholds thresholds) {
        BroadcastStream<SubscriptionSnapshot> subscriptions = limits.getExecutionEnvironment()
                .fromSource(connectors.subscriptions, WatermarkStrategy.noWatermarks(), "Read subscriptions",
                        SubscriberFeed.SNAPSHOT_TYPE)
                .uid(CONTROL_SOURCE_UID)
                .setParallelism(1)
                .broadcast(SubscriberFeed.SUBSCRIPTIONS, SubscriberFeed.SNAPSHOTS_TAKEN);
        KeyedStream<UserLimit, String> byUser = DataStreamUtils.reinterpretAsKeyedStream(limits, l -> l.userId, Types.STRING);
        DataStream<Delivery> deliveries = byUser.connect(subscriptions)
                .process(new SubscriberFeed(connectors.initialSubscriptions, thresholds), SubscriberFeed.DELIVERY_TYPE)
                .uid(FEED_UID)
                .name("Subscriber feed: messages per subscriber")
                .setParallelism(limits.getParallelism());
        deliveries.sinkTo(connectors.deliveries)
                .uid(SINK_UID)
                .name("Deliver to subscriber queues")
                .setParallelism(limits.getParallelism());
        return deliveries;
    }
}
