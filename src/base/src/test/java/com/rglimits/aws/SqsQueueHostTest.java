package com.rglimits.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;

/** The queue host as the real SQS clients the service and the job build resolve it. */
class SqsQueueHostTest {
    private static SqsQueueHost hostOf(Map<String, String> settings) {
        try (SqsClient client = AwsClients.sync(AwsSettings.of(settings), SqsClient.builder())) {
            return SqsQueueHost.of(client.serviceClientConfiguration());
        }
    }

    private static Map<String, String> region(String region) {
        return Map.of(AwsSettings.REGION, region, AwsSettings.CREDENTIALS_PROVIDER, "BASIC",
                AwsSettings.ACCESS_KEY_ID, "k", AwsSettings.SECRET_KEY, "s");
    }

    @Test
    void theRegionsEndpointWithoutAnOverride() {
        SqsQueueHost host = hostOf(region("eu-west-1"));
        assertThat(host.host()).isEqualTo("sqs.eu-west-1.amazonaws.com");
        assertThat(host.refusal("https://sqs.eu-west-1.amazonaws.com/123456789012/user-limits-a.fifo")).isEmpty();
        assertThat(host.refusal("https://SQS.EU-WEST-1.amazonaws.com/123456789012/user-limits-a.fifo")).isEmpty();
        assertThat(host.refusal("https://sqs.us-east-1.amazonaws.com/123456789012/a.fifo"))
                .hasValue("the queue URL's host is not the SQS endpoint's host sqs.eu-west-1.amazonaws.com");
        assertThat(host.refusal("https://sqs.eu-west-1.amazonaws.com.evil.test/1/a.fifo")).isPresent();
        assertThat(host.refusal("https://evil.test/sqs.eu-west-1.amazonaws.com/a.fifo")).isPresent();
        assertThat(host.refusal("https://user@evil.test/1/a.fifo")).isPresent();
        assertThat(host.refusal("ftp://sqs.eu-west-1.amazonaws.com/1/a.fifo")).hasValue("the queue URL is not an http(s) URL");
        assertThat(host.refusal("https://sqs.eu-west-1.amazonaws.com/1/a b.fifo")).hasValue("the queue URL is not a URL");
        assertThat(hostOf(region("cn-north-1")).host()).isEqualTo("sqs.cn-north-1.amazonaws.com.cn");
    }

    @Test
    void theOverridesHostWhateverThePort() {
        Map<String, String> settings = new java.util.HashMap<>(region("us-east-1"));
        settings.put(AwsSettings.ENDPOINT, "http://127.0.0.1:9324");
        SqsQueueHost host = hostOf(settings);
        assertThat(host.host()).isEqualTo("127.0.0.1");
        assertThat(host.refusal("http://127.0.0.1:9324/000000000000/user-limits-a.fifo")).isEmpty();
        assertThat(host.refusal("http://127.0.0.1:9325/000000000000/user-limits-a.fifo")).isEmpty();
        assertThat(host.refusal("http://localhost:9324/000000000000/user-limits-a.fifo"))
                .hasValue("the queue URL's host is not the SQS endpoint's host 127.0.0.1");
    }
}
