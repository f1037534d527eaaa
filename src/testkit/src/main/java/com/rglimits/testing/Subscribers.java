package com.rglimits.testing;

import com.rglimits.limit.UserLimit;
import com.rglimits.subscribe.Delivery;
import com.rglimits.subscribe.FeedMessage;
import com.rglimits.subscribe.LimitMessages;
import com.rglimits.subscribe.MessageKind;
import com.rglimits.subscribe.Thresholds;
import com.rglimits.table.SubscriptionItems;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/** Subscriptions written straight into the table, the in-order model of the feed, and a queue read to the end. */
public final class Subscribers {
    private Subscribers() {}

    public static void subscriber(DynamoDbClient dynamo, String table, String name, String queueUrl) {
        dynamo.putItem(b -> b.tableName(table).item(Map.of(
                SubscriptionItems.SUBSCRIBER, s(name),
                SubscriptionItems.ENTRY, s(SubscriptionItems.SUBSCRIBER_ENTRY),
                SubscriptionItems.QUEUE_URL, s(queueUrl))));
    }

    /** @param limitTypes, kinds comma-separated names, or null for all */
    public static void subscription(DynamoDbClient dynamo, String table, String name, String userId, String limitTypes, String kinds) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(SubscriptionItems.SUBSCRIBER, s(name));
        item.put(SubscriptionItems.ENTRY, s(SubscriptionItems.entry(userId)));
        item.put(SubscriptionItems.USER_ID, s(userId));
        if (limitTypes != null) {
            item.put(SubscriptionItems.LIMIT_TYPES, s(limitTypes));
        }
        if (kinds != null) {
            item.put(SubscriptionItems.KINDS, s(kinds));
        }
        dynamo.putItem(b -> b.tableName(table).item(item));
    }

    private static AttributeValue s(String value) {
        return AttributeValue.builder().s(value).build();
    }

    /** The in-order model: per user, the bodies of every applied version's messages of the kinds given (null: all), in order. */
    public static Map<String, List<String>> expected(List<UserLimit> versions, Thresholds thresholds, MessageKind only) {
        Map<String, BigDecimal> progress = new HashMap<>();
        Map<String, List<String>> out = new TreeMap<>();
        for (UserLimit v : versions) {
            for (FeedMessage m : LimitMessages.of(v, progress.put(v.userId + "/" + v.userLimitId, v.progress), thresholds)) {
                if (only == null || m.kind() == only) {
                    out.computeIfAbsent(v.userId, u -> new ArrayList<>()).add(m.body());
                }
            }
        }
        return out;
    }

    /** Everything in the queue (until a 1-second receive is empty), bodies per message group in receive order. */
    public static Map<String, List<String>> receivedByUser(SqsClient sqs, String queueUrl) {
        Map<String, List<String>> out = new TreeMap<>();
        while (true) {
            List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)
                    .messageSystemAttributeNames(MessageSystemAttributeName.MESSAGE_GROUP_ID)).messages();
            if (messages.isEmpty()) {
                return out;
            }
            for (Message m : messages) {
                out.computeIfAbsent(m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID), u -> new ArrayList<>())
                        .add(m.body());
                sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
            }
        }
    }

    /** Per queue (a subscriber each), per user, {@code perUser} messages in sequence order, users interleaved. */
    public static List<Delivery> deliveries(List<String> queues, int users, int perUser) {
        List<Delivery> out = new ArrayList<>();
        for (int seq = 1; seq <= perUser; seq++) {
            for (int u = 0; u < users; u++) {
                for (int q = 0; q < queues.size(); q++) {
                    Delivery d = new Delivery();
                    d.subscriber = "sub-" + q;
                    d.queueUrl = queues.get(q);
                    d.groupId = "user-" + u;
                    d.sequenceNumber = seq * 3L + u % 3;
                    d.messageId = "m-" + d.groupId + "-" + d.sequenceNumber;
                    d.body = "{\"messageId\":\"" + d.messageId + "\",\"userId\":\"" + d.groupId
                            + "\",\"limit\":{\"lastSequenceNumber\":" + d.sequenceNumber + "}}";
                    out.add(d);
                }
            }
        }
        return out;
    }
}
