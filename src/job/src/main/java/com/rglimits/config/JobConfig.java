package com.rglimits.config;

import com.rglimits.aws.AwsSettings;
import java.io.Serializable;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

/**
 * Every setting of the job, typed and validated once at start: a Flink {@link Configuration} of the
 * {@link JobOptions}, read from {@link Settings} (so command-line options, a local properties file
 * and the managed service's runtime properties go through the same code), plus every {@code aws.*}
 * setting for the AWS connectors. Keys are {@code group.key}; on the managed service the group is
 * the property group id.
 */
public final class JobConfig implements Serializable {
    private static final long serialVersionUID = 2L;

    /** Required with property groups: there is no local file to fall back on. */
    private static final List<ConfigOption<String>> REQUIRED_ON_MANAGED_RUNTIME =
            List.of(JobOptions.SOURCE_STREAM, JobOptions.DLQ_STREAM);

    private final Configuration options;
    private final boolean runtimeManaged;

    private JobConfig(Configuration options, boolean runtimeManaged) {
        this.options = options;
        this.runtimeManaged = runtimeManaged;
    }

    public static JobConfig from(Settings settings) {
        return from(settings, new Configuration());
    }

    /**
     * The settings given, over a program's own defaults (a local run's files and parallelism, the
     * emulators' {@code aws.*} settings), over the options' defaults. A setting given under a
     * deprecated name still overrides the program's default under the new one.
     */
    public static JobConfig from(Settings settings, Configuration defaults) {
        OptionReader reader = new OptionReader(settings);
        boolean runtimeManaged = settings.runtimeManaged();
        if (runtimeManaged) {
            rejectOnManagedRuntime(reader);
        }
        Configuration options = new Configuration();
        for (ConfigOption<?> option : JobOptions.ALL) {
            // Read with AT_TIMESTAMP only: given with another position it is an unknown setting.
            if (option != JobOptions.SOURCE_INITPOS_TIMESTAMP) {
                copy(reader, defaults, option, options);
            }
            if (runtimeManaged && REQUIRED_ON_MANAGED_RUNTIME.contains(option) && !options.contains(option)) {
                throw new ConfigException(reader.describe(option) + " is required");
            }
            if (option == JobOptions.SOURCE_INITPOS && options.get(JobOptions.SOURCE_INITPOS) == StartingPosition.AT_TIMESTAMP) {
                options.set(JobOptions.SOURCE_INITPOS_TIMESTAMP, reader.read(JobOptions.SOURCE_INITPOS_TIMESTAMP)
                        .orElseThrow(() -> new ConfigException(reader.describe(JobOptions.SOURCE_INITPOS_TIMESTAMP)
                                + " is required with AT_TIMESTAMP")));
            }
        }
        // The connectors' other aws.* settings (credentials sub-keys, HTTP client) go to them as they are.
        defaults.toMap().forEach((key, value) -> {
            if (key.startsWith(AwsSettings.PREFIX) && !options.containsKey(key)) {
                options.setString(key, value);
            }
        });
        settings.withPrefix(AwsSettings.PREFIX).forEach((key, value) -> {
            if (!JobOptions.isDeclared(key)) {
                options.setString(key, value);
            }
        });

        int parallelism = options.getOptional(JobOptions.PARALLELISM).orElse(0);
        int maxParallelism = options.get(JobOptions.MAX_PARALLELISM);
        if (parallelism > maxParallelism) {
            throw new ConfigException(reader.describe(JobOptions.PARALLELISM) + " (" + parallelism + ") must be <= "
                    + reader.describe(JobOptions.MAX_PARALLELISM) + " (" + maxParallelism + ")");
        }
        validThresholds(reader.describe(JobOptions.SUBSCRIBERS_THRESHOLDS), options.get(JobOptions.SUBSCRIBERS_THRESHOLDS));
        if (!options.contains(JobOptions.SOURCE_STREAM) && !options.contains(JobOptions.SOURCE_FILE)) {
            throw new ConfigException("no input: set " + reader.describe(JobOptions.SOURCE_STREAM)
                    + " or " + reader.describe(JobOptions.SOURCE_FILE));
        }
        settings.rejectUnknown();
        return new JobConfig(options, runtimeManaged);
    }

