package com.rglimits.sink;

import com.rglimits.table.LimitItems;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.aws.config.AWSConfigConstants;
import org.apache.flink.connector.aws.util.AWSClientUtil;
import org.apache.flink.connector.aws.util.AWSGeneralUtil;
import org.apache.flink.connector.base.sink.writer.AsyncSinkWriter;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import org.apache.flink.connector.base.sink.writer.config.AsyncSinkWriterConfiguration;
import org.apache.flink.connector.dynamodb.sink.DynamoDbConfigConstants;
import org.apache.flink.metrics.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;

/**
 * Writes each batch as concurrent conditional PutItem calls: an item is only written when the
 * table has no item for the key or an older version of it. A lost condition is a stale write,
 * counted and dropped; throttling, 5xx and network errors are retried by the SDK with its backoff,
 * then go back to the buffer through the base writer's retry path (whose rate limiting halves the
 * requests in flight on failures); anything else fails the job through the base writer's fatal path.
 * Versions of one limit are written one after the other, newest only ({@link InFlightLimits}).
 *
 * <p>Its input are entries already converted and merged by {@link LimitMergeWriter}.
 */
class LimitsDynamoDbSinkWriter extends AsyncSinkWriter<LimitPut, LimitPut> {
    private static final Logger LOG = LoggerFactory.getLogger(LimitsDynamoDbSinkWriter.class);

    static final String CONDITION = "attribute_not_exists(#userId) OR #seq < :seq";

    private static final Map<String, String> CONDITION_NAMES = Map.of(
            "#userId", LimitItems.USER_ID,
            "#seq", LimitItems.LAST_SEQUENCE_NUMBER);

    private final String tableName;
    private final SdkAsyncHttpClient httpClient;
    private final DynamoDbAsyncClient client;
    private final SinkCost cost;
    private final LimitWriteObserver observer;
    private final Counter sendErrors;
    private final InFlightLimits inFlight = new InFlightLimits();
    /** Entries taken and not finished (buffered, in flight, or waiting for a retry). */
    private final AtomicInteger outstanding = new AtomicInteger();

    LimitsDynamoDbSinkWriter(
            Sink.InitContext context,
            AsyncSinkWriterConfiguration configuration,
            String tableName,
            Properties awsProperties,
            Collection<BufferedRequestState<LimitPut>> states,
            SinkCost cost,
            LimitWriteObserver observer) {
        super((ElementConverter<LimitPut, LimitPut>) (put, ignored) -> put, context, configuration, states);
        for (BufferedRequestState<LimitPut> state : states) {
            outstanding.addAndGet(state.getBufferedRequestEntries().size());
        }
        this.tableName = tableName;
        this.cost = cost;
        this.observer = observer;
        this.sendErrors = context.metricGroup().getNumRecordsSendErrorsCounter();

        // Exactly what the official DynamoDB sink's client provider does, so the aws.* keys
        // behave the same: HTTP/1.1 unless told otherwise, the same credential providers.
        Properties clientProperties = new Properties();
        clientProperties.putAll(awsProperties);
        clientProperties.putIfAbsent(AWSConfigConstants.HTTP_PROTOCOL_VERSION, "HTTP1_1");
        this.httpClient = AWSGeneralUtil.createAsyncHttpClient(clientProperties);
        try {
            AWSGeneralUtil.validateAwsCredentials(clientProperties);
            this.client = AWSClientUtil.createAwsAsyncClient(
                    clientProperties,
                    httpClient,
                    DynamoDbAsyncClient.builder(),
                    DynamoDbConfigConstants.BASE_DYNAMODB_USER_AGENT_PREFIX_FORMAT,
                    DynamoDbConfigConstants.DYNAMODB_CLIENT_USER_AGENT_PREFIX);
        } catch (RuntimeException e) {
            httpClient.close();
            throw e;
        }
    }

    @Override
    public void write(LimitPut put, Context context) throws IOException, InterruptedException {
        outstanding.incrementAndGet();
        super.write(put, context);
    }

    /** Entries taken and not finished: buffered here, in flight, or waiting for a retry. */
    int outstanding() {
        return outstanding.get();
    }

