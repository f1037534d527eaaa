package com.rglimits.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rglimits.config.ConfigException;
import com.rglimits.config.ConfigReaders;
import com.rglimits.config.Settings;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class AwsSettingsTest {
    private static final Map<String, String> BASIC = Map.of(
            AwsSettings.REGION, "eu-west-1",
            AwsSettings.CREDENTIALS_PROVIDER, "BASIC",
            "aws.credentials.provider.basic.accesskeyid", "id",
            "aws.credentials.provider.basic.secretkey", "s3cr3t");

    @Test
    void validSettingsPass() {
        AwsSettings.of(BASIC).validate();
        AwsSettings.of(Map.of()).validate();
        AwsSettings.of(Map.of(AwsSettings.REGION, "us-gov-west-1", AwsSettings.ENDPOINT, "http://127.0.0.1:4567")).validate();
    }

    @Test
    void validateRejectsWhatTheConnectorsWouldRefuse() {
        assertThatThrownBy(() -> AwsSettings.of(Map.of(AwsSettings.REGION, "moon-1")).validate())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("aws.region is not an AWS region: 'moon-1'");
        assertThatThrownBy(() -> AwsSettings.of(Map.of(AwsSettings.CREDENTIALS_PROVIDER, "KEYS")).validate())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("aws.credentials.provider must be one of [AUTO, BASIC, ENV_VAR, SYS_PROP, PROFILE,");
        assertThatThrownBy(() -> AwsSettings.of(BASIC).with("aws.credentials.provider.basic.secretkey", null).validate())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("aws.credentials.provider.basic.secretkey is required with aws.credentials.provider BASIC");
        assertThatThrownBy(() -> AwsSettings.of(Map.of(AwsSettings.CREDENTIALS_PROVIDER, "ASSUME_ROLE",
                        "aws.credentials.provider.role.arn", "arn:aws:iam::1:role/r",
                        "aws.credentials.provider.role.sessionName", "s",
                        "aws.credentials.provider.role.provider", "BASIC")).validate())
                .hasMessage("aws.credentials.provider.role.provider.basic.accesskeyid is required"
                        + " with aws.credentials.provider.role.provider BASIC");
        assertThatThrownBy(() -> AwsSettings.of(Map.of(AwsSettings.ENDPOINT, "localhost:4567")).validate())
                .hasMessage("aws.endpoint must be an http(s) URL, got 'localhost:4567'");
    }

    @Test
    void readTakesTheKnownKeysNamedAsTheyWereGiven() {
        Settings s = ConfigReaders.fromArgs(new String[] {"--aws.region", "eu-west-1", "--aws.credentials.provider", "basic",
                "--aws.credentials.provider.basic.accesskeyid", "id", "--aws.credentials.provider.basic.secretkey", "secret",
                "--aws.endpoint", "http://localhost:8000"});

        AwsSettings aws = AwsSettings.read(s);
        s.rejectUnknown();

        assertThat(aws.asMap()).isEqualTo(Map.of(AwsSettings.REGION, "eu-west-1", AwsSettings.CREDENTIALS_PROVIDER, "BASIC",
                "aws.credentials.provider.basic.accesskeyid", "id", "aws.credentials.provider.basic.secretkey", "secret",
                AwsSettings.ENDPOINT, "http://localhost:8000"));
    }

    @Test
    void readLeavesUnknownAndForeignKeysUnread() {
        Settings s = ConfigReaders.fromArgs(new String[] {"--aws.credentials.provider", "AUTO", "--aws.credentials.profile", "x"});

        AwsSettings.read(s);

        assertThatThrownBy(s::rejectUnknown).hasMessage("unknown setting option --aws.credentials.profile");
        Settings basicKeysOfAutoProvider = ConfigReaders.fromArgs(new String[] {
                "--aws.credentials.provider", "AUTO", "--aws.credentials.provider.basic.accesskeyid", "id"});
        AwsSettings.read(basicKeysOfAutoProvider);
        assertThatThrownBy(basicKeysOfAutoProvider::rejectUnknown)
                .hasMessage("unknown setting option --aws.credentials.provider.basic.accesskeyid");
    }

    @Test
    void readReportsBadSettingsAsTheirUserWroteThem() {
        assertThatThrownBy(() -> AwsSettings.read(ConfigReaders.fromArgs(new String[] {"--aws.credentials.provider", "BASIC"})))
                .isInstanceOf(ConfigException.class)
                .hasMessage("option --aws.credentials.provider.basic.accesskeyid is required with option --aws.credentials.provider BASIC");
        assertThatThrownBy(() -> AwsSettings.read(ConfigReaders.fromArgs(new String[] {"--aws.endpoint", "localhost:8000"})))
                .isInstanceOf(ConfigException.class)
                .hasMessage("option --aws.endpoint must be an http(s) URL, got 'localhost:8000'");
        assertThatThrownBy(() -> AwsSettings.read(ConfigReaders.fromArgs(new String[] {"--aws.credentials.provider", "KEYS"})))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("option --aws.credentials.provider must be one of [AUTO, BASIC,");
    }

    @Test
    void readFollowsNestedRoleProviders() {
        Settings s = ConfigReaders.fromArgs(new String[] {"--aws.credentials.provider", "ASSUME_ROLE",
                "--aws.credentials.provider.role.arn", "arn:aws:iam::1:role/outer",
                "--aws.credentials.provider.role.sessionName", "outer",
                "--aws.credentials.provider.role.provider", "ASSUME_ROLE",
                "--aws.credentials.provider.role.provider.role.arn", "arn:aws:iam::1:role/inner",
                "--aws.credentials.provider.role.provider.role.sessionName", "inner",
                "--aws.credentials.provider.role.provider.role.provider", "PROFILE",
                "--aws.credentials.provider.role.provider.role.provider.profile.name", "ops"});

        AwsSettings aws = AwsSettings.read(s);
        s.rejectUnknown();

        assertThat(aws.get("aws.credentials.provider.role.provider.role.provider.profile.name")).isEqualTo("ops");
    }

    @Test
    void copiesChangeOneKeyAndTravelAsJavaObjects() throws Exception {
        AwsSettings aws = AwsSettings.of(BASIC);
        AwsSettings sqs = aws.with(AwsSettings.ENDPOINT, "http://127.0.0.1:9324");

        assertThat(aws.get(AwsSettings.ENDPOINT)).isNull();
        assertThat(sqs.get(AwsSettings.ENDPOINT)).isEqualTo("http://127.0.0.1:9324");
        assertThat(sqs.withDefault(AwsSettings.ENDPOINT, "http://elsewhere").get(AwsSettings.ENDPOINT))
                .isEqualTo("http://127.0.0.1:9324");
        Properties p = sqs.toProperties();
        assertThat(AwsSettings.of(p)).isEqualTo(sqs);
        assertThat(sqs.toString()).doesNotContain("s3cr3t");

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(sqs);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertThat(in.readObject()).isEqualTo(sqs);
        }
    }
}
