package com.rglimits.subscribe;

import com.rglimits.aws.AwsSettings;
import com.rglimits.metrics.ExportedMetrics;
import com.rglimits.sink.AwsAsyncSinkWriter;
import com.rglimits.table.UndeliveredItems;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.ThreadSafeSimpleCounter;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * See {@link SqsFifoSink}. Each request's messages are split by queue; a queue's part starts after
 * the earlier parts (of earlier requests) that hold messages of the same users for the same queue,
 * so one user's sends to one queue never overlap and keep the writer's order, while other users
 * and other queues proceed concurrently.
 */
class SqsFifoSinkWriter extends AwsAsyncSinkWriter<Delivery, Delivery> {
    private static final Logger LOG = LoggerFactory.getLogger(SqsFifoSinkWriter.class);

    static final String METRIC_DELIVERED = "messagesDelivered";
    static final String METRIC_UNDELIVERABLE = "messagesUndeliverable";
    static final String METRIC_RETRIES = "deliveryRetries";
    static final String METRIC_SQS_REQUESTS = "sqsRequests";

    /** SendMessageBatch takes at most 10 entries. */
    static final int SQS_BATCH_ENTRIES = 10;
    private static final long MAX_BACKOFF_MS = 2_000;

    private final SqsAsyncClient sqs;
    private final DynamoDbAsyncClient dynamo;
    private final String undeliveredTable;
    private final long deliveryTimeoutMs;
    /**
     * Per queue and user (message group): the end of the last part that holds the user's messages
     * for the queue; written on the task thread, removed when that part ends.
     */
    private final Map<String, CompletableFuture<Void>> tails = new ConcurrentHashMap<>();
    /** Per queue that failed: until when it is skipped (epoch ms). */
    private final Map<String, Long> unavailableUntil = new ConcurrentHashMap<>();
    private final Counter delivered;
    private final Counter undeliverable;
    private final Counter retries;
    private final Counter sqsRequests;

    /** @param sqsSettings what the SQS client is built from, {@code dynamoDbSettings} the undelivered table's */
    SqsFifoSinkWriter(SqsFifoSink sink, WriterInitContext context, Collection<BufferedRequestState<Delivery>> states,
            AwsSettings sqsSettings, AwsSettings dynamoDbSettings, String undeliveredTable, long deliveryTimeoutMs) {
        super(sink, context, states);
        this.undeliveredTable = undeliveredTable;
        this.deliveryTimeoutMs = deliveryTimeoutMs;
        SinkWriterMetricGroup metrics = context.metricGroup();
        delivered = metrics.counter(METRIC_DELIVERED, new ThreadSafeSimpleCounter());
        undeliverable = metrics.counter(METRIC_UNDELIVERABLE, new ThreadSafeSimpleCounter());
        retries = metrics.counter(METRIC_RETRIES, new ThreadSafeSimpleCounter());
        sqsRequests = metrics.counter(METRIC_SQS_REQUESTS, new ThreadSafeSimpleCounter());
        MetricGroup exported = ExportedMetrics.group(metrics);
        exported.counter(METRIC_DELIVERED, delivered);
        exported.counter(METRIC_UNDELIVERABLE, undeliverable);
        exported.counter(METRIC_RETRIES, retries);
        exported.counter(METRIC_SQS_REQUESTS, sqsRequests);

        // One SQS call must end well within a delivery timeout, or a hung connection would hold the queue.
        sqs = client(sqsSettings.withDefault(AwsSettings.HTTP_CLIENT_READ_TIMEOUT, Long.toString(deliveryTimeoutMs)),
                SqsAsyncClient.builder());
        dynamo = client(dynamoDbSettings, DynamoDbAsyncClient.builder());
    }

    /**
     * Delivers every buffered message before a checkpoint, not only those in flight, so the sink's
     * state is empty: after a rescale Flink hands a writer's state to any subtask, and buffered
     * messages restored there could be overtaken by the user's newer messages, which now flow
     * through the subtask that owns the user.
     */
    @Override
    public void flush(boolean flush) throws InterruptedException {
        super.flush(true);
    }

