package com.rglimits.query;

import com.rglimits.config.ConfigReaders;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Entry point of the query-API jar: serves the limits table the job writes, with the AWS region,
 * credentials and endpoint from {@code --aws.*} options or the SDK's defaults. It never creates
 * the table: that belongs to the job's deployment. It does not start without an authentication
 * setting: serving personal data to anyone must be asked for ({@code --auth none}).
 */
public final class QueryService {
    private QueryService() {}

    public static void main(String[] args) {
        Cli.run(args, QueryService::start);
    }

    static AutoCloseable start(String[] args) {
        QueryConfig config = QueryConfig.from(ConfigReaders.fromArgs(args), "0.0.0.0");
        if (config.auth().mode() == AuthConfig.Mode.NONE) {
            System.err.println("warning: authentication is off (auth none): anyone who reaches "
                    + config.host() + " may read every user's limits");
        }
        DynamoDbClient client = DynamoClients.dynamoDb(config);
        QueryServer server;
        try {
            server = QueryServer.start(config, client);
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
        System.out.println("query API listening on http://" + config.host() + ":" + server.port()
                + " (table " + config.tableName() + "; " + config.auth().describe() + ")");
        return () -> {
            server.close();
            client.close();
        };
    }
}
