package com.rglimits.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.rglimits.config.Settings;
import com.rglimits.event.LimitPeriod;
import com.rglimits.event.LimitStatus;
import com.rglimits.event.LimitType;
import com.rglimits.localaws.Dynalite;
import com.rglimits.table.LimitItems;
import com.rglimits.table.LimitTable;
import com.rglimits.testing.DownEndpoint;
import com.rglimits.testing.TestBeds;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** Who may read what, over real HTTP, with tokens signed by keys the test makes. */
class QueryAuthIT {
    private static final String TABLE = TestBeds.uniqueName("user-limits");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final RSAKey RSA = TestTokens.rsa("rsa-1");
    private static final ECKey EC = TestTokens.ec("ec-1");

    @TempDir
    static Path dir;
    private static Dynalite dynamo;
    private static DynamoDbClient client;
    /** Keys from a JWKS file, RS256 and ES256 allowed. */
    private static QueryServer server;
    private static String base;

    @BeforeAll
    static void start() throws Exception {
        dynamo = TestBeds.dynalite();
        try (DynamoDbClient admin = dynamo.client()) {
            LimitTable.create(admin, TABLE);
            for (String user : List.of("u-1", "u-2")) {
                admin.putItem(b -> b.tableName(TABLE).item(LimitItems.toItem(QueryApiIT.limit(
                        user, "lim-a", LimitType.DEPOSIT, LimitPeriod.DAY, LimitStatus.ACTIVE, "200", "25.5", 7))));
            }
        }
        Path jwks = dir.resolve("jwks.json");
        Files.writeString(jwks, TestTokens.jwks(RSA, EC), StandardCharsets.UTF_8);
        QueryConfig config = config(Map.of("auth.jwks.file", jwks.toString(), "auth.algorithms", "RS256,ES256"));
        client = DynamoClients.dynamoDb(config);
        server = QueryServer.start(config, client);
        base = "http://127.0.0.1:" + server.port();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        client.close();
    }

    private static QueryConfig config(Map<String, String> auth) {
        Map<String, String> values = new HashMap<>();
        dynamo.awsProperties().forEach((k, v) -> values.put((String) k, (String) v));
        values.put("host", "127.0.0.1");
        values.put("port", "0");
        values.put("table.name", TABLE);
        // An emulator on a loaded machine can take seconds to answer: this is not the test of the timeouts.
        values.put("dynamodb.call-timeout.ms", "30000");
        values.put("dynamodb.attempt-timeout.ms", "10000");
        // Likewise the test's JWKS server: a fetch that timed out would be retried, and counted twice.
        values.put("auth.jwks.timeout.ms", "30000");
        values.put("auth", "jwt");
        values.put("auth.issuer", TestTokens.ISSUER);
        values.put("auth.audience", TestTokens.AUDIENCE);
        values.putAll(auth);
        return QueryConfig.from(new Settings(values, k -> k), "0.0.0.0");
    }

    private static HttpResponse<String> get(String path, String token) {
        HttpResponse<String> r = Http.get(base + path, "Authorization", "Bearer " + token);
        assertThat(r.body()).doesNotContain(token);
        return r;
    }

    private static HttpResponse<String> getWith(QueryServer s, String path, String token) {
        HttpResponse<String> r = Http.get("http://127.0.0.1:" + s.port() + path, "Authorization", "Bearer " + token);
        assertThat(r.body()).doesNotContain(token);
        return r;
    }