    private static <T> void copy(OptionReader reader, Configuration defaults, ConfigOption<T> option, Configuration to) {
        reader.read(option).or(() -> defaults.getOptional(option)).ifPresent(value -> to.set(option, value));
    }

    /**
     * On Managed Service for Apache Flink the service's ApplicationConfiguration sets checkpointing
     * and parallelism (and scales the application); a property that tried to set them from the job
     * would fight the service, so it is an error, as are the local-run keys.
     */
    private static void rejectOnManagedRuntime(OptionReader reader) {
        if (reader.givenKey(JobOptions.CHECKPOINT_INTERVAL) != null) {
            throw new ConfigException(reader.describe(JobOptions.CHECKPOINT_INTERVAL) + " is not read from property groups:"
                    + " the runtime owns checkpointing (on Managed Service for Apache Flink: ApplicationConfiguration"
                    + ".FlinkApplicationConfiguration.CheckpointConfiguration)");
        }
        if (reader.givenKey(JobOptions.PARALLELISM) != null) {
            throw new ConfigException(reader.describe(JobOptions.PARALLELISM) + " is not read from property groups:"
                    + " the runtime owns the parallelism (on Managed Service for Apache Flink: ApplicationConfiguration"
                    + ".FlinkApplicationConfiguration.ParallelismConfiguration)");
        }
        for (ConfigOption<String> option : JobOptions.LOCAL_ONLY) {
            if (reader.givenKey(option) != null) {
                throw new ConfigException(reader.describe(option) + " is for local runs only: with property groups the job"
                        + " reads the Kinesis stream " + JobOptions.SOURCE_STREAM.key() + " and writes dead letters to "
                        + JobOptions.DLQ_STREAM.key());
            }
        }
    }

    /** Percentages, as {@code com.rglimits.subscribe.Thresholds} parses them (kept free of that package). */
    private static void validThresholds(String described, String value) {
        for (String part : value.split(",", -1)) {
            try {
                if (new BigDecimal(part.trim()).signum() <= 0) {
                    throw new ConfigException(described + " must be percentages above 0, got '" + part.trim() + "'");
                }
            } catch (NumberFormatException e) {
                throw new ConfigException(described + " must be comma-separated decimal percentages (e.g. 80,100), got '"
                        + value + "'");
            }
        }
    }

    /** A setting's value: as given, else its default. */
    public <T> T get(ConfigOption<T> option) {
        return options.get(option);
    }

    /** The {@code aws.*} settings as the AWS connectors take them. */
    public Properties awsProperties() {
        Properties p = new Properties();
        for (Map.Entry<String, String> e : options.toMap().entrySet()) {
            if (e.getKey().startsWith(AwsSettings.PREFIX)) {
                p.setProperty(e.getKey(), e.getValue());
            }
        }
        return p;
    }

    public String sourceStream() {
        return get(JobOptions.SOURCE_STREAM);
    }

    public StartingPosition startingPosition() {
        return get(JobOptions.SOURCE_INITPOS);
    }

    /** Epoch ms, with {@link StartingPosition#AT_TIMESTAMP}; null otherwise. */
    public Long startingTimestamp() {
        return get(JobOptions.SOURCE_INITPOS_TIMESTAMP);
    }

    public String sourceFile() {
        return get(JobOptions.SOURCE_FILE);
    }

    public String tableName() {
        return get(JobOptions.TABLE_NAME);
    }

    public String dlqStream() {
        return get(JobOptions.DLQ_STREAM);
    }

    public String dlqFile() {
        return get(JobOptions.DLQ_FILE);
    }

    public String exportFile() {
        return get(JobOptions.EXPORT_FILE);
    }

    public long outOfOrdernessMs() {
        return get(JobOptions.OUT_OF_ORDERNESS).toMillis();
    }

    public long idlenessMs() {
        return get(JobOptions.IDLENESS).toMillis();
    }

    public long maxHoldMs() {
        return get(JobOptions.MAX_HOLD).toMillis();
    }

