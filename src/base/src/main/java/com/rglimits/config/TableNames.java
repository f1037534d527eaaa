package com.rglimits.config;

import com.rglimits.table.SubscriptionItems;
import com.rglimits.table.UndeliveredItems;

/** The settings that name the tables, the same for the job, the tools and the query service. */
public final class TableNames {
    /** The limits table. */
    public static final String TABLE_NAME = "table.name";
    public static final String DEFAULT_TABLE = "user-limits";
    /** The subscriptions table: the query service's subscription API writes it, the job's feed reads it. */
    public static final String SUBSCRIBERS_TABLE = "subscribers.table";
    /** The query service's former name of {@link #SUBSCRIBERS_TABLE}, read until the next release. */
    public static final String DEPRECATED_SUBSCRIPTIONS_TABLE = "subscriptions.table";
    public static final String DEFAULT_SUBSCRIBERS_TABLE = SubscriptionItems.DEFAULT_TABLE;
    /** The subscriber messages that could not be delivered: the job writes it, the replay tool empties it. */
    public static final String UNDELIVERED_TABLE = "subscribers.undelivered-table";
    public static final String DEFAULT_UNDELIVERED_TABLE = UndeliveredItems.DEFAULT_TABLE;

    private TableNames() {}
}
