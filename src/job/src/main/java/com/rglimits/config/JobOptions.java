package com.rglimits.config;

import com.rglimits.aws.AwsSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.annotation.docs.Documentation;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * Every setting of the job, once: key, type, default, description and former names. Read by
 * {@link OptionReader} into a Flink {@code Configuration} ({@link JobConfig}); the README's
 * settings table is rendered from these declarations. A bare number given for a duration is
 * milliseconds, as in the keys' former {@code .ms} names.
 */
public final class JobOptions {
    private static final List<ConfigOption<?>> DECLARED = new ArrayList<>();
    private static final Map<ConfigOption<?>, Range<?>> RANGES = new HashMap<>();

    /** Flink's upper bound on max parallelism (2^15). */
    public static final int MAX_MAX_PARALLELISM = 32_768;

    public static final ConfigOption<String> SOURCE_STREAM = declare(ConfigOptions.key("source.stream")
            .stringType()
            .noDefaultValue()
            .withDescription("The input Kinesis data stream, by ARN or by name (a name is resolved to its ARN at"
                    + " start). Required with property groups; otherwise this or `source.file`."));

    public static final ConfigOption<StartingPosition> SOURCE_INITPOS = declare(ConfigOptions.key("source.initpos")
            .enumType(StartingPosition.class)
            .defaultValue(StartingPosition.TRIM_HORIZON)
            .withDescription("Where a job started without a snapshot or savepoint reads the input stream from:"
                    + " `TRIM_HORIZON` (the oldest record the stream keeps), `LATEST` (records published from now on)"
                    + " or `AT_TIMESTAMP` (`source.initpos.timestamp`). A restored job goes on from its stored positions."));

    public static final ConfigOption<Long> SOURCE_INITPOS_TIMESTAMP = declare(ConfigOptions.key("source.initpos.timestamp")
            .longType()
            .noDefaultValue()
            .withDescription("Epoch milliseconds to start reading from, with `AT_TIMESTAMP` (and only then)."),
            0L, null);

    public static final ConfigOption<String> SOURCE_FILE = declare(ConfigOptions.key("source.file")
            .stringType()
            .noDefaultValue()
            .withDescription("An events file to read instead of Kinesis (local runs): a JSON array, or one JSON"
                    + " record per line. Not read from property groups."));

    public static final ConfigOption<String> TABLE_NAME = declare(ConfigOptions.key(TableNames.TABLE_NAME)
            .stringType()
            .defaultValue(TableNames.DEFAULT_TABLE)
            .withDescription("The DynamoDB table of the limits, one item per limit. The query service reads the same"
                    + " setting."));

    public static final ConfigOption<String> DLQ_STREAM = declare(ConfigOptions.key("dlq.stream")
            .stringType()
            .noDefaultValue()
            .withDescription("The Kinesis data stream the dead letters go to, by ARN or by name. Required with"
                    + " property groups."));

    public static final ConfigOption<String> DLQ_FILE = declare(ConfigOptions.key("dlq.file")
            .stringType()
            .noDefaultValue()
            .withDescription("A JSON Lines file the dead letters go to instead (local runs). Not read from property"
                    + " groups."));

    public static final ConfigOption<String> EXPORT_FILE = declare(ConfigOptions.key("export.file")
            .stringType()
            .noDefaultValue()
            .withDescription("After a local run, every item of the table, one JSON object per line. Not read from"
                    + " property groups."));

    public static final ConfigOption<Duration> OUT_OF_ORDERNESS = declare(ConfigOptions.key("ordering.out-of-orderness")
            .durationType()
            .defaultValue(Duration.ofSeconds(5))
            .withDeprecatedKeys("ordering.out-of-orderness.ms")
            .withDescription("The watermark's bound: how far behind the newest `createdAt` of its input split an"
                    + " event may arrive and still be applied in order. Every event waits about this long; raise it"
                    + " when producers deliver a user's events further apart, lower it for less latency."),
            Duration.ZERO, null);

