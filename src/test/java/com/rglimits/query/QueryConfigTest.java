package com.rglimits.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rglimits.config.ConfigException;
import com.rglimits.config.ConfigReaders;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class QueryConfigTest {
    private static QueryConfig parse(String... args) {
        return QueryConfig.from(ConfigReaders.fromArgs(args), "0.0.0.0");
    }

    @Test
    void defaults() {
        QueryConfig c = parse();
        assertThat(c.host()).isEqualTo("0.0.0.0");
        assertThat(c.port()).isEqualTo(8080);
        assertThat(c.tableName()).isEqualTo("user-limits");
        assertThat(c.consistentRead()).isFalse();
        assertThat(c.callTimeout()).isEqualTo(Duration.ofMillis(2_000));
        assertThat(c.attemptTimeout()).isEqualTo(Duration.ofMillis(700));
        assertThat(c.region()).isNull();
        assertThat(c.endpoint()).isNull();
        assertThat(c.credentialsProvider()).isEqualTo(QueryConfig.CredentialsProvider.AUTO);
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
        assertThat(c.endpoint()).hasToString("http://localhost:8000");
        assertThat(c.accessKey()).isEqualTo("k");
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
        assertBad("option --aws.credentials.provider.basic.accesskeyid is required", "--aws.credentials.provider", "BASIC");
        assertBad("unknown setting option --aws.credentials.profile", "--aws.credentials.profile", "x");
    }

    private static void assertBad(String message, String... args) {
        assertThatThrownBy(() -> parse(args)).isInstanceOf(ConfigException.class).hasMessage(message);
    }
}
