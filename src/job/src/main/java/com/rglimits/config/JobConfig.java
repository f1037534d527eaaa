package com.rglimits.config;

import java.io.Serializable;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

/**
 * Every setting of the job, typed and validated once at start. Built from {@link Settings}, so
 * command-line options, a local properties file and the managed service's runtime properties are
 * read by the same code. Keys are {@code group.key}; on the managed service the group is the
 * property group id.
 */
public final class JobConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final String AWS_PREFIX = "aws.";
    public static final String SOURCE_STREAM = "source.stream";
    public static final String SOURCE_INITPOS = "source.initpos";
    public static final String SOURCE_INITPOS_TIMESTAMP = "source.initpos.timestamp";
    public static final String SOURCE_FILE = "source.file";
    public static final String TABLE_NAME = TableNames.TABLE_NAME;
    public static final String DLQ_STREAM = "dlq.stream";
    public static final String DLQ_FILE = "dlq.file";
    public static final String EXPORT_FILE = "export.file";
    public static final String OUT_OF_ORDERNESS_MS = "ordering.out-of-orderness.ms";
    public static final String IDLENESS_MS = "ordering.idleness.ms";
    public static final String MAX_HOLD_MS = "ordering.max-hold.ms";
    public static final String MAX_AHEAD_MS = "ordering.max-ahead.ms";
    public static final String ARRIVAL_HOLD_MS = "ordering.arrival-hold.ms";
    public static final String MAX_JUMP_MS = "ordering.max-jump.ms";
    public static final String CONFIRMING_KEYS = "ordering.confirming-keys";
    public static final String CACHED_USERS = "ordering.cached-users";
    public static final String COMPLETE_STREAM = "ordering.complete-stream";
    public static final String DEDUP_RETENTION_MS = "dedup.retention.ms";
    public static final String CHECKPOINT_INTERVAL_MS = "checkpoint.interval.ms";
    public static final String PARALLELISM = "job.parallelism";
    public static final String MAX_PARALLELISM = "job.max-parallelism";
    public static final String SINK_MAX_IN_FLIGHT = "sink.max-in-flight";
    public static final String SINK_MAX_BATCH = "sink.max-batch-size";
    public static final String SINK_MERGE_WINDOW_MS = "sink.merge.window.ms";
    public static final String SINK_MERGE_MAX_LIMITS = "sink.merge.max-limits";
    public static final String SINK_MERGE_MAX_WINDOW_MS = "sink.merge.max-window.ms";
    public static final String SUBSCRIBERS_TABLE = "subscribers.table";
    public static final String SUBSCRIBERS_UNDELIVERED_TABLE = "subscribers.undelivered-table";
    public static final String SUBSCRIBERS_THRESHOLDS = "subscribers.thresholds";
    public static final String SUBSCRIBERS_POLL_MS = "subscribers.poll.ms";
    public static final String SUBSCRIBERS_DELIVERY_TIMEOUT_MS = "subscribers.delivery-timeout.ms";
    public static final String SUBSCRIBERS_SQS_ENDPOINT = "subscribers.sqs.endpoint";

    public static final String DEFAULT_TABLE = TableNames.DEFAULT_TABLE;
    /**
     * The number of key groups of keyed state. It is fixed into every checkpoint and savepoint: a
     * savepoint restores only into a job with the same max parallelism, and the job can never run
     * with more subtasks than this. Bootstrapped savepoints must be written with the same value.
     */
    public static final int DEFAULT_MAX_PARALLELISM = 128;
    /**
     * How far a record's createdAt may be ahead of the processing time at the source (5 minutes).
     * A producer whose clock runs ahead by more is broken, not skewed (NTP keeps hosts within
     * milliseconds); accepting its record would move the watermark ahead of every other event for as
     * long as it runs ahead, so the bound is also the longest time one such record can disturb the
     * ordering of all users.
     */
    public static final long DEFAULT_MAX_AHEAD_MS = 300_000;
    /**
     * How far one key's record may move its split's event time ahead (5 minutes, as far as
     * {@link #DEFAULT_MAX_AHEAD_MS} lets a producer's clock run ahead): further, the jump waits for
     * the records of {@code ordering.confirming-keys} keys. See {@code com.rglimits.ordering.EventClock}.
     */
    public static final long DEFAULT_MAX_JUMP_MS = 300_000;
    /** Flink's upper bound on max parallelism (2^15). */
    public static final int MAX_MAX_PARALLELISM = 32_768;

    /** Keys of local runs only: with property groups the job reads and writes Kinesis. */
    static final String[] LOCAL_ONLY_KEYS = {SOURCE_FILE, DLQ_FILE, EXPORT_FILE};

    private final Map<String, String> aws;
    private final String sourceStream;
    private final StartingPosition startingPosition;
    private final Long startingTimestamp;
    private final String sourceFile;
    private final String tableName;
    private final String dlqStream;
    private final String dlqFile;
    private final String exportFile;
    private final long outOfOrdernessMs;
    private final long idlenessMs;
    private final long maxHoldMs;
    private final long maxAheadMs;
    private final long arrivalHoldMs;
    private final long maxJumpMs;
    private final int confirmingKeys;
    private final int cachedUsers;
    private final boolean completeStream;
    private final long dedupRetentionMs;
    private final long checkpointIntervalMs;
    private final int parallelism;
    private final int maxParallelism;
    private final int sinkMaxInFlight;
    private final int sinkMaxBatchSize;
    private final long sinkMergeWindowMs;
    private final int sinkMergeMaxLimits;
    private final long sinkMergeMaxWindowMs;
    private final boolean runtimeManaged;
    private final String subscriptionsTable;
    private final String undeliveredTable;
    private final String thresholds;
    private final long subscriptionsPollMs;
    private final long deliveryTimeoutMs;
    private final String sqsEndpoint;

    private JobConfig(Settings s) {
        runtimeManaged = s.runtimeManaged();
        if (runtimeManaged) {
            rejectOnManagedRuntime(s);
        }
        aws = s.withPrefix(AWS_PREFIX);
        sourceStream = runtimeManaged ? s.required(SOURCE_STREAM) : s.string(SOURCE_STREAM, null);
        startingPosition = s.enumValue(SOURCE_INITPOS, StartingPosition.class, StartingPosition.TRIM_HORIZON);
        startingTimestamp = startingPosition == StartingPosition.AT_TIMESTAMP
                ? s.longValue(SOURCE_INITPOS_TIMESTAMP, -1, 0)
                : null;
        if (startingTimestamp != null && startingTimestamp < 0) {
            throw new ConfigException(s.describe(SOURCE_INITPOS_TIMESTAMP) + " is required with AT_TIMESTAMP");
        }
        sourceFile = s.string(SOURCE_FILE, null);
        tableName = s.string(TABLE_NAME, DEFAULT_TABLE);
        dlqStream = runtimeManaged ? s.required(DLQ_STREAM) : s.string(DLQ_STREAM, null);
        dlqFile = s.string(DLQ_FILE, null);
        exportFile = s.string(EXPORT_FILE, null);
        outOfOrdernessMs = s.longValue(OUT_OF_ORDERNESS_MS, 5_000, 0);
        idlenessMs = s.longValue(IDLENESS_MS, 10_000, 1);
        maxHoldMs = s.longValue(MAX_HOLD_MS, 30_000, 1);
        maxAheadMs = s.longValue(MAX_AHEAD_MS, DEFAULT_MAX_AHEAD_MS, 0);
        // By default an event behind the watermark waits as long as the bound makes every other one wait.
        arrivalHoldMs = s.longValue(ARRIVAL_HOLD_MS, outOfOrdernessMs, 0);
        maxJumpMs = s.longValue(MAX_JUMP_MS, DEFAULT_MAX_JUMP_MS, 0);
        confirmingKeys = s.intValue(CONFIRMING_KEYS, 3, 1);
        cachedUsers = s.intValue(CACHED_USERS, 200_000, 1);
        completeStream = s.booleanValue(COMPLETE_STREAM, false);
        dedupRetentionMs = s.longValue(DEDUP_RETENTION_MS, Duration.ofDays(7).toMillis(), 1);
        // With property groups the runtime owns checkpointing and parallelism (0: not set by the job).
        checkpointIntervalMs = runtimeManaged ? 0 : s.longValue(CHECKPOINT_INTERVAL_MS, 10_000, 10);
        parallelism = runtimeManaged ? 0 : s.intValue(PARALLELISM, 0, 0);
        maxParallelism = s.intValue(MAX_PARALLELISM, DEFAULT_MAX_PARALLELISM, 1);
        if (maxParallelism > MAX_MAX_PARALLELISM) {
            throw new ConfigException(s.describe(MAX_PARALLELISM) + " must be <= " + MAX_MAX_PARALLELISM + ", got " + maxParallelism);
        }
        if (parallelism > maxParallelism) {
            throw new ConfigException(s.describe(PARALLELISM) + " (" + parallelism + ") must be <= "
                    + s.describe(MAX_PARALLELISM) + " (" + maxParallelism + ")");
        }
        sinkMaxInFlight = s.intValue(SINK_MAX_IN_FLIGHT, 8, 1);
        sinkMaxBatchSize = s.intValue(SINK_MAX_BATCH, 100, 1);
        sinkMergeWindowMs = s.longValue(SINK_MERGE_WINDOW_MS, 200, 0);
        sinkMergeMaxLimits = s.intValue(SINK_MERGE_MAX_LIMITS, 20_000, 1);
        sinkMergeMaxWindowMs = s.longValue(SINK_MERGE_MAX_WINDOW_MS, 60_000, 0);
        // Subscribers (docs/subscribers.md): on when the subscriptions table is named.
        subscriptionsTable = s.string(SUBSCRIBERS_TABLE, null);
        undeliveredTable = s.string(SUBSCRIBERS_UNDELIVERED_TABLE, "user-limits-undelivered");
        thresholds = validThresholds(s, s.string(SUBSCRIBERS_THRESHOLDS, "80,100"));
        subscriptionsPollMs = s.longValue(SUBSCRIBERS_POLL_MS, 5_000, 100);
        deliveryTimeoutMs = s.longValue(SUBSCRIBERS_DELIVERY_TIMEOUT_MS, 30_000, 100);
        sqsEndpoint = s.string(SUBSCRIBERS_SQS_ENDPOINT, null);
        if (sourceStream == null && sourceFile == null) {
            throw new ConfigException("no input: set " + s.describe(SOURCE_STREAM) + " or " + s.describe(SOURCE_FILE));
        }
        s.rejectUnknown();
    }

    /**
     * On Managed Service for Apache Flink the service's ApplicationConfiguration sets checkpointing
     * and parallelism (and scales the application); a property that tried to set them from the job
     * would fight the service, so it is an error, as are the local-run keys.
     */
    private static void rejectOnManagedRuntime(Settings s) {
        if (s.contains(CHECKPOINT_INTERVAL_MS)) {
            throw new ConfigException(s.describe(CHECKPOINT_INTERVAL_MS) + " is not read from property groups: the"
                    + " runtime owns checkpointing (on Managed Service for Apache Flink: ApplicationConfiguration"
                    + ".FlinkApplicationConfiguration.CheckpointConfiguration)");
        }
        if (s.contains(PARALLELISM)) {
            throw new ConfigException(s.describe(PARALLELISM) + " is not read from property groups: the"
                    + " runtime owns the parallelism (on Managed Service for Apache Flink: ApplicationConfiguration"
                    + ".FlinkApplicationConfiguration.ParallelismConfiguration)");
        }
        for (String key : LOCAL_ONLY_KEYS) {
            if (s.contains(key)) {
                throw new ConfigException(s.describe(key) + " is for local runs only: with property groups the job"
                        + " reads the Kinesis stream " + SOURCE_STREAM + " and writes dead letters to " + DLQ_STREAM);
            }
        }
    }

    /** Percentages, as {@code com.rglimits.subscribe.Thresholds} parses them (kept free of that package). */
    private static String validThresholds(Settings s, String value) {
        for (String part : value.split(",", -1)) {
            try {
                if (new BigDecimal(part.trim()).signum() <= 0) {
                    throw new ConfigException(s.describe(SUBSCRIBERS_THRESHOLDS) + " must be percentages above 0, got '" + part.trim() + "'");
                }
            } catch (NumberFormatException e) {
                throw new ConfigException(s.describe(SUBSCRIBERS_THRESHOLDS)
                        + " must be comma-separated decimal percentages (e.g. 80,100), got '" + value + "'");
            }
        }
        return value;
    }

    public static JobConfig from(Settings settings) {
        return new JobConfig(settings);
    }

    /** The {@code aws.*} settings as the AWS connectors take them. */
    public Properties awsProperties() {
        Properties p = new Properties();
        p.putAll(aws);
        return p;
    }

    public String sourceStream() {
        return sourceStream;
    }

    public StartingPosition startingPosition() {
        return startingPosition;
    }

    public Long startingTimestamp() {
        return startingTimestamp;
    }

    public String sourceFile() {
        return sourceFile;
    }

    public String tableName() {
        return tableName;
    }

    public String dlqStream() {
        return dlqStream;
    }

    public String dlqFile() {
        return dlqFile;
    }

    public String exportFile() {
        return exportFile;
    }

    public long outOfOrdernessMs() {
        return outOfOrdernessMs;
    }

    public long idlenessMs() {
        return idlenessMs;
    }

    public long maxHoldMs() {
        return maxHoldMs;
    }

    /** See {@link #DEFAULT_MAX_AHEAD_MS}. */
    public long maxAheadMs() {
        return maxAheadMs;
    }

    /** How long an event that arrives behind the watermark waits for its user's other events: see {@code EventOrdering}. */
    public long arrivalHoldMs() {
        return arrivalHoldMs;
    }

    /** How far one key's record may move its split's event time ahead: see {@link #DEFAULT_MAX_JUMP_MS}. */
    public long maxJumpMs() {
        return maxJumpMs;
    }

    /** How many keys' records confirm a jump of a split's event time beyond {@link #maxJumpMs()}. */
    public int confirmingKeys() {
        return confirmingKeys;
    }

    /** Users whose state the keyed operator keeps in memory between checkpoints, at most. */
    public int cachedUsers() {
        return cachedUsers;
    }

    /**
     * Whether the input carries every record of each user, of every type, numbered in one sequence per
     * user: then an event whose sequenceNumber follows the last number seen for its user is applied at
     * once instead of waiting for the watermark (see {@code UserLimitOperator}).
     */
    public boolean completeStream() {
        return completeStream;
    }

    public long dedupRetentionMs() {
        return dedupRetentionMs;
    }

    /** 0: checkpointing is the runtime's ({@link #runtimeManaged()}). */
    public long checkpointIntervalMs() {
        return checkpointIntervalMs;
    }

    /**
     * Whether the settings came as property groups (Managed Service for Apache Flink, or a local
     * file in its shape): then the runtime owns state backend, checkpointing and parallelism, and
     * {@link #checkpointIntervalMs()} and {@link #parallelism()} are 0.
     */
    public boolean runtimeManaged() {
        return runtimeManaged;
    }

    /** 0: the environment's default. */
    public int parallelism() {
        return parallelism;
    }

    /** The key-group count of the job's keyed state: see {@link #DEFAULT_MAX_PARALLELISM}. */
    public int maxParallelism() {
        return maxParallelism;
    }

    public int sinkMaxInFlight() {
        return sinkMaxInFlight;
    }

    public int sinkMaxBatchSize() {
        return sinkMaxBatchSize;
    }

    /** How long a limit version waits in the sink's merge stage at least. */
    public long sinkMergeWindowMs() {
        return sinkMergeWindowMs;
    }

    /** How long a limit version waits in the sink's merge stage at most while the job is behind. */
    public long sinkMergeMaxWindowMs() {
        return sinkMergeMaxWindowMs;
    }

    /** Most limits the sink's merge stage holds per subtask. */
    public int sinkMergeMaxLimits() {
        return sinkMergeMaxLimits;
    }

    /** The subscriptions table; null: no subscriber feed. */
    public String subscriptionsTable() {
        return subscriptionsTable;
    }

    /** Where undeliverable subscriber messages are recorded. */
    public String undeliveredTable() {
        return undeliveredTable;
    }

    /** Threshold percentages, comma-separated. */
    public String thresholds() {
        return thresholds;
    }

    public long subscriptionsPollMs() {
        return subscriptionsPollMs;
    }

    public long deliveryTimeoutMs() {
        return deliveryTimeoutMs;
    }

    /** SQS's endpoint when it differs from {@code aws.endpoint}; null: the same (or the region's). */
    public String sqsEndpoint() {
        return sqsEndpoint;
    }
}