    public static final ConfigOption<Duration> WATERMARK_INTERVAL = declare(ConfigOptions.key("ordering.watermark-interval")
            .durationType()
            .defaultValue(Duration.ofMillis(50))
            .withDescription("How often the source emits its watermark (Flink's `pipeline.auto-watermark-interval`,"
                    + " whose default of 200 ms this replaces). An event waits out the bound, then for the next"
                    + " watermark: half this interval on average. Shorter: less latency, and fewer events held when a"
                    + " checkpoint pauses the keyed operator (those wait out the pause); each watermark costs a"
                    + " record per channel and a look at the held events."),
            Duration.ofMillis(1), Duration.ofSeconds(10));

    public static final ConfigOption<Duration> IDLENESS = declare(ConfigOptions.key("ordering.idleness")
            .durationType()
            .defaultValue(Duration.ofSeconds(10))
            .withDeprecatedKeys("ordering.idleness.ms")
            .withDescription("A source split (a shard) that delivers nothing for this long stops holding the"
                    + " watermark back, so a quiet shard does not stall every user's events. Set it above the longest"
                    + " gap a healthy shard shows. While the whole input resumes after it was idle, arriving events"
                    + " get the arrival hold for this long (see \"Processing decisions\")."),
            Duration.ofMillis(1), null);

    public static final ConfigOption<Duration> MAX_HOLD = declare(ConfigOptions.key("ordering.max-hold")
            .durationType()
            .defaultValue(Duration.ofSeconds(30))
            .withDeprecatedKeys("ordering.max-hold.ms")
            .withDescription("The longest an event is held while the watermark stands still (a quiet stream),"
                    + " counted from its arrival or the watermark's last move, whichever is later; also how long an"
                    + " unconfirmed jump on a stream waits for its verdict. Raise it if source readers stall"
                    + " (throttled, starved of CPU) that long."),
            Duration.ofMillis(1), null);

    public static final ConfigOption<Duration> MAX_AHEAD = declare(ConfigOptions.key("ordering.max-ahead")
            .durationType()
            .defaultValue(Duration.ofMinutes(5))
            .withDeprecatedKeys("ordering.max-ahead.ms")
            .withDescription("How far a record's `createdAt` may be ahead of the processing time at the source;"
                    + " further, the record never moves the watermark and an event is an `INVALID_EVENT` (metric"
                    + " `event_time_ahead`). A producer whose clock runs ahead by more is broken, not skewed; this is"
                    + " also the longest one accepted record can keep the watermark ahead of everyone's events."),
            Duration.ZERO, null);

    @Documentation.OverrideDefault("the bound, `ordering.out-of-orderness`")
    public static final ConfigOption<Duration> ARRIVAL_HOLD = declare(ConfigOptions.key("ordering.arrival-hold")
            .durationType()
            .noDefaultValue()
            .withDeprecatedKeys("ordering.arrival-hold.ms")
            .withDescription("How long an event that arrives behind the watermark waits for its user's other"
                    + " events, then is applied with them in sequence order: for bursts after a quiet spell, replays,"
                    + " backfills and restarts after an outage, where the first shard read carries the watermark past"
                    + " what the others still hold. `0`: applied at once."),
            Duration.ZERO, null);

    public static final ConfigOption<Duration> MAX_JUMP = declare(ConfigOptions.key("ordering.max-jump")
            .durationType()
            .defaultValue(Duration.ofMinutes(5))
            .withDeprecatedKeys("ordering.max-jump.ms")
            .withDescription("How far one user's record may move its split's event time ahead (as far as"
                    + " `ordering.max-ahead` lets a clock run ahead). Further, it is an unconfirmed jump: held until"
                    + " `ordering.confirming-keys` users reach its time, or an `INVALID_EVENT` (metric"
                    + " `event_time_outliers`) when the split moves on without it (see \"Processing decisions\")."),
            Duration.ZERO, null);

