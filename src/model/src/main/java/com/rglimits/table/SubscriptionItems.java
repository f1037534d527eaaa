package com.rglimits.table;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The subscriptions table, written by the query service's subscription API and read by the job:
 * key {@code subscriber} (the subscriber's name) + {@code entry}. Per subscriber one
 * {@value #SUBSCRIBER_ENTRY} item (its queue) and one item per subscription:
 * {@code user#<userId>} or {@value #ALL_USERS_ENTRY}, with its optional filter as
 * comma-separated names (absent: everything), when it was written, whether it starts with a
 * snapshot, and, once the job has taken it up, since when it is active.
 */
public final class SubscriptionItems {
    public static final String DEFAULT_TABLE = "user-limits-subscriptions";

    public static final String SUBSCRIBER = "subscriber";
    public static final String ENTRY = "entry";
    /** On the subscriber item. */
    public static final String QUEUE_URL = "queueUrl";
    /** On the subscriber item: whether the service created the queue. */
    public static final String QUEUE_CREATED = "queueCreated";
    public static final String CREATED_AT = "createdAt";
    /** On the subscriber item, when it was registered by one: the IAM principal its queue's policy lets poll it. */
    public static final String PRINCIPAL_ARN = "principalArn";
    /** On a subscription item: the user id, or {@value #ALL_USERS}. */
    public static final String USER_ID = "userId";
    public static final String LIMIT_TYPES = "limitTypes";
    public static final String KINDS = "kinds";
    /** On a subscription item: {@value #START_SNAPSHOT} when it asks for the limits' current state first; absent: changes only. */
    public static final String START = "start";
    public static final String START_SNAPSHOT = "snapshot";
    /** On a subscription item: when it was written (epoch ms). A subscription written again is a new one. */
    public static final String SUBSCRIBED_AT = "subscribedAt";
    /**
     * On a subscription item, written by the job: when it took effect (the job's control stream
     * handed it to the feed, and a checkpoint after that completed). Absent: pending.
     */
    public static final String ACTIVE_AT = "activeAt";

    public static final String SUBSCRIBER_ENTRY = "#subscriber";
    public static final String ALL_USERS_ENTRY = "all-users";
    public static final String USER_ENTRY_PREFIX = "user#";
    public static final String ALL_USERS = "*";

    private SubscriptionItems() {}

    /** The entry (sort key) of a subscription to a user, or to all users ({@value #ALL_USERS}). */
    public static String entry(String userId) {
        return userId.equals(ALL_USERS) ? ALL_USERS_ENTRY : USER_ENTRY_PREFIX + userId;
    }

    public static void create(DynamoDbClient client, String tableName) {
        UndeliveredItems.createKeyed(client, tableName, SUBSCRIBER, ENTRY);
    }
}
