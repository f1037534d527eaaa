package com.rglimits.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.rglimits.config.ConfigException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Both entry points as their commands start them. */
class LocalQueryServiceTest {
    @Test
    void localRunStartsDynaliteLoadsDemoUsersAndServes() throws Exception {
        int port = Http.freePort();
        int dynamoPort = Http.freePort();
        try (AutoCloseable local = LocalQueryService.start(new String[] {
                "--port", Integer.toString(port), "--demo-users", "12", "--local.dynamodb-port", Integer.toString(dynamoPort)})) {
            HttpResponse<String> r = Http.get("http://127.0.0.1:" + port + "/users/" + DemoData.userId(11) + "/limits");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(new ObjectMapper().readTree(r.body()).get("count").asInt())
                    .isEqualTo(DemoData.limitsOf(11).size());

            // The load runner works against it (its figures are for docs/query-api.md, not asserted).
            LoadRunner.Result load = LoadRunner.run(LoadRunner.client(), URI.create("http://127.0.0.1:" + port),
                    12, 200, 4, Duration.ofSeconds(60), 1);
            assertThat(load.requests).isEqualTo(200);
            assertThat(load.errors).isZero();

            // The jar's entry point, pointed at that dynalite like at any other endpoint.
            int port2 = Http.freePort();
            try (AutoCloseable service = QueryService.start(new String[] {
                    "--port", Integer.toString(port2), "--host", "127.0.0.1", "--auth", "none", "--aws.region", "us-east-1",
                    "--aws.endpoint", "http://127.0.0.1:" + dynamoPort, "--aws.credentials.provider", "BASIC",
                    "--aws.credentials.provider.basic.accesskeyid", "local", "--aws.credentials.provider.basic.secretkey", "local"})) {
                HttpResponse<String> r2 = Http.get("http://127.0.0.1:" + port2 + "/users/" + DemoData.userId(11) + "/limits");
                assertThat(r2.statusCode()).isEqualTo(200);
                assertThat(r2.body()).isEqualTo(r.body());
            }
        }
    }

    @Test
    void rejectsBadOptionsBeforeStartingAnything() {
        assertThatThrownBy(() -> LocalQueryService.start(new String[] {"--demo-users", "-1"}))
                .isInstanceOf(ConfigException.class).hasMessage("option --demo-users must be >= 0, got -1");
        assertThatThrownBy(() -> LocalQueryService.start(new String[] {"--demo-user", "5"}))
                .isInstanceOf(ConfigException.class).hasMessage("unknown setting option --demo-user");
        assertThatThrownBy(() -> LocalQueryService.start(new String[] {
                "--aws.endpoint", "http://127.0.0.1:1", "--local.dynamodb-port", "8000"}))
                .isInstanceOf(ConfigException.class)
                .hasMessage("option --local.dynamodb-port applies only without option --aws.endpoint");
    }
}