    public static final ConfigOption<Integer> CONFIRMING_KEYS = declare(ConfigOptions.key("ordering.confirming-keys")
            .intType()
            .defaultValue(3)
            .withDescription("How many users' records confirm a jump of a split's event time; a split's event time"
                    + " starts once this many users were seen on it. Three, because two could both be wrong."),
            1, null);

    public static final ConfigOption<Integer> CACHED_USERS = declare(ConfigOptions.key("ordering.cached-users")
            .intType()
            .defaultValue(200_000)
            .withDescription("Users whose limits and sequence cursor the keyed operator keeps in memory, per"
                    + " subtask (at most ~3 KB of heap each with two limits). When full, changes are written back and"
                    + " a quarter evicted, least recently used first (a user used again since it was cached or last"
                    + " passed over gets a second chance); users holding events stay (if they alone fill it, it"
                    + " grows by a quarter)."),
            1, null);

    public static final ConfigOption<Boolean> COMPLETE_STREAM = declare(ConfigOptions.key("ordering.complete-stream")
            .booleanType()
            .defaultValue(false)
            .withDescription("The input carries every record of each user, of every type (see \"Events next in"
                    + " line\"): an event whose sequenceNumber follows the last one seen for its user is applied on"
                    + " arrival instead of waiting for the watermark; after a gap, events wait as before."));

    public static final ConfigOption<Duration> DEDUP_RETENTION = declare(ConfigOptions.key("dedup.retention")
            .durationType()
            .defaultValue(Duration.ofDays(7))
            .withDeprecatedKeys("dedup.retention.ms")
            .withDescription("How long eventIds are remembered for de-duplication (processing time, from the"
                    + " checkpoint after the event arrived). A redelivery after it is a `LATE_EVENT` instead of a"
                    + " duplicate. Each remembered eventId takes 16 bytes of state."),
            Duration.ofMillis(1), null);

    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL = declare(ConfigOptions.key("checkpoint.interval")
            .durationType()
            .defaultValue(Duration.ofSeconds(10))
            .withDeprecatedKeys("checkpoint.interval.ms")
            .withDescription("How often the job takes an exactly-once checkpoint (Flink's"
                    + " `execution.checkpointing.interval`), on RocksDB with incremental checkpoints. Not read from"
                    + " property groups: the managed service's `CheckpointConfiguration` sets it."),
            Duration.ofMillis(10), null);

    @Documentation.OverrideDefault("the environment's")
    public static final ConfigOption<Integer> PARALLELISM = declare(ConfigOptions.key("job.parallelism")
            .intType()
            .noDefaultValue()
            .withDescription("The job's parallelism (Flink's `parallelism.default`), at most"
                    + " `job.max-parallelism`; `0`: the environment's. Not read from property groups: the managed"
                    + " service's `ParallelismConfiguration` sets it."),
            0, null);

    public static final ConfigOption<Integer> MAX_PARALLELISM = declare(ConfigOptions.key("job.max-parallelism")
            .intType()
            .defaultValue(128)
            .withDescription("The key groups of the keyed state (Flink's `pipeline.max-parallelism`): fixed into"
                    + " every checkpoint and savepoint, which restore only into a job with the same value (bootstrapped"
                    + " savepoints too), and the upper bound of rescaling. Never change it on a running application"
                    + " (see `docs/operations.md`)."),
            1, MAX_MAX_PARALLELISM);

    public static final ConfigOption<Integer> SINK_MAX_IN_FLIGHT = declare(ConfigOptions.key("sink.max-in-flight")
            .intType()
            .defaultValue(8)
            .withDescription("DynamoDB requests in flight per sink subtask."),
            1, null);

    public static final ConfigOption<Integer> SINK_MAX_BATCH_SIZE = declare(ConfigOptions.key("sink.max-batch-size")
            .intType()
            .defaultValue(100)
            .withDescription("Limit versions the sink sends per flush of its buffer, per subtask."),
            1, null);

