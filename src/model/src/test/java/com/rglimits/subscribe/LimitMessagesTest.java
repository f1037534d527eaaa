package com.rglimits.subscribe;

import static com.rglimits.testing.Events.created;
import static com.rglimits.testing.Events.event;
import static com.rglimits.testing.Events.progress;
import static com.rglimits.testing.Events.reset;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rglimits.limit.LimitRules;
import com.rglimits.limit.UserLimit;
import java.math.BigDecimal;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class LimitMessagesTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Thresholds DEFAULT = Thresholds.parse(Thresholds.DEFAULT);

    private static final UserLimit CREATED = LimitRules.apply(null, event(created("c1", "u1", "lim-1", 2, 1_000, "500.00"))).limit();
    private static final UserLimit AT_90 = LimitRules.apply(CREATED, event(progress("p1", "u1", "lim-1", 5, 2_000, "0", "450.00"))).limit();

    private static List<MessageKind> kinds(List<FeedMessage> messages) {
        return messages.stream().map(FeedMessage::kind).collect(Collectors.toList());
    }

    @Test
    void limitChangedCarriesTheNewStateAndTheCausingEvent() throws Exception {
        List<FeedMessage> messages = LimitMessages.of(CREATED, null, DEFAULT);
        assertThat(kinds(messages)).containsExactly(MessageKind.LIMIT_CHANGED);
        FeedMessage m = messages.get(0);
        assertThat(m.messageId()).isEqualTo(LimitMessages.messageId(CREATED, MessageKind.LIMIT_CHANGED, null)).hasSize(64);
        assertThat(m.userId()).isEqualTo("u1");
        assertThat(m.sequenceNumber()).isEqualTo(2);
        assertThat(MAPPER.readTree(m.body())).isEqualTo(MAPPER.readTree("{"
                + "\"schemaVersion\":1,\"messageId\":\"" + m.messageId() + "\",\"kind\":\"LIMIT_CHANGED\","
                + "\"userId\":\"u1\",\"userLimitId\":\"lim-1\","
                + "\"limit\":{\"brandId\":\"000000000000000000000003\",\"currencyCode\":\"EUR\",\"type\":\"DEPOSIT\","
                + "\"period\":\"DAY\",\"status\":\"ACTIVE\",\"value\":\"500.00\",\"progress\":\"0\",\"remaining\":\"500.00\","
                + "\"activeFrom\":990,\"nextResetTime\":86401000,\"createdAt\":1000,\"updatedAt\":1000,"
                + "\"lastEventId\":\"c1\",\"lastSequenceNumber\":2},"
                + "\"cause\":{\"eventId\":\"c1\",\"type\":\"USER_LIMIT_CREATED\",\"sequenceNumber\":2,\"createdAt\":1000}}"));
    }

    @Test
    void crossingThresholdsAddsOneMessageEachAfterTheChange() throws Exception {
        List<FeedMessage> messages = LimitMessages.of(AT_90, BigDecimal.ZERO, DEFAULT);
        assertThat(kinds(messages)).containsExactly(MessageKind.LIMIT_CHANGED, MessageKind.LIMIT_THRESHOLD_REACHED);
        JsonNode alert = MAPPER.readTree(messages.get(1).body());
        assertThat(alert.get("kind").asText()).isEqualTo("LIMIT_THRESHOLD_REACHED");
        assertThat(alert.get("threshold")).isEqualTo(MAPPER.readTree("{\"percentage\":\"80\",\"amount\":\"400.00\"}"));
        assertThat(alert.get("limit").get("progress").asText()).isEqualTo("450.00");
        assertThat(alert.get("cause")).isEqualTo(MAPPER.readTree(
                "{\"eventId\":\"p1\",\"type\":\"USER_LIMIT_PROGRESS_CHANGED\",\"sequenceNumber\":5,\"createdAt\":2000}"));

        UserLimit over = LimitRules.apply(AT_90, event(progress("p2", "u1", "lim-1", 6, 3_000, "450.00", "60"))).limit();
        assertThat(kinds(LimitMessages.of(over, AT_90.progress, DEFAULT)))
                .containsExactly(MessageKind.LIMIT_CHANGED, MessageKind.LIMIT_THRESHOLD_REACHED);
        assertThat(MAPPER.readTree(LimitMessages.of(over, AT_90.progress, DEFAULT).get(1).body()).get("threshold").get("percentage").asText())
                .isEqualTo("100");

        UserLimit reset = LimitRules.apply(over, event(reset("r1", "u1", "lim-1", 7, 4_000))).limit();
        assertThat(kinds(LimitMessages.of(reset, over.progress, DEFAULT))).containsExactly(MessageKind.LIMIT_CHANGED);
        UserLimit again = LimitRules.apply(reset, event(progress("p3", "u1", "lim-1", 8, 5_000, "0", "400"))).limit();
        assertThat(kinds(LimitMessages.of(again, reset.progress, DEFAULT)))
                .as("the reset re-armed 80").containsExactly(MessageKind.LIMIT_CHANGED, MessageKind.LIMIT_THRESHOLD_REACHED);
    }

    @Test
    void idsAndBytesAreTheSameForTheSameInputAndDifferForAnyOther() {
        List<FeedMessage> first = LimitMessages.of(AT_90, BigDecimal.ZERO, DEFAULT);
        List<FeedMessage> again = LimitMessages.of(AT_90.copy(), new BigDecimal("0.00"), Thresholds.parse("100,80.0"));
        assertThat(again).isEqualTo(first);
        assertThat(first.get(0).messageId()).isNotEqualTo(first.get(1).messageId());

        UserLimit otherEvent = AT_90.copy();
        otherEvent.lastEventId = "p1-other";
        assertThat(LimitMessages.of(otherEvent, BigDecimal.ZERO, DEFAULT).get(0).messageId()).isNotEqualTo(first.get(0).messageId());
        UserLimit otherUser = AT_90.copy();
        otherUser.userId = "u2";
        assertThat(LimitMessages.of(otherUser, BigDecimal.ZERO, DEFAULT).get(0).messageId()).isNotEqualTo(first.get(0).messageId());
        assertThat(LimitMessages.of(AT_90, BigDecimal.ZERO, Thresholds.parse("90")).get(1).messageId())
                .isNotEqualTo(first.get(1).messageId());
    }

    @Test
    void subscriptionsSelectByUserTypeAndKindAndASubscriberGetsAMessageOnce() {
        List<FeedMessage> messages = LimitMessages.of(AT_90, BigDecimal.ZERO, DEFAULT);
        String[] none = new String[0];
        SubscriptionIndex index = new SubscriptionIndex(SubscriptionSnapshot.of(new Subscription[] {
            Subscription.of("payments", "q-pay", "u1", none, none),
            Subscription.of("payments", "q-pay", Subscription.ALL_USERS, none, none),
            Subscription.of("alerts", "q-alerts", Subscription.ALL_USERS, new String[] {"DEPOSIT"}, new String[] {"LIMIT_THRESHOLD_REACHED"}),
            Subscription.of("loss-only", "q-loss", Subscription.ALL_USERS, new String[] {"LOSS"}, none),
            Subscription.of("other-user", "q-other", "u2", none, none),
        }, 1));
        List<String> got = index.deliveries(messages).stream()
                .map(d -> d.subscriber + ":" + d.queueUrl + ":" + d.groupId + ":" + d.messageId)
                .collect(Collectors.toList());
        String changed = messages.get(0).messageId();
        String alert = messages.get(1).messageId();
        assertThat(got).containsExactly(
                "payments:q-pay:u1:" + changed,
                "alerts:q-alerts:u1:" + alert,
                "payments:q-pay:u1:" + alert);
    }

    @Test
    void aSnapshotCarriesTheLimitsStateAndAnIdOfTheSubscriptionAndLimitOnly() throws Exception {
        FeedMessage atCreation = LimitMessages.snapshot(CREATED, "payments|u1|1700");
        FeedMessage at90 = LimitMessages.snapshot(AT_90, "payments|u1|1700");
        assertThat(atCreation.kind()).isEqualTo(MessageKind.LIMIT_SNAPSHOT);
        assertThat(atCreation.sequenceNumber()).isEqualTo(2);
        JsonNode body = MAPPER.readTree(at90.body());
        assertThat(body.get("kind").asText()).isEqualTo("LIMIT_SNAPSHOT");
        assertThat(body.get("messageId").asText()).isEqualTo(at90.messageId());
        assertThat(body.get("limit").get("progress").asText()).isEqualTo("450.00");
        assertThat(body.get("limit").get("lastSequenceNumber").asLong()).isEqualTo(5);
        assertThat(body.get("cause").get("eventId").asText()).isEqualTo("p1");
        // Taken again at another point of the stream (a restore): the same id, which SQS de-duplicates.
        assertThat(at90.messageId()).isEqualTo(atCreation.messageId()).hasSize(64)
                .isNotEqualTo(LimitMessages.messageId(AT_90, MessageKind.LIMIT_CHANGED, null))
                .isNotEqualTo(LimitMessages.snapshot(AT_90, "payments|u1|1800").messageId())
                .isNotEqualTo(LimitMessages.snapshot(AT_90, "crm|u1|1700").messageId());
    }
}