    /** See {@link JobOptions#MAX_AHEAD}. */
    public long maxAheadMs() {
        return get(JobOptions.MAX_AHEAD).toMillis();
    }

    /** How long an event that arrives behind the watermark waits for its user's other events: see {@code EventOrdering}. */
    public long arrivalHoldMs() {
        // By default an event behind the watermark waits as long as the bound makes every other one wait.
        return options.getOptional(JobOptions.ARRIVAL_HOLD).orElse(get(JobOptions.OUT_OF_ORDERNESS)).toMillis();
    }

    /** How far one key's record may move its split's event time ahead: see {@link JobOptions#MAX_JUMP}. */
    public long maxJumpMs() {
        return get(JobOptions.MAX_JUMP).toMillis();
    }

    /** How many keys' records confirm a jump of a split's event time beyond {@link #maxJumpMs()}. */
    public int confirmingKeys() {
        return get(JobOptions.CONFIRMING_KEYS);
    }

    /** Users whose state the keyed operator keeps in memory between checkpoints, at most. */
    public int cachedUsers() {
        return get(JobOptions.CACHED_USERS);
    }

    /**
     * Whether the input carries every record of each user, of every type, numbered in one sequence per
     * user: then an event whose sequenceNumber follows the last number seen for its user is applied at
     * once instead of waiting for the watermark (see {@code UserLimitOperator}).
     */
    public boolean completeStream() {
        return get(JobOptions.COMPLETE_STREAM);
    }

    public long dedupRetentionMs() {
        return get(JobOptions.DEDUP_RETENTION).toMillis();
    }

    /** 0: checkpointing is the runtime's ({@link #runtimeManaged()}). */
    public long checkpointIntervalMs() {
        return runtimeManaged ? 0 : get(JobOptions.CHECKPOINT_INTERVAL).toMillis();
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
        return runtimeManaged ? 0 : options.getOptional(JobOptions.PARALLELISM).orElse(0);
    }

    /** The key-group count of the job's keyed state: see {@link JobOptions#MAX_PARALLELISM}. */
    public int maxParallelism() {
        return get(JobOptions.MAX_PARALLELISM);
    }

    public int sinkMaxInFlight() {
        return get(JobOptions.SINK_MAX_IN_FLIGHT);
    }

    public int sinkMaxBatchSize() {
        return get(JobOptions.SINK_MAX_BATCH_SIZE);
    }

    /** How long a limit version waits in the sink's merge stage at least. */
    public long sinkMergeWindowMs() {
        return get(JobOptions.SINK_MERGE_WINDOW).toMillis();
    }

    /** How long a limit version waits in the sink's merge stage at most while the job is behind. */
    public long sinkMergeMaxWindowMs() {
        return get(JobOptions.SINK_MERGE_MAX_WINDOW).toMillis();
    }

    /** Most limits the sink's merge stage holds per subtask. */
    public int sinkMergeMaxLimits() {
        return get(JobOptions.SINK_MERGE_MAX_LIMITS);
    }

    /** The subscriptions table; null: no subscriber feed. */
    public String subscriptionsTable() {
        return get(JobOptions.SUBSCRIBERS_TABLE);
    }

    /** Where undeliverable subscriber messages are recorded. */
    public String undeliveredTable() {
        return get(JobOptions.SUBSCRIBERS_UNDELIVERED_TABLE);
    }

    /** Threshold percentages, comma-separated. */
    public String thresholds() {
        return get(JobOptions.SUBSCRIBERS_THRESHOLDS);
    }

    public long subscriptionsPollMs() {
        return get(JobOptions.SUBSCRIBERS_POLL).toMillis();
    }

    public long deliveryTimeoutMs() {
        return get(JobOptions.SUBSCRIBERS_DELIVERY_TIMEOUT).toMillis();
    }

    /** SQS's endpoint when it differs from {@code aws.endpoint}; null: the same (or the region's). */
    public String sqsEndpoint() {
        return get(JobOptions.SUBSCRIBERS_SQS_ENDPOINT);
    }
}