    /** A 401 or 403 with its JSON body and challenge; returns the challenge. */
    private static String assertRefused(HttpResponse<String> r, int status, String error) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("error").asText()).isEqualTo(error);
        assertThat(body.get("message").asText()).isNotBlank();
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(r.headers().allValues("WWW-Authenticate")).hasSize(1);
        return r.headers().firstValue("WWW-Authenticate").orElseThrow();
    }

    private static void assertInvalidToken(HttpResponse<String> r, String description) throws Exception {
        assertThat(assertRefused(r, 401, "unauthorized")).isEqualTo(
                "Bearer realm=\"user-limits\", error=\"invalid_token\", error_description=\"" + description + "\"");
        assertThat(JSON.readTree(r.body()).get("message").asText()).isEqualTo(description);
    }

    private static String token(String sub) {
        return TestTokens.sign(RSA, TestTokens.claims().subject(sub).build());
    }

    @Test
    void aPlayerReadsTheirOwnLimitsOnly() throws Exception {
        String token = token("u-1");
        assertThat(get("/users/u-1/limits", token).statusCode()).isEqualTo(200);
        assertThat(get("/users/u-1/limits/lim-a", token).statusCode()).isEqualTo(200);

        for (String path : List.of("/users/u-2/limits", "/users/u-2/limits/lim-a")) {
            HttpResponse<String> r = get(path, token);
            assertThat(assertRefused(r, 403, "forbidden")).isEqualTo("Bearer realm=\"user-limits\", error=\"insufficient_scope\","
                    + " error_description=\"the token may read only its own user's limits\", scope=\"limits:read\"");
        }
        // The admin scope is not a read scope.
        assertRefused(get("/users/u-2/limits", TestTokens.sign(RSA,
                TestTokens.claims().subject("u-1").claim("scope", "subscriptions:admin").build())), 403, "forbidden");
    }

    @Test
    void theReadScopeReadsAnyUser() {
        String scope = TestTokens.sign(RSA, TestTokens.claims().subject("support-svc").claim("scope", "openid limits:read").build());
        String scp = TestTokens.sign(RSA, TestTokens.claims().claim("scp", List.of("limits:read")).build());
        for (String token : List.of(scope, scp)) {
            assertThat(get("/users/u-1/limits", token).statusCode()).isEqualTo(200);
            assertThat(get("/users/u-2/limits/lim-a", token).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aNullExpiryIsRefusedAsAMissingOne() throws Exception {
        long now = Instant.now().getEpochSecond();
        String payload = "{\"iss\":\"" + TestTokens.ISSUER + "\",\"aud\":\"" + TestTokens.AUDIENCE + "\",\"sub\":\"u-1\","
                + "\"iat\":" + now + ",\"exp\":%s}";
        assertThat(get("/users/u-1/limits", TestTokens.signPayload(RSA, String.format(payload, now + 300))).statusCode())
                .as("the same token with a real expiry").isEqualTo(200);
        assertInvalidToken(get("/users/u-1/limits", TestTokens.signPayload(RSA, String.format(payload, "null"))),
                "the token lacks a required claim or has one not accepted");
    }

    @Test
    void scopeIsASpaceSeparatedStringOnly() throws Exception {
        // OAuth 2.0 (RFC 6749 3.3, RFC 9068 2.2.3) defines "scope" as one string; "scp" is the array some issuers send.
        String array = TestTokens.sign(RSA, TestTokens.claims().subject("support-svc").claim("scope", List.of("limits:read")).build());
        assertInvalidToken(get("/users/u-2/limits", array), "the token's scope claim is not a space-separated string");
        String number = TestTokens.sign(RSA, TestTokens.claims().subject("u-1").claim("scope", 7).build());
        assertInvalidToken(get("/users/u-1/limits", number), "the token's scope claim is not a space-separated string");
    }

    @Test
    void es256TokensWhenAllowed() {
        assertThat(get("/users/u-1/limits", TestTokens.sign(EC, TestTokens.claims().subject("u-1").build())).statusCode())
                .isEqualTo(200);
    }

    @Test
    void healthAndTheOpenApiDocumentNeedNoToken() throws Exception {
        assertThat(Http.get(base + "/health").statusCode()).isEqualTo(200);
        HttpResponse<String> r = Http.get(base + "/openapi.json");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode doc = JSON.readTree(r.body());
        assertThat(doc.at("/components/securitySchemes/bearerAuth/type").asText()).isEqualTo("http");
        assertThat(doc.at("/components/securitySchemes/bearerAuth/scheme").asText()).isEqualTo("bearer");
        assertThat(doc.at("/components/securitySchemes/bearerAuth/bearerFormat").asText()).isEqualTo("JWT");
        for (String path : List.of("/users/{userId}/limits", "/users/{userId}/limits/{userLimitId}")) {
            JsonNode get = doc.get("paths").get(path).get("get");
            assertThat(get.at("/security/0/bearerAuth").isArray()).isTrue();
            assertThat(get.get("x-required-scope").asText()).isEqualTo("limits:read");
            assertThat(get.at("/responses/401/$ref").asText()).isEqualTo("#/components/responses/Unauthorized");
            assertThat(get.at("/responses/403/$ref").asText()).isEqualTo("#/components/responses/Forbidden");
        }
        assertThat(doc.at("/components/securitySchemes/bearerAuth/x-scopes").toString())
                .contains("limits:read").contains("subscriptions:admin").contains("events:write");
        assertThat(doc.at("/paths/~1health/get/security").isArray()).isTrue();
        assertThat(doc.at("/paths/~1health/get/security")).isEmpty();
    }

    @Test
    void withoutBearerCredentialsTheChallengeHasNoErrorCode() throws Exception {
        for (String[] headers : List.of(new String[0], new String[] {"Authorization", "Basic dXNlcjpwYXNz"})) {
            HttpResponse<String> r = Http.get(base + "/users/u-1/limits", headers);
            assertThat(assertRefused(r, 401, "unauthorized")).isEqualTo("Bearer realm=\"user-limits\"");
        }
    }

    @Test
    void malformedHeadersAndTokens() throws Exception {
        for (String header : List.of("Bearer", "Bearer ", "Bearer a b", "Bearer \"x\"")) {
            assertInvalidToken(Http.get(base + "/users/u-1/limits", "Authorization", header),
                    "the Authorization header is not one 'Bearer <token>'");
        }
        assertInvalidToken(get("/users/u-1/limits", "abc.def"), "the token is not a JWT");
    }

    @Test
    void expiredAndNotYetValidTokensWithinTheClockSkew() throws Exception {
        Instant now = Instant.now();
        assertInvalidToken(get("/users/u-1/limits", TestTokens.sign(RSA, TestTokens.claims().subject("u-1")
                .expirationTime(Date.from(now.minusSeconds(120))).build())), "the token has expired");
        assertInvalidToken(get("/users/u-1/limits", TestTokens.sign(RSA, TestTokens.claims().subject("u-1")
                .notBeforeTime(Date.from(now.plusSeconds(120))).build())), "the token is not valid yet");
        // Default skew 60 s: a clock a little behind or ahead is forgiven.
        assertThat(get("/users/u-1/limits", TestTokens.sign(RSA, TestTokens.claims().subject("u-1")
                .expirationTime(Date.from(now.minusSeconds(20))).notBeforeTime(Date.from(now.plusSeconds(20))).build()))
                .statusCode()).isEqualTo(200);
        assertInvalidToken(get("/users/u-1/limits", TestTokens.sign(RSA, TestTokens.claims().subject("u-1")
                .expirationTime(null).build())), "the token lacks a required claim or has one not accepted");
    }

    @Test
    void wrongIssuerOrAudience() throws Exception {
        assertInvalidToken(get("/users/u-1/limits", TestTokens.sign(RSA, TestTokens.claims().subject("u-1")
                .issuer("https://evil.test/").build())), "the token's issuer is not accepted");
        assertInvalidToken(get("/users/u-1/limits", TestTokens.sign(RSA, TestTokens.claims().subject("u-1")
                .audience("another-api").build())), "the token's audience is not accepted");
        assertInvalidToken(get("/users/u-1/limits", TestTokens.sign(RSA, TestTokens.claims().subject("u-1")
                .audience((String) null).build())), "the token's audience is not accepted");
    }

    @Test
    void unsignedAndAlgorithmConfusion() throws Exception {
        String unsigned = new PlainJWT(TestTokens.claims().subject("u-1").claim("scope", "limits:read").build()).serialize();
        assertInvalidToken(get("/users/u-1/limits", unsigned), "the token is not signed with an accepted algorithm and key");

        // HS256 with the RSA public key as the shared secret, naming the RSA key: the classic confusion.
        SignedJWT hmac = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(RSA.getKeyID()).build(),
                TestTokens.claims().subject("u-1").build());
        hmac.sign(new MACSigner(RSA.toRSAPublicKey().getEncoded()));
        assertInvalidToken(get("/users/u-1/limits", hmac.serialize()), "the token is not signed with an accepted algorithm and key");
    }

    @Test
    void aTamperedPayloadBreaksTheSignature() throws Exception {
        String[] parts = token("u-1").split("\\.");
        String payload = TestTokens.claims().subject("u-2").claim("scope", "limits:read").build().toString();
        String tampered = parts[0] + "." + Base64URL.encode(payload.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        assertInvalidToken(get("/users/u-2/limits", tampered), "the token's signature is not valid");
    }

    /** The issuer's JWKS on a local HTTP server, which the test can change and which counts fetches. */
    private static final class JwksServer implements AutoCloseable {
        final AtomicReference<String> jwks;
        final AtomicInteger fetches = new AtomicInteger();
        /** How long each answer takes, ms. */
        volatile long delayMs;
        final HttpServer http;

        JwksServer(String initial) throws Exception {
            jwks = new AtomicReference<>(initial);
            http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            http.createContext("/jwks", exchange -> {
                fetches.incrementAndGet();
                try {
                    Thread.sleep(delayMs);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                byte[] body = jwks.get().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            http.start();
        }

        String url() {
            return "http://127.0.0.1:" + http.getAddress().getPort() + "/jwks";
        }

        @Override
        public void close() {
            http.stop(0);
        }
    }

    @Test
    void aSlowIssuerIsWaitedForUpToTheJwksTimeout() throws Exception {
        try (JwksServer jwks = new JwksServer(TestTokens.jwks(RSA))) {
            jwks.delayMs = 1_500; // beyond the JOSE library's own 500 ms, within the setting
            try (QueryServer s = QueryServer.start(config(Map.of("auth.jwks.url", jwks.url(), "auth.jwks.timeout.ms", "20000")),
                    client)) {
                assertThat(getWith(s, "/users/u-1/limits", token("u-1")).statusCode()).isEqualTo(200);
                assertThat(jwks.fetches).hasValue(1);
            }
        }
    }

    @Test
    void anUnknownKeyIdIsRefetchedOnceThenRefused() throws Exception {
        try (JwksServer jwks = new JwksServer(TestTokens.jwks(RSA));
                QueryServer s = QueryServer.start(config(Map.of("auth.jwks.url", jwks.url())), client)) {
            assertThat(getWith(s, "/users/u-1/limits", token("u-1")).statusCode()).isEqualTo(200);
            assertThat(jwks.fetches).hasValue(1);

            String stranger = TestTokens.sign(TestTokens.rsa("rsa-unknown"), TestTokens.claims().subject("u-1").build());
            assertInvalidToken(getWith(s, "/users/u-1/limits", stranger), "the token is not signed with an accepted algorithm and key");
            assertThat(jwks.fetches).hasValue(2);
            // Refetches are rate-limited: a flood of unknown key ids does not flood the issuer.
            assertInvalidToken(getWith(s, "/users/u-1/limits", stranger), "the token is not signed with an accepted algorithm and key");
            assertThat(jwks.fetches).hasValue(2);
            // ES256 is not allowed by default, whatever the key.
            assertInvalidToken(getWith(s, "/users/u-1/limits", TestTokens.sign(EC, TestTokens.claims().subject("u-1").build())),
                    "the token is not signed with an accepted algorithm and key");
        }
    }

    @Test
    void aRotatedKeyIsFetchedWhenATokenNamesIt() throws Exception {
        RSAKey next = TestTokens.rsa("rsa-2");
        try (JwksServer jwks = new JwksServer(TestTokens.jwks(RSA));
                QueryServer s = QueryServer.start(config(Map.of("auth.jwks.url", jwks.url())), client)) {
            assertThat(getWith(s, "/users/u-1/limits", token("u-1")).statusCode()).isEqualTo(200);
            jwks.jwks.set(TestTokens.jwks(next));
            assertThat(getWith(s, "/users/u-1/limits", TestTokens.sign(next, TestTokens.claims().subject("u-1").build()))
                    .statusCode()).isEqualTo(200);
            assertThat(jwks.fetches).hasValue(2);
        }
    }

    @Test
    void unreachableIssuerKeysGive503() throws Exception {
        try (DownEndpoint down = new DownEndpoint();
                QueryServer s = QueryServer.start(config(Map.of("auth.jwks.url", down.url("/jwks"))), client)) {
            HttpResponse<String> r = getWith(s, "/users/u-1/limits", token("u-1"));
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(JSON.readTree(r.body()).get("error").asText()).isEqualTo("unavailable");
        }
    }
}
