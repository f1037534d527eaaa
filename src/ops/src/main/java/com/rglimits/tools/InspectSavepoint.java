package com.rglimits.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rglimits.config.ConfigReaders;
import com.rglimits.config.JobOptions;
import com.rglimits.config.OptionReader;
import com.rglimits.config.Settings;
import com.rglimits.event.LimitEvent;
import com.rglimits.job.Descriptors;
import com.rglimits.job.LegacyUserState;
import com.rglimits.job.UserLimitsPipeline;
import com.rglimits.job.UserState;
import com.rglimits.limit.UserLimit;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackend;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.memory.DataInputViewStreamWrapper;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.state.KeyGroupsStateHandle;
import org.apache.flink.runtime.state.KeyedBackendSerializationProxy;
import org.apache.flink.runtime.state.KeyedStateHandle;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.SavepointReader;
import org.apache.flink.state.api.functions.KeyedStateReaderFunction;
import org.apache.flink.state.api.runtime.SavepointLoader;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.Collector;

/**
 * Reads the limits state of a savepoint (or retained checkpoint) of the job and writes every limit
 * it holds as JSON Lines, in the export format ({@link LimitExport}: the table's attribute names),
 * plus one line per user with the sizes of its other state: dedup entries, held events, the
 * sequence cursor; and says how the savepoint stores the keyed state ({@link StateFormat}). Uses the
 * job's own {@link Descriptors}, so names and types cannot drift.
 *
 * <pre>
 * mvn -q compile exec:java@inspect-savepoint -Dexec.args="--savepoint DIR --out limits.jsonl [--users users.jsonl]"
 * </pre>
 */
public final class InspectSavepoint {
    static final String SAVEPOINT = "savepoint";
    static final String OUT = "out";
    static final String USERS = "users";
    static final String PARALLELISM = "parallelism";

    private static final String LIMIT_LINE = "L";
    private static final String USER_LINE = "U";

    private InspectSavepoint() {}

    /** How the keyed operator's state is stored in the savepoint: what decides how fast it restores. */
    public enum StateFormat {
        NATIVE("native (RocksDB's files)"),
        CANONICAL_COMPRESSED("canonical, compressed"),
        CANONICAL_UNCOMPRESSED("canonical, uncompressed: restored key by key from an unbuffered stream, slow with many users"
                + " (docs/operations.md, which savepoint format to take)");

        final String description;

        StateFormat(String description) {
            this.description = description;
        }
    }

    /** What an inspection found. */
    public static final class Result {
        public long users;
        public long limits;
        public long seenEventIds;
        public long heldEvents;
        public StateFormat format;
        public Path limitsFile;
        public Path usersFile;

        public String line() {
            return limits + " limits of " + users + " users written to " + limitsFile + "; per-user state in " + usersFile
                    + " (dedup entries: " + seenEventIds + ", held events: " + heldEvents + "); keyed state "
                    + format.description;
        }
    }

    public static void main(String[] args) {
        Tools.mainInEmbeddedFlink(args, PARALLELISM, (env, s) -> run(env, s).line());
    }

    /** Runs the inspection on the given environment (tests pass a MiniCluster's). */
    public static Result run(StreamExecutionEnvironment env, String[] args) throws Exception {
        return run(env, ConfigReaders.fromArgs(args));
    }

    static Result run(StreamExecutionEnvironment env, Settings s) throws Exception {
        String savepoint = Tools.savepointPath(s.required(SAVEPOINT));
        Path limitsFile = Path.of(s.required(OUT));
        String defaultUsers = limitsFile.getFileName().toString().replaceFirst("\\.jsonl$", "") + "-users.jsonl";
        Path usersFile = Path.of(s.string(USERS, limitsFile.resolveSibling(defaultUsers).toString()));
        long retentionMs = new OptionReader(s).get(JobOptions.DEDUP_RETENTION).toMillis();
        s.string(PARALLELISM, null);
        s.rejectUnknown();
        if (limitsFile.toAbsolutePath().equals(usersFile.toAbsolutePath())) {
            throw new ToolException("--" + OUT + " and --" + USERS + " must be different files");
        }
        Tools.prepareOutput(limitsFile);
        Tools.prepareOutput(usersFile);

        SavepointReader reader = SavepointReader.read(env, savepoint, new EmbeddedRocksDBStateBackend());
        DataStream<String> lines = reader.readKeyedState(
                OperatorIdentifier.forUid(UserLimitsPipeline.PROCESSOR_UID),
                new UserStateReader(retentionMs), Types.STRING, Types.STRING);

        Result result = new Result();
        result.format = stateFormat(savepoint);
        result.limitsFile = limitsFile;
        result.usersFile = usersFile;
        ObjectMapper mapper = new ObjectMapper();
        try (CloseableIterator<String> it = lines.executeAndCollect("inspect savepoint " + savepoint);
                BufferedWriter limits = Files.newBufferedWriter(limitsFile, StandardCharsets.UTF_8);
                BufferedWriter users = Files.newBufferedWriter(usersFile, StandardCharsets.UTF_8)) {
            while (it.hasNext()) {
                String line = it.next();
                String body = line.substring(1);
                if (line.startsWith(LIMIT_LINE)) {
                    limits.write(body);
                    limits.write('\n');
                    result.limits++;
                } else {
                    users.write(body);
                    users.write('\n');
                    result.users++;
                    ObjectNode u = (ObjectNode) mapper.readTree(body);
                    result.seenEventIds += u.get("seenEventIds").asLong();
                    result.heldEvents += u.get("heldEvents").asLong();
                }
            }
        }
        return result;
    }