    @Override
    protected void submitRequestEntries(List<Delivery> requestEntries, Consumer<List<Delivery>> requestToRetry) {
        long deadline = System.currentTimeMillis() + deliveryTimeoutMs;
        Map<String, List<Delivery>> byQueue = new LinkedHashMap<>();
        for (Delivery d : requestEntries) {
            byQueue.computeIfAbsent(d.queueUrl, q -> new ArrayList<>()).add(d);
        }
        List<CompletableFuture<Void>> parts = new ArrayList<>(byQueue.size());
        byQueue.forEach((queue, deliveries) -> {
            Set<String> keys = new LinkedHashSet<>();
            deliveries.forEach(d -> keys.add(queue + '\n' + d.groupId));
            // After every earlier part that holds one of these users for this queue; beside the others.
            CompletableFuture<?>[] earlier = keys.stream().map(tails::get).filter(Objects::nonNull)
                    .toArray(CompletableFuture<?>[]::new);
            CompletableFuture<Void> part = CompletableFuture.allOf(earlier).thenCompose(
                    ignored -> deliver(queue, new LinkedList<>(deliveries), deadline, 0));
            keys.forEach(k -> tails.put(k, part));
            part.whenComplete((ignored, error) -> keys.forEach(k -> tails.remove(k, part)));
            parts.add(part);
        });
        CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0])).whenComplete((ignored, error) -> {
            if (error != null) {
                // Only recording an undeliverable message can fail a part: the job restarts and sends again.
                getFatalExceptionCons().accept(new SubscriberSinkException(
                        "could not record undeliverable subscriber messages in table '" + undeliveredTable + "'",
                        unwrap(error)));
                return;
            }
            requestToRetry.accept(List.of());
        });
    }

    /** Sends the queue's pending messages in order until each is delivered or recorded as undeliverable. */
    private CompletableFuture<Void> deliver(String queue, LinkedList<Delivery> pending, long deadline, int failedRounds) {
        if (pending.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        long now = System.currentTimeMillis();
        Long skipUntil = unavailableUntil.get(queue);
        if (skipUntil != null && now < skipUntil) {
            return undeliverable(pending, UndeliveredReason.QUEUE_UNAVAILABLE,
                    "the queue failed less than " + deliveryTimeoutMs + " ms ago; not tried");
        }
        if (now >= deadline) {
            unavailableUntil.put(queue, now + deliveryTimeoutMs);
            return undeliverable(pending, UndeliveredReason.DELIVERY_TIMEOUT,
                    "not delivered within " + deliveryTimeoutMs + " ms (throttled, slow or failing queue)");
        }
        List<Delivery> batch = nextBatch(pending);
        List<SendMessageBatchRequestEntry> entries = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            Delivery d = batch.get(i);
            entries.add(SendMessageBatchRequestEntry.builder()
                    .id(Integer.toString(i))
                    .messageBody(d.body)
                    .messageGroupId(d.groupId)
                    .messageDeduplicationId(d.messageId)
                    .build());
        }
        sqsRequests.inc();
        CompletableFuture<SendMessageBatchResponse> sent;
        try {
            sent = sqs.sendMessageBatch(b -> b.queueUrl(queue).entries(entries));
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        return sent.handle((response, error) -> error == null
                        ? onResponse(queue, pending, batch, response, deadline, failedRounds)
                        : onError(queue, pending, unwrap(error), deadline, failedRounds))
                .thenCompose(next -> next);
    }

    /**
     * The next SendMessageBatch: pending messages in order, at most one per group (so a partly
     * failed batch never lets a later message of a group overtake an earlier one), up to 10
     * entries and SQS's 256 KB per request.
     */
    static List<Delivery> nextBatch(List<Delivery> pending) {
        List<Delivery> batch = new ArrayList<>(SQS_BATCH_ENTRIES);
        Set<String> groups = new HashSet<>();
        long bytes = 0;
        for (Delivery d : pending) {
            if (batch.size() == SQS_BATCH_ENTRIES) {
                break;
            }
            long size = d.body.getBytes(StandardCharsets.UTF_8).length;
            if (!batch.isEmpty() && bytes + size > SqsFifoSink.MAX_MESSAGE_BYTES) {
                break;
            }
            if (groups.add(d.groupId)) {
                batch.add(d);
                bytes += size;
            }
        }
        return batch;
    }

    private CompletableFuture<Void> onResponse(String queue, LinkedList<Delivery> pending, List<Delivery> batch,
            SendMessageBatchResponse response, long deadline, int failedRounds) {
        Map<String, Delivery> byEntryId = new HashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            byEntryId.put(Integer.toString(i), batch.get(i));
        }
        response.successful().forEach(ok -> pending.remove(byEntryId.get(ok.id())));
        delivered.inc(response.successful().size());
        List<CompletableFuture<Void>> records = new ArrayList<>();
        int transientFailures = 0;
        for (BatchResultErrorEntry failed : response.failed()) {
            Delivery d = byEntryId.get(failed.id());
            if (Boolean.TRUE.equals(failed.senderFault())) {
                pending.remove(d);
                records.add(undeliverable(List.of(d), UndeliveredReason.REJECTED, failed.code() + ": " + failed.message()));
            } else {
                transientFailures++;
            }
        }
        CompletableFuture<Void> recorded = CompletableFuture.allOf(records.toArray(new CompletableFuture<?>[0]));
        if (transientFailures == 0) {
            return recorded.thenCompose(ignored -> deliver(queue, pending, deadline, 0));
        }
        retries.inc(transientFailures);
        return recorded.thenCompose(ignored -> retryLater(queue, pending, deadline, failedRounds + 1));
    }

    private CompletableFuture<Void> onError(String queue, LinkedList<Delivery> pending, Throwable error,
            long deadline, int failedRounds) {
        if (isMissingQueue(error)) {
            unavailableUntil.put(queue, System.currentTimeMillis() + deliveryTimeoutMs);
            return undeliverable(pending, UndeliveredReason.QUEUE_DOES_NOT_EXIST, describe(error));
        }
        if (isTransient(error)) {
            retries.inc(Math.min(pending.size(), SQS_BATCH_ENTRIES));
            LOG.debug("SQS queue {}: transient failure, retrying: {}", queue, describe(error));
            return retryLater(queue, pending, deadline, failedRounds + 1);
        }
        unavailableUntil.put(queue, System.currentTimeMillis() + deliveryTimeoutMs);
        return undeliverable(pending, UndeliveredReason.REJECTED, describe(error));
    }

    private CompletableFuture<Void> retryLater(String queue, LinkedList<Delivery> pending, long deadline, int failedRounds) {
        long backoff = Math.min(MAX_BACKOFF_MS, 50L << Math.min(failedRounds, 10));
        long wait = Math.max(0, Math.min(backoff, deadline - System.currentTimeMillis()));
        return CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(wait, TimeUnit.MILLISECONDS))
                .thenCompose(ignored -> deliver(queue, pending, deadline, failedRounds));
    }

    /** Records the messages in the undelivered table. */
    private CompletableFuture<Void> undeliverable(List<Delivery> deliveries, UndeliveredReason reason, String error) {
        List<CompletableFuture<?>> puts = new ArrayList<>(deliveries.size());
        long now = System.currentTimeMillis();
        Delivery first = deliveries.get(0);
        LOG.warn("subscriber {}: {} message(s) undeliverable to {}, recorded in {}: {} ({})", first.subscriber,
                deliveries.size(), first.queueUrl, undeliveredTable, reason, error);
        for (Delivery d : deliveries) {
            Map<String, AttributeValue> item = new HashMap<>();
            item.put(UndeliveredItems.SUBSCRIBER, s(d.subscriber));
            item.put(UndeliveredItems.MESSAGE_ID, s(d.messageId));
            item.put(UndeliveredItems.QUEUE_URL, s(d.queueUrl));
            item.put(UndeliveredItems.GROUP_ID, s(d.groupId));
            item.put(UndeliveredItems.SEQUENCE_NUMBER, AttributeValue.builder().n(Long.toString(d.sequenceNumber)).build());
            item.put(UndeliveredItems.BODY, s(d.body));
            item.put(UndeliveredItems.REASON, s(reason.name()));
            item.put(UndeliveredItems.ERROR, s(error));
            item.put(UndeliveredItems.FAILED_AT, AttributeValue.builder().n(Long.toString(now)).build());
            puts.add(dynamo.putItem(b -> b.tableName(undeliveredTable).item(item))
                    .thenRun(undeliverable::inc));
        }
        return CompletableFuture.allOf(puts.toArray(new CompletableFuture<?>[0]));
    }

    private static AttributeValue s(String value) {
        return AttributeValue.builder().s(value).build();
    }

    static boolean isMissingQueue(Throwable error) {
        if (error instanceof QueueDoesNotExistException) {
            return true;
        }
        if (error instanceof AwsServiceException && ((AwsServiceException) error).awsErrorDetails() != null) {
            String code = ((AwsServiceException) error).awsErrorDetails().errorCode();
            return code != null && (code.contains("NonExistentQueue") || code.contains("QueueDoesNotExist"));
        }
        return false;
    }

    /** Throttling, 5xx and network errors (left after the SDK's own retries). */
    static boolean isTransient(Throwable error) {
        if (error instanceof AwsServiceException) {
            AwsServiceException e = (AwsServiceException) error;
            return e.isThrottlingException() || e.statusCode() >= 500;
        }
        return error instanceof SdkClientException;
    }

    private static String describe(Throwable error) {
        return error.getClass().getSimpleName() + ": " + error.getMessage();
    }

    private static Throwable unwrap(Throwable error) {
        Throwable t = error;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    @Override
    protected long getSizeInBytes(Delivery requestEntry) {
        return requestEntry.body.length();
    }
}
