package com.rglimits.localstack;

import com.rglimits.config.ConfigException;
import com.rglimits.config.ConfigReaders;
import com.rglimits.config.JobConfig;
import com.rglimits.config.JobOptions;
import com.rglimits.config.Settings;
import com.rglimits.deadletter.DeadLetter;
import com.rglimits.job.UserLimitsPipeline;
import com.rglimits.kinesis.DeadLetterSinkFactory;
import com.rglimits.kinesis.KinesisSourceFactory;
import com.rglimits.limit.UserLimit;
import com.rglimits.localaws.ElasticMq;
import com.rglimits.localaws.Kinesalite;
import com.rglimits.localaws.LocalAws;
import com.rglimits.localaws.LocalEmulators;
import com.rglimits.localaws.StreamAdmin;
import com.rglimits.sink.LimitsDynamoDbSink;
import com.rglimits.subscribe.SubscriberConnectors;
import com.rglimits.table.LimitTable;
import com.rglimits.table.SubscriptionItems;
import com.rglimits.table.UndeliveredItems;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * The whole system on one machine, no Docker: kinesalite and dynalite behind one endpoint
 * ({@link LocalEmulators}), ElasticMQ for the subscribers' SQS queues ({@link ElasticMq}), the
 * input stream (several shards), the dead-letter stream, the table and the subscribers' tables,
 * and the job reading the real Kinesis API in an embedded Flink, until Ctrl-C.
 *
 * <pre>
 * mvn -q compile exec:exec@local-stack [-Dargs="--port 4567 --sqs-port 9324 --shards 4 --ordering.out-of-orderness 5s ..."]
 * </pre>
 * Settings: every job setting (same keys as the job; defaults below point it at the emulators),
 * plus {@code port} (the emulators' endpoint, default 4567), {@code shards} (input stream, default 4)
 * and {@code sqs-port} (ElasticMQ, default 9324). While it runs, {@link LocalStackEndpoints} tells
 * the producer, the watcher and the subscriber tool where it serves.
 */
public final class LocalStack {
    public static final int DEFAULT_PORT = 4567;
    public static final String INPUT_STREAM = "user-limit-events";
    public static final String DLQ_STREAM = "user-limits-dead-letters";
    public static final String PORT = "port";
    public static final String SHARDS = "shards";
    public static final String SQS_PORT = "sqs-port";
    public static final int DEFAULT_SQS_PORT = 9324;

    private LocalStack() {}

    public static void main(String[] args) throws Exception {
        Kinesalite.disableCbor(); // EMULATOR QUIRK, before any AWS client exists
        Settings given;
        int port;
        int shards;
        int sqsPort;
        JobConfig config;
        try {
            given = ConfigReaders.fromArgs(args);
            port = given.intValue(PORT, DEFAULT_PORT, 0);
            shards = given.intValue(SHARDS, 4, 1);
            sqsPort = given.intValue(SQS_PORT, DEFAULT_SQS_PORT, 0);
            config = jobConfig(given, LocalEmulators.awsProperties(java.net.URI.create("http://127.0.0.1:" + port)), sqsPort);
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }

        Services services = Services.start(config, port, sqsPort, shards);
        Runtime.getRuntime().addShutdownHook(new Thread(services::close, "local-stack-shutdown"));
        System.out.println(banner(services.emulators, config, shards));

        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(
                config.parallelism() > 0 ? config.parallelism() : 2, new Configuration());
        UserLimitsPipeline.configure(env, config);
        Sink<UserLimit> limitsSink = LimitsDynamoDbSink.fromConfig(config);
        Sink<DeadLetter> deadLetterSink = DeadLetterSinkFactory.create(config);
        UserLimitsPipeline.build(env, KinesisSourceFactory.create(config), limitsSink, deadLetterSink,
                SubscriberConnectors.fromConfig(config, false), config);
        try {
            env.execute("user-limits (local stack)");
        } catch (Exception e) {
            e.printStackTrace();
            System.err.println("the job failed: " + rootCause(e));
        }
        System.exit(1); // the emulators' threads would keep the JVM alive; the shutdown hook stops them
    }

    /**
     * The emulators (kinesalite and dynalite behind one endpoint, ElasticMQ) with the streams and
     * tables the job's settings name: what the job runs against, in an embedded Flink here or on
     * the local cluster ({@code com.rglimits.cluster.ClusterCommand}).
     */
    public static final class Services implements AutoCloseable {
        public final LocalEmulators emulators;
        public final ElasticMq sqs;

        private Services(LocalEmulators emulators, ElasticMq sqs) {
            this.emulators = emulators;
            this.sqs = sqs;
        }

        /** Starts them on {@code port} (Kinesis and DynamoDB) and {@code sqsPort}; creates the input stream with {@code shards}. */
        public static Services start(JobConfig config, int port, int sqsPort, int shards) throws Exception {
            LocalEmulators emulators = LocalEmulators.start(port);
            ElasticMq sqs;
            try {
                sqs = ElasticMq.start(sqsPort);
            } catch (Exception e) {
                emulators.close();
                throw e;
            }
            Services services = new Services(emulators, sqs);
            try (KinesisClient kinesis = emulators.kinesisClient(); DynamoDbClient dynamoDb = emulators.dynamoDbClient()) {
                StreamAdmin.createStream(kinesis, config.sourceStream(), shards, Duration.ofSeconds(30));
                StreamAdmin.createStream(kinesis, config.dlqStream(), 1, Duration.ofSeconds(30));
                LimitTable.create(dynamoDb, config.tableName());
                SubscriptionItems.create(dynamoDb, config.subscriptionsTable());
                UndeliveredItems.create(dynamoDb, config.undeliveredTable());
                // The producer, watch and subscriber commands find them here while they run.
                new LocalStackEndpoints(emulators.endpoint(), sqs.endpoint()).write(LocalStackEndpoints.FILE);
            } catch (Exception e) {
                services.close();
                throw e;
            }
            return services;
        }

        @Override
        public void close() {
            try {
                Files.deleteIfExists(LocalStackEndpoints.FILE);
                sqs.close();
                emulators.close();
            } catch (Exception ignored) {
                // stopping anyway
            }
        }
    }

    private static String rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.toString();
    }

    /** The job's settings: whatever was given, over the local stack's defaults. */
    static JobConfig jobConfig(Settings given, java.util.Properties aws, int sqsPort) {
        Configuration defaults = new Configuration();
        aws.stringPropertyNames().forEach(k -> defaults.setString(k, aws.getProperty(k)));
        defaults.set(JobOptions.SOURCE_STREAM, INPUT_STREAM);
        defaults.set(JobOptions.DLQ_STREAM, DLQ_STREAM);
        defaults.set(JobOptions.PARALLELISM, 2);
        defaults.set(JobOptions.SUBSCRIBERS_TABLE, SubscriptionItems.DEFAULT_TABLE);
        defaults.set(JobOptions.SUBSCRIBERS_SQS_ENDPOINT, "http://127.0.0.1:" + sqsPort);
        Map<String, String> jobSettings = new HashMap<>(given.asMap());
        jobSettings.remove(PORT);
        jobSettings.remove(SHARDS);
        jobSettings.remove(SQS_PORT);
        return JobConfig.from(new Settings(jobSettings, given::describe), defaults);
    }

    static String banner(LocalEmulators emulators, JobConfig config, int shards) {
        String endpoint = emulators.endpoint().toString();
        String cli = "AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_DEFAULT_REGION=" + LocalAws.REGION
                + " aws --endpoint-url " + endpoint;
        return String.join(System.lineSeparator(),
                "",
                "Local stack is up (Ctrl-C stops everything):",
                "  AWS endpoint (Kinesis and DynamoDB): " + endpoint,
                "    kinesalite " + emulators.kinesaliteEndpoint() + ", dynalite " + emulators.dynamoDbEndpoint(),
                "  input stream:       " + config.sourceStream() + " (" + shards + " shards)",
                "  dead-letter stream: " + config.dlqStream(),
                "  table:              " + config.tableName(),
                "  SQS (ElasticMQ):    " + config.sqsEndpoint() + ", subscriptions in " + config.subscriptionsTable()
                        + ", undeliverable messages in " + config.undeliveredTable(),
                "",
                "Subscribers (README, \"Subscribers\"): the query API with its subscription endpoints, then a consumer:",
                "  mvn -q compile exec:java@query-api -Dexec.args=\"--aws.endpoint " + endpoint + " --sqs.endpoint "
                        + config.sqsEndpoint() + "\"",
                "  curl -X PUT localhost:8080/subscribers/payments",
                "  curl -X PUT localhost:8080/subscribers/payments/subscriptions/all-users",
                "  mvn -q compile exec:java@subscriber -Dexec.args=\"--subscriber payments --sqs.endpoint "
                        + config.sqsEndpoint() + "\"",
                "",
                "Publish events (another terminal; the tools below find this stack's ports in " + LocalStackEndpoints.FILE + "):",
                "  mvn -q compile exec:java@producer -Dexec.args=\"--file data/sample-events.json --rate 50\"",
                "Watch the table and the dead letters:",
                "  mvn -q compile exec:java@watch",
                "or with the AWS CLI:",
                "  " + cli + " dynamodb scan --table-name " + config.tableName(),
                "  " + cli + " kinesis describe-stream-summary --stream-name " + config.dlqStream(),
                "");
    }
}
