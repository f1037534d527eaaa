package com.rglimits.state;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * An exactly-once log of lines in a directory, for the state tests: the lines a subtask receives
 * between two checkpoints become one batch in its operator state at the checkpoint, and the batch
 * is written as one file (its name a random id, fixed in the state) once that checkpoint completes.
 * After a restore the restored batches are written again under the same names, which changes
 * nothing if they were written already. So the files hold each line of the committed history once:
 * the lines of a failed attempt after its last checkpoint are never written.
 *
 * <p>It replaces Flink's committing {@code FileSink} here: Flink 1.19's Sink V2 committer fails at
 * the end of input after some restores with a changed parallelism (FLINK-25920, "Currently it is
 * not supported to update the CommittableSummary for a checkpoint coming from the same subtask"),
 * a framework defect that made the rescaling test fail by chance. This log has no committer.
 */
final class ExactlyOnceLog extends ProcessFunction<String, String> implements CheckpointedFunction, CheckpointListener {
    private static final long serialVersionUID = 1L;

    private final String dir;
    private transient List<String> sinceLastCheckpoint;
    /** Checkpoint id to the batches taken at it, not yet known to be complete; a batch is "name\nline\nline...". */
    private transient TreeMap<Long, List<String>> pending;
    private transient ListState<String> state;

    ExactlyOnceLog(Path dir) {
        this.dir = dir.toString();
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        sinceLastCheckpoint = new ArrayList<>();
        pending = new TreeMap<>();
        state = context.getOperatorStateStore().getListState(new ListStateDescriptor<>("log-batches", Types.STRING));
        if (context.isRestored()) {
            // Restored from a completed checkpoint: every batch it holds is committed.
            for (String batch : state.get()) {
                write(batch);
            }
            state.clear();
        }
    }

    @Override
    public void processElement(String line, Context ctx, Collector<String> out) {
        sinceLastCheckpoint.add(line);
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        if (!sinceLastCheckpoint.isEmpty()) {
            pending.computeIfAbsent(context.getCheckpointId(), id -> new ArrayList<>())
                    .add(UUID.randomUUID() + "\n" + String.join("\n", sinceLastCheckpoint));
            sinceLastCheckpoint.clear();
        }
        List<String> all = new ArrayList<>();
        pending.values().forEach(all::addAll);
        state.update(all);
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        Map<Long, List<String>> done = pending.headMap(checkpointId, true);
        done.values().forEach(batches -> batches.forEach(ExactlyOnceLog.this::write));
        done.clear();
    }

    private void write(String batch) {
        int newline = batch.indexOf('\n');
        Path target = Path.of(dir).resolve("batch-" + batch.substring(0, newline));
        Path temp = target.resolveSibling("." + target.getFileName() + ".tmp");
        try {
            Files.createDirectories(target.getParent());
            Files.writeString(temp, batch.substring(newline + 1) + "\n", StandardCharsets.UTF_8);
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