    /**
     * The format of the keyed operator's state. A canonical savepoint's key-group streams each start with
     * the metadata that says whether the key groups after it are compressed, as a restore reads it.
     */
    static StateFormat stateFormat(String savepoint) throws IOException {
        OperatorID processor = OperatorIdentifier.forUid(UserLimitsPipeline.PROCESSOR_UID).getOperatorId();
        StateFormat format = StateFormat.NATIVE;
        for (OperatorState operator : SavepointLoader.loadSavepointMetadata(savepoint).getOperatorStates()) {
            if (!operator.getOperatorID().equals(processor)) {
                continue;
            }
            for (OperatorSubtaskState subtask : operator.getStates()) {
                for (KeyedStateHandle handle : subtask.getManagedKeyedState()) {
                    if (!(handle instanceof KeyGroupsStateHandle)) {
                        continue;
                    }
                    try (FSDataInputStream in = ((KeyGroupsStateHandle) handle).openInputStream()) {
                        KeyedBackendSerializationProxy<String> metadata =
                                new KeyedBackendSerializationProxy<>(InspectSavepoint.class.getClassLoader());
                        metadata.read(new DataInputViewStreamWrapper(in));
                        if (!metadata.isUsingKeyGroupCompression()) {
                            return StateFormat.CANONICAL_UNCOMPRESSED;
                        }
                        format = StateFormat.CANONICAL_COMPRESSED;
                    }
                }
            }
        }
        return format;
    }

    /** One user's state: a line per limit, then the user's summary line. */
    static final class UserStateReader extends KeyedStateReaderFunction<String, String> {
        private static final long serialVersionUID = 1L;
        private final long dedupRetentionMs;
        private transient ValueState<UserState> userState;
        private transient LegacyUserState legacyUserState;
        private transient ListState<Long> seenEventHashes;
        private transient MapState<String, Long> legacySeenEventIds;
        private transient ListState<LimitEvent> heldEvents;
        private transient ObjectMapper mapper;

        UserStateReader(long dedupRetentionMs) {
            this.dedupRetentionMs = dedupRetentionMs;
        }

        @Override
        public void open(Configuration parameters) {
            userState = getRuntimeContext().getState(Descriptors.USER_STATE);
            legacyUserState = new LegacyUserState(getRuntimeContext().getMapState(Descriptors.LEGACY_LIMITS),
                    getRuntimeContext().getState(Descriptors.LEGACY_LAST_SEQUENCE));
            Duration retention = Duration.ofMillis(dedupRetentionMs);
            seenEventHashes = getRuntimeContext().getListState(Descriptors.seenEventHashes(retention));
            legacySeenEventIds = getRuntimeContext().getMapState(Descriptors.legacySeenEventIds(retention));
            heldEvents = getRuntimeContext().getListState(Descriptors.HELD_EVENTS);
            mapper = new ObjectMapper();
        }

        @Override
        public void readKey(String userId, Context ctx, Collector<String> out) throws Exception {
            // A user not written since an upgrade from a release up to 2026-11-30 is still in its layout.
            UserState user = userState.value();
            if (user == null) {
                user = legacyUserState.read();
            }
            List<UserLimit> limits = user == null ? List.of() : user.limits;
            Long last = user == null ? null : user.lastSequence;
            for (UserLimit l : limits) {
                out.collect(LIMIT_LINE + LimitExport.toJson(l));
            }
            long limitCount = limits.size();
            // Both layouts: a savepoint of a release up to 2026-11-30, or of one that restored it within the retention.
            // The hashes in the user's value count while within the retention, as TTL shows those of the list.
            long seen = 0;
            if (user != null && user.seenHashes != null) {
                long now = System.currentTimeMillis();
                for (long writtenAt : user.seenAt) {
                    if (!UserState.seenHashExpired(writtenAt, dedupRetentionMs, now)) {
                        seen++;
                    }
                }
            }
            Iterable<Long> hashes = seenEventHashes.get();
            if (hashes != null) {
                for (Long ignored : hashes) {
                    seen++;
                }
            }
            for (String ignored : legacySeenEventIds.keys()) {
                seen++;
            }
            long held = 0;
            Iterable<LimitEvent> stored = heldEvents.get();
            if (stored != null) {
                for (LimitEvent ignored : stored) {
                    held++;
                }
            }
            ObjectNode u = mapper.createObjectNode();
            u.put("userId", userId);
            u.put("limits", limitCount);
            u.put("seenEventIds", seen);
            u.put("heldEvents", held);
            if (last == null) {
                u.putNull("lastSequenceNumber");
            } else {
                u.put("lastSequenceNumber", last);
            }
            out.collect(USER_LINE + u);
        }
    }
}
