package com.rglimits.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import com.rglimits.config.ConfigReaders;
import com.rglimits.config.JobConfig;
import com.rglimits.localaws.LocalEmulators;
import com.rglimits.testing.DownEndpoint;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalStackPartsTest {
    @Test
    void localStackDefaultsPointTheJobAtTheEmulatorsAndCanBeOverridden() {
        JobConfig config = LocalStack.jobConfig(
                ConfigReaders.fromArgs(new String[] {"--port", "4999", "--shards", "2", "--sqs-port", "9400", "--table.name", "t"}),
                LocalEmulators.awsProperties(URI.create("http://127.0.0.1:4999")), 9400);
        assertThat(config.sourceStream()).isEqualTo(LocalStack.INPUT_STREAM);
        assertThat(config.dlqStream()).isEqualTo(LocalStack.DLQ_STREAM);
        assertThat(config.tableName()).isEqualTo("t");
        assertThat(config.awsProperties().getProperty("aws.endpoint")).isEqualTo("http://127.0.0.1:4999");
        assertThat(config.subscriptionsTable()).isEqualTo("user-limits-subscriptions");
        assertThat(config.sqsEndpoint()).isEqualTo("http://127.0.0.1:9400");
    }

    @Test
    void theToolsFollowTheRunningStacksPorts(@TempDir Path dir) {
        Path file = dir.resolve("target/local-stack/endpoints.properties");
        LocalStackEndpoints none = LocalStackEndpoints.current(file);
        assertThat(none.aws).isEqualTo(URI.create("http://127.0.0.1:4567"));
        assertThat(none.sqs).isEqualTo(URI.create("http://127.0.0.1:9324"));
        new LocalStackEndpoints(URI.create("http://127.0.0.1:4999"), URI.create("http://127.0.0.1:9400")).write(file);
        LocalStackEndpoints running = LocalStackEndpoints.current(file);
        assertThat(running.aws).isEqualTo(URI.create("http://127.0.0.1:4999"));
        assertThat(running.sqs).isEqualTo(URI.create("http://127.0.0.1:9400"));
    }

    @Test
    void theSubscriberToolSaysInOneLineWhereSqsDidNotAnswer() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String endpoint;
        int status;
        try (DownEndpoint sqs = new DownEndpoint()) {
            endpoint = sqs.url("");
            status = Subscriber.run(new String[] {"--subscriber", "payments", "--sqs.endpoint", endpoint},
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        }
        assertThat(status).isEqualTo(2);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
        String error = err.toString(StandardCharsets.UTF_8);
        assertThat(error).startsWith("error: SQS does not answer at " + endpoint + " (")
                .endsWith("); give the endpoint the local stack printed (\"SQS (ElasticMQ): ...\"):"
                        + " --sqs.endpoint http://127.0.0.1:PORT" + System.lineSeparator());
        assertThat(error.lines()).hasSize(1);
    }
}