    @Override
    protected void submitRequestEntries(List<LimitPut> requestEntries, Consumer<List<LimitPut>> requestToRetry) {
        List<LimitPut> puts = LimitPutCoalescer.latestPerKey(requestEntries);
        for (int i = puts.size(); i < requestEntries.size(); i++) {
            superseded();
        }

        Queue<LimitPut> toRetry = new ConcurrentLinkedQueue<>();
        AtomicReference<Exception> fatal = new AtomicReference<>();
        CompletableFuture<?>[] writes = new CompletableFuture<?>[puts.size()];
        for (int i = 0; i < puts.size(); i++) {
            writes[i] = inFlight.write(puts.get(i),
                    put -> send(put).handle((response, error) -> {
                        onResult(put, error, toRetry, fatal);
                        return null;
                    }),
                    this::superseded);
        }
        CompletableFuture.allOf(writes).whenComplete((ignored, unexpected) -> {
            if (unexpected != null) {
                fatal.compareAndSet(null, new LimitsDynamoDbSinkException(
                        "Unexpected error handling a batch of writes to DynamoDB table '" + tableName + "'",
                        unexpected));
            }
            if (fatal.get() != null) {
                // The base writer rethrows this on the task thread: the job fails (or restarts).
                getFatalExceptionCons().accept(fatal.get());
                return;
            }
            if (!toRetry.isEmpty()) {
                cost.writeRetries.inc(toRetry.size());
                LOG.warn("DynamoDB table {}: {} of {} writes failed transiently and are requeued",
                        tableName, toRetry.size(), puts.size());
            }
            requestToRetry.accept(new ArrayList<>(toRetry));
        });
    }

    private void superseded() {
        cost.writesCoalesced.inc();
        outstanding.decrementAndGet();
    }

    private CompletableFuture<?> send(LimitPut put) {
        PutItemRequest request = PutItemRequest.builder()
                .tableName(tableName)
                .item(put.item())
                .conditionExpression(CONDITION)
                .expressionAttributeNames(CONDITION_NAMES)
                .expressionAttributeValues(Map.of(":seq",
                        AttributeValue.builder().n(Long.toString(put.sequenceNumber())).build()))
                .overrideConfiguration(c -> c.addMetricPublisher(cost))
                .build();
        try {
            return client.putItem(request);
        } catch (RuntimeException e) {
            // The async client reports errors through the future; be safe if one is thrown.
            return CompletableFuture.failedFuture(e);
        }
    }

    private void onResult(LimitPut put, Throwable error, Queue<LimitPut> toRetry, AtomicReference<Exception> fatal) {
        if (error == null) {
            cost.written(put);
            outstanding.decrementAndGet();
            observer.acknowledged(put);
            return;
        }
        Throwable cause = WriteOutcome.unwrap(error);
        switch (WriteOutcome.of(cause)) {
            case STALE:
                cost.rejectedAsStale(put);
                outstanding.decrementAndGet();
                observer.acknowledged(put);
                LOG.debug("DynamoDB table {}: stale write of {} rejected, the table holds this or a newer version",
                        tableName, put);
                break;
            case RETRY:
                sendErrors.inc();
                LOG.debug("DynamoDB table {}: transient failure writing {}: {}", tableName, put, cause.toString());
                if (inFlight.requeue(put)) {
                    toRetry.add(put);
                } else {
                    superseded(); // a newer version of the limit is on its way
                }
                break;
            case FATAL:
            default:
                sendErrors.inc();
                fatal.compareAndSet(null, new LimitsDynamoDbSinkException(
                        "Writing " + put + " to DynamoDB table '" + tableName + "' failed with a non-retryable error"
                                + " (" + describe(cause) + ")",
                        cause));
                break;
        }
    }

    /** The error code names the problem where the SDK has no class for it (AccessDeniedException). */
    private static String describe(Throwable cause) {
        String code = cause instanceof AwsServiceException && ((AwsServiceException) cause).awsErrorDetails() != null
                ? ((AwsServiceException) cause).awsErrorDetails().errorCode() : null;
        String name = cause.getClass().getSimpleName();
        return (code == null || code.equals(name) ? name : name + " " + code) + ": " + cause.getMessage();
    }

    @Override
    protected long getSizeInBytes(LimitPut requestEntry) {
        return requestEntry.sizeInBytes();
    }

    @Override
    public void close() {
        try {
            super.close();
        } finally {
            AWSGeneralUtil.closeResources(client, httpClient);
        }
    }
}
