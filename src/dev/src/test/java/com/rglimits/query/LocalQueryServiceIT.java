package com.rglimits.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.RSAKey;
import com.rglimits.config.ConfigException;
import com.rglimits.localaws.LoopbackPorts;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Both entry points as their commands start them. */
class LocalQueryServiceIT {
    @TempDir
    Path dir;

    @Test
    void localRunStartsDynaliteLoadsDemoUsersAndServes() throws Exception {
        int port = LoopbackPorts.unused();
        int dynamoPort = LoopbackPorts.unused();
        try (AutoCloseable local = LocalQueryService.start(new String[] {
                "--port", Integer.toString(port), "--demo-users", "12", "--local.dynamodb-port", Integer.toString(dynamoPort)})) {
            // Open by default: the local command serves demo data on loopback.
            HttpResponse<String> r = Http.get("http://127.0.0.1:" + port + "/users/" + DemoData.userId(11) + "/limits");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(new ObjectMapper().readTree(r.body()).get("count").asInt())
                    .isEqualTo(DemoData.limitsOf(11).size());
            for (int user : new int[] {0, 5, 11}) {
                List<String> expected = new ArrayList<>();
                DemoData.limitsOf(user).forEach(l -> expected.add(l.userLimitId));
                expected.sort(null);
                List<String> served = new ArrayList<>();
                new ObjectMapper().readTree(Http.get("http://127.0.0.1:" + port + "/users/" + DemoData.userId(user) + "/limits")
                        .body()).get("limits").forEach(l -> served.add(l.get("userLimitId").asText()));
                assertThat(served).as("user %d's demo limits", user).containsExactlyElementsOf(expected);
            }

            // The load runner works against it (its figures are for docs/query-api.md, not asserted).
            LoadRunner.Result load = LoadRunner.run(LoadRunner.client(), URI.create("http://127.0.0.1:" + port), null,
                    12, 200, 4, Duration.ofSeconds(60), 1);
            assertThat(load.requests).isEqualTo(200);
            assertThat(load.errors).isZero();

            // The jar's entry point with bearer tokens, pointed at that dynalite like at any other endpoint.
            RSAKey key = TestTokens.rsa("k1");
            Path jwks = dir.resolve("jwks.json");
            Files.writeString(jwks, TestTokens.jwks(key));
            int port2 = LoopbackPorts.unused();
            try (AutoCloseable service = QueryService.start(new String[] {
                    "--port", Integer.toString(port2), "--host", "127.0.0.1", "--aws.region", "us-east-1",
                    "--auth", "jwt", "--auth.jwks.file", jwks.toString(), "--auth.issuer", TestTokens.ISSUER,
                    "--auth.audience", TestTokens.AUDIENCE,
                    "--aws.endpoint", "http://127.0.0.1:" + dynamoPort, "--aws.credentials.provider", "BASIC",
                    "--aws.credentials.provider.basic.accesskeyid", "local", "--aws.credentials.provider.basic.secretkey", "local"})) {
                String url = "http://127.0.0.1:" + port2 + "/users/" + DemoData.userId(11) + "/limits";
                assertThat(Http.get(url).statusCode()).isEqualTo(401);
                String own = TestTokens.sign(key, TestTokens.claims().subject(DemoData.userId(11)).build());
                HttpResponse<String> r2 = Http.get(url, "Authorization", "Bearer " + own);
                assertThat(r2.statusCode()).isEqualTo(200);
                assertThat(r2.body()).isEqualTo(r.body());

                String anyUser = TestTokens.sign(key, TestTokens.claims().subject("svc").claim("scope", "limits:read").build());
                LoadRunner.Result withToken = LoadRunner.run(LoadRunner.client(), URI.create("http://127.0.0.1:" + port2),
                        anyUser, 12, 100, 2, Duration.ofSeconds(60), 1);
                assertThat(withToken.requests).isEqualTo(100);
                assertThat(withToken.errors).isZero();
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
