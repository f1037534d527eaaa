package com.rglimits.sink;

import com.rglimits.aws.AwsSettings;
import com.rglimits.limit.UserLimit;
import com.rglimits.table.LimitItems;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.base.sink.writer.AsyncSinkWriter;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.RequestEntryWrapper;
import org.apache.flink.metrics.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;

/**
 * The writer of {@link LimitsDynamoDbSink}: a merge stage in front of Flink's {@link
 * AsyncSinkWriter} (which batches, keeps requests in flight, retries and checkpoints its buffer),
 * and the conditional writes of each batch.
 *
 * <p>Merge stage: a limit version waits in it at least the merge window ({@link MergeWindow}:
 * short while the job is live, longer while it is behind), replaced in place by any newer version
 * of its limit ({@link MergeStage}), and leaves it oldest first while the writer has fewer entries
 * than fill its requests in flight: entries in the writer's buffer can no longer merge, so while
 * DynamoDB is the bottleneck (a backlog, a replay) versions merge here instead of queueing there.
 * While the job is live, a version of a limit that was neither staged nor written within the live
 * window skips the stage when the writer has room: only the versions that follow a write closely
 * have anything to merge with, and enforcement reads the table (a user who has just reached a limit
 * should find it there without waiting a window). Bounds: at most {@code maxLimits} limits staged
 * (beyond, the oldest leaves at once, however full the writer), and without backpressure no entry
 * waits longer than the window plus one timer tick.
 * At a checkpoint the staged versions are stored with the writer's buffer (the same state); a
 * restored writer sends them first. A checkpoint does not empty the stage: the barrier waits for
 * the requests in flight only, however long the window. At end of input the stage is emptied into
 * the buffer.
 *
 * <p>Writes: each batch as concurrent conditional PutItem calls: an item is only written when the
 * table has no item for the key or an older version of it. A lost condition is a stale write,
 * counted and dropped; throttling, 5xx and network errors are retried by the SDK with its backoff,
 * then go back to the buffer through the base writer's retry path (whose rate limiting halves the
 * requests in flight on failures); anything else fails the job through the base writer's fatal path.
 * Versions of one limit are written one after the other, newest only ({@link InFlightLimits}).
 */
final class LimitsDynamoDbSinkWriter extends AwsAsyncSinkWriter<UserLimit, LimitPut> {
    private static final Logger LOG = LoggerFactory.getLogger(LimitsDynamoDbSinkWriter.class);
    /** How soon to look again when due entries wait for room in the writer. */
    static final long RECHECK_MS = 5;

    static final String CONDITION = "attribute_not_exists(#userId) OR #seq < :seq";

    private static final Map<String, String> CONDITION_NAMES = Map.of(
            "#userId", LimitItems.USER_ID,
            "#seq", LimitItems.LAST_SEQUENCE_NUMBER);

    private final String tableName;
    private final DynamoDbAsyncClient client;
    private final SinkCost cost;
    private final LimitWriteObserver observer;
    private final Counter sendErrors;
    private final InFlightLimits inFlight = new InFlightLimits();
    /** Entries taken and not finished (buffered, in flight, or waiting for a retry). */
    private final AtomicInteger outstanding = new AtomicInteger();

    private final ProcessingTimeService time;
    private final MergeStage stage;
    private final MergeWindow window;
    private final int maxLimits;
    /** Entries that fill the requests in flight: batch size times requests in flight. */
    private final int pipeline;
    private boolean timerSet;

    /**
     * @param aws what the writer builds its DynamoDB client from
     * @param maxLimits the most limits staged at once
     */
    LimitsDynamoDbSinkWriter(
            LimitsDynamoDbSink sink,
            WriterInitContext context,
            Collection<BufferedRequestState<LimitPut>> states,
            String tableName,
            AwsSettings aws,
            SinkCost cost,
            LimitWriteObserver observer,
            MergeWindow window,
            int maxLimits) {
        super(sink, context, states);
        for (BufferedRequestState<LimitPut> state : states) {
            outstanding.addAndGet(state.getBufferedRequestEntries().size());
        }
        this.time = context.getProcessingTimeService();
        this.window = window;
        this.stage = new MergeStage(window.liveMs());
        this.maxLimits = maxLimits;
        this.pipeline = sink.writerConfiguration().getMaxBatchSize() * sink.writerConfiguration().getMaxInFlightRequests();
        this.tableName = tableName;
        this.cost = cost;
        this.observer = observer;
        this.sendErrors = context.metricGroup().getNumRecordsSendErrorsCounter();
        this.client = client(aws, DynamoDbAsyncClient.builder());
    }

    /** Stages the version; those due leave the stage for the base writer's buffer. */
    @Override
    public void write(UserLimit limit, Context context) throws IOException, InterruptedException {
        long now = time.getCurrentProcessingTime();
        window.observe(limit.updatedAt, now);
        if (window.isLive() && outstanding.get() < pipeline && stage.leavesAtOnce(limit, now)) {
            take(limit);
        } else if (!stage.offer(limit, now)) {
            cost.writesCoalesced.inc();
        }
        release();
    }

    private void release() throws IOException, InterruptedException {
        long now = time.getCurrentProcessingTime();
        while (stage.size() > maxLimits) {
            take(stage.pollOldest(now));
        }
        long windowMs = window.currentMs();
        while (!stage.isEmpty() && stage.oldestArrival() + windowMs <= now && outstanding.get() < pipeline) {
            take(stage.pollOldest(now));
        }
        if (!stage.isEmpty() && !timerSet) {
            long due = stage.oldestArrival() + windowMs;
            timerSet = true;
            time.registerTimer(due > now ? due : now + RECHECK_MS, ignored -> {
                timerSet = false;
                release();
            });
        }
    }

    /** Into the base writer's buffer (which may wait for room, running timers meanwhile). */
    private void take(UserLimit limit) throws IOException, InterruptedException {
        outstanding.incrementAndGet();
        super.write(limit, null);
    }

    /** Limits staged now. */
    int staged() {
        return stage.size();
    }

    @Override
    public void flush(boolean endOfInput) throws InterruptedException {
        if (endOfInput) {
            try {
                long now = time.getCurrentProcessingTime();
                while (!stage.isEmpty()) {
                    take(stage.pollOldest(now));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        super.flush(endOfInput);
    }

    @Override
    public List<BufferedRequestState<LimitPut>> snapshotState(long checkpointId) {
        List<BufferedRequestState<LimitPut>> state = new ArrayList<>(super.snapshotState(checkpointId));
        List<RequestEntryWrapper<LimitPut>> staged = new ArrayList<>(stage.size());
        for (UserLimit limit : stage.staged()) {
            LimitPut put = converter().apply(limit, null);
            staged.add(new RequestEntryWrapper<>(put, put.sizeInBytes()));
        }
        state.add(new BufferedRequestState<>(staged));
        return state;
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

}