    public static final ConfigOption<Duration> SINK_MERGE_WINDOW = declare(ConfigOptions.key("sink.merge.window")
            .durationType()
            .defaultValue(Duration.ofMillis(200))
            .withDeprecatedKeys("sink.merge.window.ms")
            .withDescription("While the job is live: how long a limit version waits at least in the sink's merge"
                    + " stage, for a newer version of the same limit to replace it, when its limit was written less"
                    + " than this before; a version of a limit not written for this long is written at once (the"
                    + " first change reaches the table without waiting, those that follow it closely merge). Versions"
                    + " also merge while the requests in flight are full, and while an older version of the limit is"
                    + " in flight (`docs/benchmark.md`, \"Sink cost\")."),
            Duration.ZERO, null);

    public static final ConfigOption<Duration> SINK_MERGE_MAX_WINDOW = declare(ConfigOptions.key("sink.merge.max-window")
            .durationType()
            .defaultValue(Duration.ofMinutes(1))
            .withDeprecatedKeys("sink.merge.max-window.ms")
            .withDescription("While the job is behind (its records' `createdAt` trails the wall clock by more than"
                    + " `ordering.out-of-orderness` + 1 s): the merge window is a tenth of that lag beyond live, at"
                    + " most this. `0` (or at most `sink.merge.window`): the window does not follow the lag. Set `0`"
                    + " where the producers' clocks trail the wall clock: the sink would take the stream for a backlog"
                    + " and write up to this late (see \"Processing decisions\")."),
            Duration.ZERO, null);

    public static final ConfigOption<Integer> SINK_MERGE_MAX_LIMITS = declare(ConfigOptions.key("sink.merge.max-limits")
            .intType()
            .defaultValue(20_000)
            .withDescription("Most limits the merge stage holds per sink subtask (about 2-3 KB of heap each);"
                    + " beyond, the oldest is sent at once."),
            1, null);

    public static final ConfigOption<String> SUBSCRIBERS_TABLE = declare(ConfigOptions.key(TableNames.SUBSCRIBERS_TABLE)
            .stringType()
            .noDefaultValue()
            .withDescription("The subscriptions table, which the query service's subscription API writes. Set: the"
                    + " subscriber feed is on (`docs/subscribers.md`)."));

    public static final ConfigOption<String> SUBSCRIBERS_UNDELIVERED_TABLE = declare(ConfigOptions.key(TableNames.UNDELIVERED_TABLE)
            .stringType()
            .defaultValue(TableNames.DEFAULT_UNDELIVERED_TABLE)
            .withDescription("Where subscriber messages that could not be delivered are recorded, for the replay"
                    + " tool."));

    public static final ConfigOption<String> SUBSCRIBERS_THRESHOLDS = declare(ConfigOptions.key("subscribers.thresholds")
            .stringType()
            .defaultValue("80,100")
            .withDescription("Percentages of a limit's value whose crossing sends `LIMIT_THRESHOLD_REACHED`:"
                    + " comma-separated decimals above 0."));

    public static final ConfigOption<Duration> SUBSCRIBERS_POLL = declare(ConfigOptions.key("subscribers.poll")
            .durationType()
            .defaultValue(Duration.ofSeconds(5))
            .withDeprecatedKeys("subscribers.poll.ms")
            .withDescription("How often the job scans the subscriptions table: a change of subscriptions takes"
                    + " effect within about this long."),
            Duration.ofMillis(100), null);

    public static final ConfigOption<Duration> SUBSCRIBERS_DELIVERY_TIMEOUT = declare(ConfigOptions.key("subscribers.delivery-timeout")
            .durationType()
            .defaultValue(Duration.ofSeconds(30))
            .withDeprecatedKeys("subscribers.delivery-timeout.ms")
            .withDescription("The longest a subscriber message is retried (throttled, slow or failing queue) before"
                    + " it is recorded as undeliverable."),
            Duration.ofMillis(100), null);

