package com.rglimits.query;

import com.rglimits.aws.AwsSettings;
import com.rglimits.config.ConfigException;
import com.rglimits.config.ConfigReaders;
import com.rglimits.config.Settings;
import com.rglimits.localaws.Dynalite;
import com.rglimits.localaws.LocalAws;
import com.rglimits.table.LimitTable;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The query API for local runs: against a dynalite it starts itself, or the one
 * a local job run or stack already has ({@code --aws.endpoint}); creates the table when absent and
 * can fill it with generated users ({@code --demo-users N}). Needs the emulator, so
 * it runs from Maven ({@code exec:java@query-api}), not from the jar. Open by default (it binds
 * loopback and serves demo data); {@code --auth jwt ...} as for the jar.
 */
public final class LocalQueryService {
    public static final String DEMO_USERS = "demo-users";
    public static final String DYNAMODB_PORT = "local.dynamodb-port";

    private LocalQueryService() {}

    public static void main(String[] args) {
        Cli.run(args, LocalQueryService::start);
    }

    static AutoCloseable start(String[] args) throws Exception {
        Settings given = ConfigReaders.fromArgs(args);
        // dynalite takes any credentials, but the SDK still wants some and a region.
        Map<String, String> values = new HashMap<>();
        values.put(AwsSettings.REGION, LocalAws.REGION);
        values.put(AwsSettings.CREDENTIALS_PROVIDER, AwsSettings.CredentialsProvider.BASIC.name());
        values.put(AwsSettings.ACCESS_KEY_ID, LocalAws.ACCESS_KEY);
        values.put(AwsSettings.SECRET_KEY, LocalAws.SECRET_KEY);
        values.putAll(given.asMap());
        Settings settings = new Settings(values, given::describe);
        QueryConfig config = QueryConfig.readFrom(settings, "127.0.0.1", AuthConfig.Mode.NONE);
        int demoUsers = settings.intValue(DEMO_USERS, 0, 0);
        int dynamoPort = settings.intValue(DYNAMODB_PORT, 0, 0);
        settings.rejectUnknown();
        String endpointGiven = config.aws().get(AwsSettings.ENDPOINT);
        if (endpointGiven != null && dynamoPort != 0) {
            throw new ConfigException(settings.describe(DYNAMODB_PORT) + " applies only without "
                    + settings.describe(AwsSettings.ENDPOINT));
        }

        Dynalite local = null;
        DynamoDbClient client = null;
        try {
            URI endpoint;
            if (endpointGiven != null) {
                endpoint = URI.create(endpointGiven);
            } else {
                local = dynamoPort == 0 ? Dynalite.start() : Dynalite.start(dynamoPort);
                endpoint = local.endpoint();
            }
            AwsSettings aws = config.aws().with(AwsSettings.ENDPOINT, endpoint.toString());
            prepareTable(config, aws, demoUsers);
            client = DynamoClients.dynamoDb(config, aws, config.callTimeout(), config.attemptTimeout());
            QueryServer server = QueryServer.start(config, client);
            System.out.println("query API listening on http://" + config.host() + ":" + server.port()
                    + " (table " + config.tableName() + " at " + endpoint
                    + (local != null ? ", dynalite started for it" : "") + "; " + config.auth().describe() + ")");
            Dynalite ownedLocal = local;
            DynamoDbClient ownedClient = client;
            return () -> {
                server.close();
                ownedClient.close();
                if (ownedLocal != null) {
                    ownedLocal.close();
                }
            };
        } catch (Exception e) {
            if (client != null) {
                client.close();
            }
            if (local != null) {
                local.close();
            }
            throw e;
        }
    }

    private static void prepareTable(QueryConfig config, AwsSettings aws, int demoUsers) throws Exception {
        // Creating and loading take longer than a read may: their own client, with generous timeouts.
        try (DynamoDbClient admin = DynamoClients.dynamoDb(config, aws, Duration.ofSeconds(60), Duration.ofSeconds(20))) {
            LimitTable.create(admin, config.tableName());
            if (demoUsers > 0) {
                long start = System.nanoTime();
                int step = Math.max(1, demoUsers / 10);
                int[] reported = {0};
                DemoData.load(admin, config.tableName(), demoUsers, written -> {
                    synchronized (reported) {
                        if (written >= reported[0] + step) {
                            reported[0] = written;
                            System.out.println("demo data: " + written + " of " + demoUsers + " users written");
                        }
                    }
                });
                System.out.printf("demo data: %d users (%s ... %s) written in %.1f s%n", demoUsers,
                        DemoData.userId(0), DemoData.userId(demoUsers - 1), (System.nanoTime() - start) / 1e9);
            }
        }
    }
}
