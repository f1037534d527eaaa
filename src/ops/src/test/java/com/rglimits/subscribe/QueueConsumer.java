package com.rglimits.subscribe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/** Reads a FIFO queue as a consumer does: receive, record, delete. */
final class QueueConsumer {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private QueueConsumer() {}

    /** One received message: its group, its de-duplication id and body. */
    static final class Received {
        final String groupId;
        final String deduplicationId;
        final JsonNode body;

        Received(String groupId, String deduplicationId, JsonNode body) {
            this.groupId = groupId;
            this.deduplicationId = deduplicationId;
            this.body = body;
        }
    }

    /**
     * Receives until {@code expected} messages arrived, then once more with a wait, to see that
     * nothing else comes; returns every message received, in receive order.
     */
    static List<Received> drain(SqsClient sqs, String queueUrl, int expected) {
        List<Received> out = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 60_000;
        while (out.size() < expected && System.currentTimeMillis() < deadline) {
            out.addAll(receive(sqs, queueUrl, 1));
        }
        out.addAll(receive(sqs, queueUrl, 1));
        return out;
    }

    static List<Received> receive(SqsClient sqs, String queueUrl, int waitSeconds) {
        List<Received> out = new ArrayList<>();
        List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10)
                .waitTimeSeconds(waitSeconds)
                .messageSystemAttributeNames(MessageSystemAttributeName.MESSAGE_GROUP_ID,
                        MessageSystemAttributeName.MESSAGE_DEDUPLICATION_ID)).messages();
        for (Message m : messages) {
            try {
                out.add(new Received(m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID),
                        m.attributes().get(MessageSystemAttributeName.MESSAGE_DEDUPLICATION_ID), MAPPER.readTree(m.body())));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
        }
        return out;
    }
}