    @Documentation.OverrideDefault("`aws.endpoint`")
    public static final ConfigOption<String> SUBSCRIBERS_SQS_ENDPOINT = declare(ConfigOptions.key("subscribers.sqs.endpoint")
            .stringType()
            .noDefaultValue()
            .withDescription("SQS's endpoint when it is not `aws.endpoint` (an emulator of its own)."));

    @Documentation.OverrideDefault("the SDK's region chain")
    public static final ConfigOption<String> AWS_REGION = declare(ConfigOptions.key(AwsSettings.REGION)
            .stringType()
            .noDefaultValue()
            .withDescription("The AWS region of the streams and tables."));

    @Documentation.OverrideDefault("the region's")
    public static final ConfigOption<String> AWS_ENDPOINT = declare(ConfigOptions.key(AwsSettings.ENDPOINT)
            .stringType()
            .noDefaultValue()
            .withDescription("One endpoint for Kinesis, DynamoDB and SQS instead of the region's (emulators)."));

    @Documentation.OverrideDefault("`AUTO`")
    public static final ConfigOption<String> AWS_CREDENTIALS_PROVIDER = declare(ConfigOptions.key(AwsSettings.CREDENTIALS_PROVIDER)
            .stringType()
            .noDefaultValue()
            .withDescription("How the AWS clients get credentials, as the Flink AWS connectors define it: `AUTO`"
                    + " (the SDK's default chain, e.g. the application's role), `BASIC`, `ENV_VAR`, `SYS_PROP`,"
                    + " `PROFILE`, `ASSUME_ROLE`, `WEB_IDENTITY_TOKEN` or `CUSTOM`, each with its sub-keys"
                    + " (`aws.credentials.provider.profile.name`, `.role.arn`, ...). These and every other `aws.*`"
                    + " setting go to the connectors as they are."));

    public static final ConfigOption<String> AWS_ACCESS_KEY_ID = declare(ConfigOptions.key(AwsSettings.ACCESS_KEY_ID)
            .stringType()
            .noDefaultValue()
            .withDescription("With `BASIC`: the access key id."));

    public static final ConfigOption<String> AWS_SECRET_KEY = declare(ConfigOptions.key(AwsSettings.SECRET_KEY)
            .stringType()
            .noDefaultValue()
            .withDescription("With `BASIC`: the secret access key."));

    /** Every setting, in the order the README lists them. */
    public static final List<ConfigOption<?>> ALL = Collections.unmodifiableList(DECLARED);

    /** Settings of local runs only: with property groups the job reads and writes Kinesis. */
    static final List<ConfigOption<String>> LOCAL_ONLY = List.of(SOURCE_FILE, DLQ_FILE, EXPORT_FILE);

    private JobOptions() {}

    /** The property groups of the settings the job reads from property groups, in the README's order. */
    public static List<String> propertyGroups() {
        Set<String> groups = new LinkedHashSet<>();
        for (ConfigOption<?> option : ALL) {
            if (!LOCAL_ONLY.contains(option) && option != CHECKPOINT_INTERVAL && option != PARALLELISM) {
                groups.add(option.key().substring(0, option.key().indexOf('.')));
            }
        }
        return new ArrayList<>(groups);
    }

    /** Whether {@code key} is the key of one of the job's settings (not a former name of one). */
    public static boolean isDeclared(String key) {
        return ALL.stream().anyMatch(option -> option.key().equals(key));
    }

    /** The allowed values of a numeric setting; null if it has no bounds. */
    public static Range<?> range(ConfigOption<?> option) {
        return RANGES.get(option);
    }

    /** The least and greatest value of a setting, each null when unbounded. */
    public static final class Range<T extends Comparable<? super T>> {
        public final T min;
        public final T max;

        Range(T min, T max) {
            this.min = min;
            this.max = max;
        }
    }

    private static <T> ConfigOption<T> declare(ConfigOption<T> option) {
        DECLARED.add(option);
        return option;
    }

    private static <T extends Comparable<? super T>> ConfigOption<T> declare(ConfigOption<T> option, T min, T max) {
        RANGES.put(option, new Range<>(min, max));
        return declare(option);
    }
}
