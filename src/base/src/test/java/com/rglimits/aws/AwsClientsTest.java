package com.rglimits.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.SystemPropertyCredentialsProvider;
import software.amazon.awssdk.auth.credentials.WebIdentityTokenFileCredentialsProvider;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.SdkHttpConfigurationOption;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;
import software.amazon.awssdk.utils.AttributeMap;

/**
 * The {@code aws.*} keys as the real SDK clients and credentials providers take them. A plain HTTP
 * server on loopback stands in for the services: it records what the clients send.
 */
class AwsClientsTest {
    private HttpServer server;
    /** What the server received: each request's headers, and its body. */
    private final List<Headers> requests = new CopyOnWriteArrayList<>();
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private volatile String responseType = "application/x-amz-json-1.0";
    private volatile String responseBody = "{}";

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            requests.add(exchange.getRequestHeaders());
            byte[] response = responseBody.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", responseType);
            exchange.sendResponseHeaders(200, response.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(response);
            }
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private static AwsSettings settings(String... keysAndValues) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            values.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return AwsSettings.of(values);
    }

    @Test
    void aSyncClientTakesRegionEndpointAndBasicCredentials() {
        AwsSettings aws = settings(AwsSettings.REGION, "eu-west-1", AwsSettings.ENDPOINT, endpoint().toString(),
                AwsSettings.CREDENTIALS_PROVIDER, "BASIC",
                "aws.credentials.provider.basic.accesskeyid", "key-1", "aws.credentials.provider.basic.secretkey", "secret-1");

        try (DynamoDbClient dynamo = AwsClients.sync(aws, DynamoDbClient.builder())) {
            assertThat(dynamo.serviceClientConfiguration().region()).isEqualTo(Region.EU_WEST_1);
            assertThat(dynamo.serviceClientConfiguration().endpointOverride()).contains(endpoint());
            responseBody = "{\"TableNames\":[]}";
            assertThat(dynamo.listTables().tableNames()).isEmpty();
        }

        assertThat(requests).hasSize(1);
        assertThat(requests.get(0).getFirst("X-Amz-Target")).isEqualTo("DynamoDB_20120810.ListTables");
        assertThat(requests.get(0).getFirst("Authorization")).contains("Credential=key-1/").contains("/eu-west-1/dynamodb/aws4_request");
    }

    @Test
    void anAsyncClientSpeaksHttp11ByDefaultWithTheSameSettings() {
        AwsSettings aws = settings(AwsSettings.REGION, "us-east-1", AwsSettings.ENDPOINT, endpoint().toString(),
                "aws.credentials.provider.basic.accesskeyid", "key-2", "aws.credentials.provider.basic.secretkey", "secret-2");

        // The server speaks HTTP/1.1 only; without a provider key the two basic keys mean BASIC.
        try (SqsAsyncClient sqs = AwsClients.async(aws, SqsAsyncClient.builder())) {
            responseBody = "{\"QueueUrls\":[]}";
            assertThat(sqs.listQueues().join().queueUrls()).isEmpty();
        }

        assertThat(requests).hasSize(1);
        assertThat(requests.get(0).getFirst("X-Amz-Target")).isEqualTo("AmazonSQS.ListQueues");
        assertThat(requests.get(0).getFirst("Authorization")).contains("Credential=key-2/").contains("/us-east-1/sqs/aws4_request");
    }

    @Test
    void httpKeysMapToTheHttpClientsOptions() {
        AttributeMap defaults = AttributeMap.builder()
                .put(SdkHttpConfigurationOption.PROTOCOL, Protocol.HTTP1_1)
                .put(SdkHttpConfigurationOption.MAX_CONNECTIONS, 10_000)
                .build();

        AttributeMap none = AwsClients.httpOptions(settings(), defaults);
        assertThat(none.get(SdkHttpConfigurationOption.PROTOCOL)).isEqualTo(Protocol.HTTP1_1);
        assertThat(none.get(SdkHttpConfigurationOption.MAX_CONNECTIONS)).isEqualTo(10_000);

        AttributeMap given = AwsClients.httpOptions(settings(AwsSettings.HTTP_PROTOCOL_VERSION, "HTTP2",
                AwsSettings.HTTP_CLIENT_MAX_CONCURRENCY, "16", AwsSettings.HTTP_CLIENT_READ_TIMEOUT, "1500",
                AwsSettings.TRUST_ALL_CERTIFICATES, "true"), defaults);
        assertThat(given.get(SdkHttpConfigurationOption.PROTOCOL)).isEqualTo(Protocol.HTTP2);
        assertThat(given.get(SdkHttpConfigurationOption.MAX_CONNECTIONS)).isEqualTo(16);
        assertThat(given.get(SdkHttpConfigurationOption.READ_TIMEOUT)).isEqualTo(Duration.ofMillis(1500));
        assertThat(given.get(SdkHttpConfigurationOption.TRUST_ALL_CERTIFICATES)).isTrue();
    }

    @Test
    void eachCredentialsProviderTypeGivesTheSdksProvider() {
        assertThat(AwsClients.credentialsProvider(settings())).isInstanceOf(DefaultCredentialsProvider.class);
        assertThat(AwsClients.credentialsProvider(settings(AwsSettings.CREDENTIALS_PROVIDER, "AUTO")))
                .isInstanceOf(DefaultCredentialsProvider.class);
        assertThat(AwsClients.credentialsProvider(settings(AwsSettings.CREDENTIALS_PROVIDER, "ENV_VAR")))
                .isInstanceOf(EnvironmentVariableCredentialsProvider.class);
        assertThat(AwsClients.credentialsProvider(settings(AwsSettings.CREDENTIALS_PROVIDER, "SYS_PROP")))
                .isInstanceOf(SystemPropertyCredentialsProvider.class);
        assertThat(AwsClients.credentialsProvider(settings(AwsSettings.CREDENTIALS_PROVIDER, "WEB_IDENTITY_TOKEN",
                "aws.credentials.provider.role.arn", "arn:aws:iam::123456789012:role/job",
                "aws.credentials.provider.role.sessionName", "job",
                "aws.credentials.provider.webIdentityToken.file", "/var/run/token")))
                .isInstanceOf(WebIdentityTokenFileCredentialsProvider.class);
    }

    @Test
    void sysPropReadsTheSystemProperties() {
        System.setProperty("aws.accessKeyId", "sys-key");
        System.setProperty("aws.secretAccessKey", "sys-secret");
        try {
            assertThat(AwsClients.credentialsProvider(settings(AwsSettings.CREDENTIALS_PROVIDER, "SYS_PROP")).resolveCredentials())
                    .isEqualTo(AwsBasicCredentials.create("sys-key", "sys-secret"));
        } finally {
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
        }
    }

    @Test
    void profileReadsTheNamedProfileOfTheGivenFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("credentials");
        Files.writeString(file, "[default]\naws_access_key_id = default-key\naws_secret_access_key = default-secret\n"
                + "[limits]\naws_access_key_id = profile-key\naws_secret_access_key = profile-secret\n");

        AwsCredentials credentials = AwsClients.credentialsProvider(settings(AwsSettings.CREDENTIALS_PROVIDER, "PROFILE",
                "aws.credentials.provider.profile.name", "limits",
                "aws.credentials.provider.profile.path", file.toString())).resolveCredentials();

        assertThat(credentials.accessKeyId()).isEqualTo("profile-key");
        assertThat(credentials.secretAccessKey()).isEqualTo("profile-secret");
    }

    @Test
    void assumeRoleAsksStsWithTheRoleKeysSignedByTheNestedProvider() {
        responseType = "text/xml";
        responseBody = "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult>"
                + "<Credentials><AccessKeyId>role-key</AccessKeyId><SecretAccessKey>role-secret</SecretAccessKey>"
                + "<SessionToken>role-token</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>"
                + "<AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/job/s</Arn><AssumedRoleId>AROA:s</AssumedRoleId>"
                + "</AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata>"
                + "</AssumeRoleResponse>";
        AwsCredentialsProvider provider = AwsClients.credentialsProvider(settings(AwsSettings.REGION, "eu-central-1",
                AwsSettings.CREDENTIALS_PROVIDER, "ASSUME_ROLE",
                "aws.credentials.provider.role.arn", "arn:aws:iam::123456789012:role/job",
                "aws.credentials.provider.role.sessionName", "limits-session",
                "aws.credentials.provider.role.externalId", "ext-7",
                "aws.credentials.provider.role.stsEndpoint", endpoint().toString(),
                "aws.credentials.provider.role.provider", "BASIC",
                "aws.credentials.provider.role.provider.basic.accesskeyid", "base-key",
                "aws.credentials.provider.role.provider.basic.secretkey", "base-secret"));

        assertThat(provider).isInstanceOf(StsAssumeRoleCredentialsProvider.class);
        AwsCredentials credentials = provider.resolveCredentials();
        ((StsAssumeRoleCredentialsProvider) provider).close();

        assertThat(credentials).isInstanceOf(AwsSessionCredentials.class);
        assertThat(credentials.accessKeyId()).isEqualTo("role-key");
        assertThat(((AwsSessionCredentials) credentials).sessionToken()).isEqualTo("role-token");
        assertThat(requests).hasSize(1);
        assertThat(requests.get(0).getFirst("Authorization")).contains("Credential=base-key/").contains("/eu-central-1/sts/aws4_request");
        assertThat(bodies.get(0)).contains("Action=AssumeRole")
                .contains("RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fjob")
                .contains("RoleSessionName=limits-session").contains("ExternalId=ext-7");
    }

    @Test
    void customConstructsTheNamedClassWithAllSettings() {
        AwsCredentials credentials = AwsClients.credentialsProvider(settings(AwsSettings.CREDENTIALS_PROVIDER, "CUSTOM",
                "aws.credentials.provider.custom.class", FromSettings.class.getName(),
                "aws.credentials.provider.custom.key", "custom-key")).resolveCredentials();

        assertThat(credentials.accessKeyId()).isEqualTo("custom-key");
    }

    /** A credentials provider of the job's own, as {@code CUSTOM} names one. */
    public static final class FromSettings implements AwsCredentialsProvider {
        private final String key;

        public FromSettings(Properties settings) {
            this.key = settings.getProperty("aws.credentials.provider.custom.key");
        }

        @Override
        public AwsCredentials resolveCredentials() {
            return AwsBasicCredentials.create(key, "custom-secret");
        }
    }
}
