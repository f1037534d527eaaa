package com.rglimits.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.rglimits.aws.AwsSettings;
import com.rglimits.config.ConfigException;
import com.rglimits.config.ConfigReaders;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QueryConfigTest {
    @TempDir
    static Path dir;

    private static QueryConfig parse(String... args) {
        return QueryConfig.from(ConfigReaders.fromArgs(args), "0.0.0.0", AuthConfig.Mode.NONE);
    }

    @Test
    void defaults() {
        QueryConfig c = parse();
        assertThat(c.auth().mode()).isEqualTo(AuthConfig.Mode.NONE);
        assertThat(c.host()).isEqualTo("0.0.0.0");
        assertThat(c.port()).isEqualTo(8080);
        assertThat(c.tableName()).isEqualTo("user-limits");
        assertThat(c.consistentRead()).isFalse();
        assertThat(c.callTimeout()).isEqualTo(Duration.ofMillis(2_000));
        assertThat(c.attemptTimeout()).isEqualTo(Duration.ofMillis(700));
        assertThat(c.aws().asMap()).as("region, endpoint and credentials: the SDK's defaults").isEmpty();
        assertThat(c.sqsEndpoint()).isNull();
    }

    @Test
    void readsEverySetting() {
        QueryConfig c = parse("--host", "127.0.0.1", "--port", "9090", "--table.name", "t",
                "--dynamodb.consistent-read", "TRUE", "--dynamodb.call-timeout.ms", "900",
                "--dynamodb.attempt-timeout.ms", "300", "--dynamodb.max-connections", "8",
                "--http.worker-threads", "4", "--aws.region", "eu-west-1", "--aws.endpoint", "http://localhost:8000",
                "--aws.credentials.provider", "BASIC", "--aws.credentials.provider.basic.accesskeyid", "k",
                "--aws.credentials.provider.basic.secretkey", "s");
        assertThat(c.port()).isEqualTo(9090);
        assertThat(c.consistentRead()).isTrue();
        assertThat(c.callTimeout()).isEqualTo(Duration.ofMillis(900));
        assertThat(c.attemptTimeout()).isEqualTo(Duration.ofMillis(300));
        assertThat(c.maxConnections()).isEqualTo(8);
        assertThat(c.workerThreads()).isEqualTo(4);
        assertThat(c.aws().get(AwsSettings.REGION)).isEqualTo("eu-west-1");
        assertThat(c.aws().get(AwsSettings.ENDPOINT)).isEqualTo("http://localhost:8000");
        assertThat(c.aws().get("aws.credentials.provider.basic.accesskeyid")).isEqualTo("k");
        assertThat(c.sqsEndpoint()).as("SQS's endpoint defaults to aws.endpoint").hasToString("http://localhost:8000");
    }

    @Test
    void rejectsBadSettingsWithOneLineMessages() {
        assertBad("unknown setting option --prot", "--prot", "1");
        assertBad("option --port must be <= 65535, got 70000", "--port", "70000");
        assertBad("option --port must be a whole number, got 'x'", "--port", "x");
        assertBad("option --dynamodb.consistent-read must be true or false, got 'yes'", "--dynamodb.consistent-read", "yes");
        assertBad("option --dynamodb.attempt-timeout.ms must not exceed option --dynamodb.call-timeout.ms",
                "--dynamodb.call-timeout.ms", "100", "--dynamodb.attempt-timeout.ms", "200");
        assertBad("option --aws.endpoint must be an http(s) URL, got 'localhost:8000'", "--aws.endpoint", "localhost:8000");
        assertBad("option --aws.credentials.provider.basic.accesskeyid is required with option --aws.credentials.provider BASIC",
                "--aws.credentials.provider", "BASIC");
        assertBad("option --aws.region is not an AWS region: 'moon-1'", "--aws.region", "moon-1");
        assertBad("unknown setting option --aws.credentials.profile", "--aws.credentials.profile", "x");
    }

    @Test
    void theTablesAreNamedAsForTheJob() {
        assertThat(parse().subscriptionsTable()).isEqualTo("user-limits-subscriptions");
        QueryConfig c = parse("--table.name", "limits", "--subscribers.table", "subs");
        assertThat(c.tableName()).isEqualTo("limits");
        assertThat(c.subscriptionsTable()).isEqualTo("subs");
        assertBad("option --subscribers.table and option --subscriptions.table are the same setting: give one of them",
                "--subscribers.table", "a", "--subscriptions.table", "b");
    }

    @Test
    void theFormerSubscriptionsTableNameIsReadWithAOneLineWarning() {
        PrintStream stderr = System.err;
        ByteArrayOutputStream warnings = new ByteArrayOutputStream();
        System.setErr(new PrintStream(warnings, true, StandardCharsets.UTF_8));
        QueryConfig c;
        try {
            c = parse("--subscriptions.table", "subs");
        } finally {
            System.setErr(stderr);
        }
        assertThat(c.subscriptionsTable()).isEqualTo("subs");
        assertThat(warnings.toString(StandardCharsets.UTF_8)).isEqualTo("warning: option --subscriptions.table is deprecated:"
                + " use option --subscribers.table (the old name is read until the next release)" + System.lineSeparator());
    }

    @Test
    void theAwsKeysAreTheJobsWithEveryProvider() {
        assertBad("option --aws.credentials.provider must be one of [AUTO, BASIC, ENV_VAR, SYS_PROP, PROFILE, ASSUME_ROLE,"
                + " WEB_IDENTITY_TOKEN, CUSTOM], got 'KEYS'", "--aws.credentials.provider", "KEYS");
        assertThat(parse("--aws.credentials.provider", "PROFILE", "--aws.credentials.provider.profile.name", "ops").aws()
                .get("aws.credentials.provider.profile.name")).isEqualTo("ops");
        assertBad("unknown setting option --aws.credentials.provider.role.arn",
                "--aws.credentials.provider", "BASIC", "--aws.credentials.provider.basic.accesskeyid", "k",
                "--aws.credentials.provider.basic.secretkey", "s", "--aws.credentials.provider.role.arn", "arn:aws:iam::1:role/r");
    }

    @Test
    void theServiceJarNeedsAnAuthSetting() {
        assertThatThrownBy(() -> QueryConfig.from(ConfigReaders.fromArgs(new String[0]), "0.0.0.0"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("option --auth is required: jwt (bearer tokens, see the auth.* settings)"
                        + " or none (no authentication: anyone may read every user's limits)");
        assertThat(QueryConfig.from(ConfigReaders.fromArgs(new String[] {"--auth", "none"}), "0.0.0.0").auth().mode())
                .isEqualTo(AuthConfig.Mode.NONE);
    }

    @Test
    void jwtDefaults() throws Exception {
        Path jwks = dir.resolve("defaults.json");
        Files.writeString(jwks, TestTokens.jwks(TestTokens.rsa("k1")));
        AuthConfig a = parse("--auth", "jwt", "--auth.jwks.file", jwks.toString(), "--auth.issuer", "https://i/",
                "--auth.audience", "api").auth();
        assertThat(a.mode()).isEqualTo(AuthConfig.Mode.JWT);
        assertThat(a.jwksFromFile().getKeyByKeyId("k1").isPrivate()).isFalse();
        assertThat(a.jwksUrl()).isNull();
        assertThat(a.algorithms()).containsExactly(JWSAlgorithm.RS256);
        assertThat(a.userClaim()).isEqualTo("sub");
        assertThat(a.readScope()).isEqualTo("limits:read");
        assertThat(a.adminScope()).isEqualTo("subscriptions:admin");
        assertThat(a.clockSkew()).isEqualTo(Duration.ofSeconds(60));
        assertThat(a.jwksTimeout()).isEqualTo(Duration.ofMillis(2_000));
    }

    @Test
    void readsEveryAuthSetting() {
        AuthConfig a = parse("--auth", "JWT", "--auth.jwks.url", "https://issuer.example/.well-known/jwks.json",
                "--auth.issuer", "https://issuer.example/", "--auth.audience", "limits-api", "--auth.algorithms", "RS256, ES256",
                "--auth.user-claim", "player_id", "--auth.read-scope", "limits.read", "--auth.admin-scope", "subs.admin",
                "--auth.clock-skew.s", "5", "--auth.jwks.timeout.ms", "750").auth();
        assertThat(a.jwksUrl()).hasToString("https://issuer.example/.well-known/jwks.json");
        assertThat(a.issuer()).isEqualTo("https://issuer.example/");
        assertThat(a.audience()).isEqualTo("limits-api");
        assertThat(a.algorithms()).containsExactly(JWSAlgorithm.RS256, JWSAlgorithm.ES256);
        assertThat(a.userClaim()).isEqualTo("player_id");
        assertThat(a.readScope()).isEqualTo("limits.read");
        assertThat(a.adminScope()).isEqualTo("subs.admin");
        assertThat(a.clockSkew()).isEqualTo(Duration.ofSeconds(5));
        assertThat(a.jwksTimeout()).isEqualTo(Duration.ofMillis(750));
        assertThat(parse("--auth", "jwt", "--auth.jwks.url", "http://127.0.0.1:9000/jwks", "--auth.issuer", "i",
                "--auth.audience", "a").auth().jwksUrl()).hasToString("http://127.0.0.1:9000/jwks");
    }

    @Test
    void rejectsBadAuthSettingsWithOneLineMessages() throws Exception {
        String[] jwt = {"--auth", "jwt", "--auth.issuer", "i", "--auth.audience", "a"};
        assertBad("option --auth must be one of [JWT, NONE], got 'basic'", "--auth", "basic");
        assertBad("option --auth.issuer applies only with option --auth jwt", "--auth.issuer", "i");
        assertBad("with option --auth jwt give exactly one of option --auth.jwks.url and option --auth.jwks.file", jwt);
        assertBad("with option --auth jwt give exactly one of option --auth.jwks.url and option --auth.jwks.file",
                with(jwt, "--auth.jwks.url", "https://i/jwks", "--auth.jwks.file", "k.json"));
        assertBad("option --auth.jwks.url must be an https URL (http only on loopback), got 'http://issuer.example/jwks'",
                with(jwt, "--auth.jwks.url", "http://issuer.example/jwks"));
        assertBad("option --auth.issuer is required", "--auth", "jwt", "--auth.jwks.url", "https://i/jwks", "--auth.audience", "a");
        assertBad("option --auth.algorithms must be a comma-separated list of RS256, RS384, RS512, PS256, PS384, PS512,"
                + " ES256, ES384, ES512, got 'HS256'", with(jwt, "--auth.jwks.url", "https://i/jwks", "--auth.algorithms", "RS256,HS256"));
        assertBad("option --auth.read-scope must be one scope token (no spaces, quotes or backslashes), got 'a b'",
                with(jwt, "--auth.jwks.url", "https://i/jwks", "--auth.read-scope", "a b"));
        assertBad("option --auth.read-scope and option --auth.admin-scope must differ",
                with(jwt, "--auth.jwks.url", "https://i/jwks", "--auth.read-scope", "x", "--auth.admin-scope", "x"));
        assertBad("option --auth.clock-skew.s must be >= 0, got -1",
                with(jwt, "--auth.jwks.url", "https://i/jwks", "--auth.clock-skew.s", "-1"));
        assertBad("unknown setting option --auth.scope", with(jwt, "--auth.jwks.url", "https://i/jwks", "--auth.scope", "x"));
        Path empty = dir.resolve("empty.json");
        Files.writeString(empty, "{\"keys\":[]}");
        assertBad("option --auth.jwks.file holds no keys", with(jwt, "--auth.jwks.file", empty.toString()));
        Path notJson = dir.resolve("not.json");
        Files.writeString(notJson, "keys");
        assertThatThrownBy(() -> parse(with(jwt, "--auth.jwks.file", notJson.toString())))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("option --auth.jwks.file is not a JWK set: ")
                .hasMessageNotContaining("\n");
        assertThatThrownBy(() -> parse(with(jwt, "--auth.jwks.file", dir.resolve("absent.json").toString())))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("option --auth.jwks.file cannot be read: ");
    }

    private static String[] with(String[] base, String... more) {
        String[] out = Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, out, base.length, more.length);
        return out;
    }

    private static void assertBad(String message, String... args) {
        assertThatThrownBy(() -> parse(args)).isInstanceOf(ConfigException.class).hasMessage(message);
    }
}
