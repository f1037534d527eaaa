package com.rglimits.query;

import com.rglimits.aws.AwsSettings;
import com.rglimits.config.ConfigException;
import com.rglimits.config.Settings;
import com.rglimits.config.TableNames;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;

/**
 * Every setting of the query service, typed and validated once at start. Read from the same
 * {@link Settings} as the job's, so {@code --key value} options and {@code --config file}
 * work alike; the tables are named as for the job ({@link TableNames}), the {@code aws.*} keys are
 * the ones the job's connectors take ({@link AwsSettings}), the {@code auth*} keys are {@link AuthConfig}'s.
 */
public final class QueryConfig {
    public static final String HOST = "host";
    public static final String PORT = "port";
    public static final String WORKER_THREADS = "http.worker-threads";
    public static final String TABLE_NAME = TableNames.TABLE_NAME;
    public static final String CONSISTENT_READ = "dynamodb.consistent-read";
    public static final String CALL_TIMEOUT_MS = "dynamodb.call-timeout.ms";
    public static final String ATTEMPT_TIMEOUT_MS = "dynamodb.attempt-timeout.ms";
    public static final String MAX_CONNECTIONS = "dynamodb.max-connections";
    public static final String SQS_ENDPOINT = "sqs.endpoint";

    private final String host;
    private final int port;
    private final int workerThreads;
    private final String tableName;
    private final boolean consistentRead;
    private final Duration callTimeout;
    private final Duration attemptTimeout;
    private final int maxConnections;
    private final AwsSettings aws;
    private final AuthConfig auth;
    private final String subscriptionsTable;
    private final URI sqsEndpoint;

    private QueryConfig(Settings s, String defaultHost, AuthConfig.Mode defaultAuth) {
        host = s.string(HOST, defaultHost);
        port = s.intValue(PORT, 8080, 0);
        if (port > 65535) {
            throw new ConfigException(s.describe(PORT) + " must be <= 65535, got " + port);
        }
        workerThreads = s.intValue(WORKER_THREADS, 32, 1);
        tableName = s.string(TABLE_NAME, TableNames.DEFAULT_TABLE);
        consistentRead = booleanValue(s, CONSISTENT_READ, false);
        callTimeout = Duration.ofMillis(s.longValue(CALL_TIMEOUT_MS, 2_000, 1));
        attemptTimeout = Duration.ofMillis(s.longValue(ATTEMPT_TIMEOUT_MS, 700, 1));
        if (attemptTimeout.compareTo(callTimeout) > 0) {
            throw new ConfigException(s.describe(ATTEMPT_TIMEOUT_MS) + " must not exceed " + s.describe(CALL_TIMEOUT_MS));
        }
        maxConnections = s.intValue(MAX_CONNECTIONS, 64, 1);
        aws = AwsSettings.read(s);
        auth = AuthConfig.read(s, defaultAuth);
        subscriptionsTable = s.string(TableNames.SUBSCRIBERS_TABLE, TableNames.DEPRECATED_SUBSCRIPTIONS_TABLE,
                TableNames.DEFAULT_SUBSCRIBERS_TABLE, warning -> System.err.println("warning: " + warning));
        String q = s.string(SQS_ENDPOINT, null);
        String e = aws.get(AwsSettings.ENDPOINT);
        sqsEndpoint = q != null ? endpoint(s, SQS_ENDPOINT, q) : e != null ? URI.create(e) : null;
    }

    /** Reads the settings as the service jar does: {@link AuthConfig#MODE} must be given. */
    public static QueryConfig from(Settings settings, String defaultHost) {
        return from(settings, defaultHost, null);
    }

    /**
     * Reads the settings and fails on any key it does not know.
     *
     * @param defaultAuth null: {@link AuthConfig#MODE} must be given
     */
    public static QueryConfig from(Settings settings, String defaultHost, AuthConfig.Mode defaultAuth) {
        QueryConfig c = new QueryConfig(settings, defaultHost, defaultAuth);
        settings.rejectUnknown();
        return c;
    }

    /** Reads the settings, leaving it to the caller to read its own keys and reject unknown ones. */
    static QueryConfig readFrom(Settings settings, String defaultHost, AuthConfig.Mode defaultAuth) {
        return new QueryConfig(settings, defaultHost, defaultAuth);
    }

    private static boolean booleanValue(Settings s, String key, boolean defaultValue) {
        String v = s.string(key, null);
        if (v == null) {
            return defaultValue;
        }
        switch (v.toLowerCase(Locale.ROOT)) {
            case "true":
                return true;
            case "false":
                return false;
            default:
                throw new ConfigException(s.describe(key) + " must be true or false, got '" + v + "'");
        }
    }

    private static URI endpoint(Settings s, String key, String value) {
        try {
            URI uri = new URI(value);
            if (uri.getScheme() == null || uri.getHost() == null
                    || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
                throw new ConfigException(s.describe(key) + " must be an http(s) URL, got '" + value + "'");
            }
            return uri;
        } catch (java.net.URISyntaxException ex) {
            throw new ConfigException(s.describe(key) + " is not a URL: '" + value + "'");
        }
    }

    public String host() {
        return host;
    }

    /** 0: any free port. */
    public int port() {
        return port;
    }

    public int workerThreads() {
        return workerThreads;
    }

    public String tableName() {
        return tableName;
    }

    public boolean consistentRead() {
        return consistentRead;
    }

    /** Bound on one DynamoDB call, retries included. */
    public Duration callTimeout() {
        return callTimeout;
    }

    /** Bound on one HTTP attempt of a DynamoDB call. */
    public Duration attemptTimeout() {
        return attemptTimeout;
    }

    public int maxConnections() {
        return maxConnections;
    }

    /** Region (else the SDK's default chain), endpoint (else the region's), credentials: DynamoDB's and SQS's. */
    public AwsSettings aws() {
        return aws;
    }

    public AuthConfig auth() {
        return auth;
    }

    /** The subscriptions table the subscription endpoints manage (and the job reads). */
    public String subscriptionsTable() {
        return subscriptionsTable;
    }

    /** SQS's endpoint: {@link #SQS_ENDPOINT}, else {@code aws.endpoint}; null: the region's. */
    public URI sqsEndpoint() {
        return sqsEndpoint;
    }
}
