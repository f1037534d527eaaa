package com.rglimits.sink;

import com.rglimits.limit.UserLimit;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.StatefulSink;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import org.apache.flink.connector.base.sink.writer.RequestEntryWrapper;

/**
 * The writer of {@link LimitsDynamoDbSink}: a merge stage in front of the {@link
 * LimitsDynamoDbSinkWriter} (Flink's {@code AsyncSinkWriter}, which batches, keeps requests in
 * flight, retries and checkpoints its buffer). A limit version waits in the stage at least the
 * merge window ({@link MergeWindow}: short while the job is live, longer while it is behind),
 * replaced in place by any newer version of its limit, and leaves it oldest first
 * while the writer has fewer entries than fill its requests in flight: entries in the writer's
 * buffer can no longer merge, so while DynamoDB is the bottleneck (a backlog, a replay) versions
 * merge here instead of queueing there. Bounds: at most {@code maxLimits} limits staged (beyond,
 * the oldest leaves at once, however full the writer), and without backpressure no entry waits
 * longer than the window plus one timer tick.
 *
 * <p>At a checkpoint the staged versions are stored with the writer's buffer (the same state); a
 * restored writer sends them first. A checkpoint does not empty the stage: the barrier waits for
 * the requests in flight only, however long the window. At end of input the stage is emptied into
 * the writer.
 */
final class LimitMergeWriter implements StatefulSink.StatefulSinkWriter<UserLimit, BufferedRequestState<LimitPut>> {
    /** How soon to look again when due entries wait for room in the writer. */
    static final long RECHECK_MS = 5;

    private final ElementConverter<UserLimit, LimitPut> converter;
    private final LimitsDynamoDbSinkWriter writer;
    private final ProcessingTimeService time;
    private final LimitPutCoalescer stage = new LimitPutCoalescer();
    private final SinkCost cost;
    private final MergeWindow window;
    private final int maxLimits;
    /** Entries that fill the requests in flight: batch size times requests in flight. */
    private final int pipeline;
    private boolean timerSet;

    LimitMergeWriter(ElementConverter<UserLimit, LimitPut> converter, LimitsDynamoDbSinkWriter writer,
            ProcessingTimeService time, SinkCost cost, MergeWindow window, int maxLimits, int pipeline) {
        this.converter = converter;
        this.writer = writer;
        this.time = time;
        this.cost = cost;
        this.window = window;
        this.maxLimits = maxLimits;
        this.pipeline = pipeline;
    }

    @Override
    public void write(UserLimit limit, Context context) throws IOException, InterruptedException {
        long now = time.getCurrentProcessingTime();
        window.observe(limit.updatedAt, now);
        if (!stage.offer(converter.apply(limit, context), now)) {
            cost.writesCoalesced.inc();
        }
        release();
    }

    private void release() throws IOException, InterruptedException {
        while (stage.size() > maxLimits) {
            writer.write(stage.pollOldest(), null);
        }
        long now = time.getCurrentProcessingTime();
        long windowMs = window.currentMs();
        while (!stage.isEmpty() && stage.oldestArrival() + windowMs <= now && writer.outstanding() < pipeline) {
            writer.write(stage.pollOldest(), null);
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

    /** Limits staged now. */
    int staged() {
        return stage.size();
    }

    @Override
    public void flush(boolean endOfInput) throws IOException, InterruptedException {
        if (endOfInput) {
            while (!stage.isEmpty()) {
                writer.write(stage.pollOldest(), null);
            }
        }
        writer.flush(endOfInput);
    }

    @Override
    public List<BufferedRequestState<LimitPut>> snapshotState(long checkpointId) throws IOException {
        List<BufferedRequestState<LimitPut>> state = new ArrayList<>(writer.snapshotState(checkpointId));
        List<RequestEntryWrapper<LimitPut>> staged = new ArrayList<>(stage.size());
        for (LimitPut put : stage.staged()) {
            staged.add(new RequestEntryWrapper<>(put, put.sizeInBytes()));
        }
        state.add(new BufferedRequestState<>(staged));
        return state;
    }

    @Override
    public void close() throws Exception {
        writer.close();
    }
}
