package com.rglimits.subscribe;

import com.rglimits.aws.AwsSettings;
import com.rglimits.config.JobConfig;
import java.util.Objects;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;

/**
 * What the subscribers' feed reads and writes, built by the job's caller and given to the graph
 * like the job's other sources and sinks: the subscriptions (a stream of snapshots, and the
 * snapshot the feed starts with) and the sink of the deliveries.
 */
public final class SubscriberConnectors {
    final Source<SubscriptionSnapshot, ?, ?> subscriptions;
    final SubscriptionSnapshot initialSubscriptions;
    final Sink<Delivery> deliveries;

    /**
     * @param subscriptions must end when the job's input does (one snapshot is enough for a file)
     * @param initialSubscriptions the feed's subscriptions until the stream's first snapshot reaches it
     */
    public SubscriberConnectors(Source<SubscriptionSnapshot, ?, ?> subscriptions, SubscriptionSnapshot initialSubscriptions,
            Sink<Delivery> deliveries) {
        this.subscriptions = Objects.requireNonNull(subscriptions, "subscriptions");
        this.initialSubscriptions = Objects.requireNonNull(initialSubscriptions, "initialSubscriptions");
        this.deliveries = Objects.requireNonNull(deliveries, "deliveries");
    }

    /**
     * The job's: the subscriptions table (scanned now, so that even the job's first changes see
     * every subscription, then polled every {@code subscribers.poll}) and the SQS FIFO sink.
     *
     * @param bounded the job's input ends: the subscriptions then end after one snapshot
     * @return null when {@code subscribers.table} is not set: the feed is off
     */
    public static SubscriberConnectors fromConfig(JobConfig config, boolean bounded) {
        if (config.subscriptionsTable() == null) {
            return null;
        }
        AwsSettings aws = AwsSettings.of(config.awsProperties());
        SubscriptionSnapshot initial;
        try (SubscriptionTableReader reader = new SubscriptionTableReader(aws, config.subscriptionsTable())) {
            initial = reader.read();
        }
        return new SubscriberConnectors(
                new SubscriptionsSource(aws, config.subscriptionsTable(), config.subscriptionsPollMs(), bounded),
                initial, SqsFifoSink.fromConfig(config));
    }
}
