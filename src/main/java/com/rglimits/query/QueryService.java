package com.rglimits.query;

import com.rglimits.config.ConfigReaders;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Entry point of the query-API jar: serves the limits table the job writes, with the AWS region,
 * credentials and endpoint from {@code --aws.*} options or the SDK's defaults. It never creates
 * the table: that belongs to the job's deployment.
 */
public final class QueryService {
    private QueryService() {}

    public static void main(String[] args) {
        Cli.run(args, QueryService::start);
    }

    static AutoCloseable start(String[] args) {
        QueryConfig config = QueryConfig.from(ConfigReaders.fromArgs(args), "0.0.0.0");
        DynamoDbClient client = DynamoClients.builder(config).build();
        QueryServer server;
        try {
            server = QueryServer.start(config, client);
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
        System.out.println("query API listening on http://" + config.host() + ":" + server.port()
                + " (table " + config.tableName() + ")");
        return () -> {
            server.close();
            client.close();
        };
    }
}
