package com.rglimits.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rglimits.config.JobConfig;
import com.rglimits.config.JobOptions;
import com.rglimits.config.Settings;
import com.rglimits.event.EventParser;
import com.rglimits.event.ParsedRecord;
import com.rglimits.event.RecordSource;
import com.rglimits.kinesis.KinesisEmulators;
import com.rglimits.kinesis.KinesisJobTests;
import com.rglimits.kinesis.StreamReader;
import com.rglimits.localaws.StreamAdmin;
import com.rglimits.table.LimitTable;
import com.rglimits.testing.KinesisInOrderModel;
import com.rglimits.testing.KinesisTestEvents;
import com.rglimits.testing.RecordingLimitsSink;
import com.rglimits.testing.TestBeds;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Events POSTed to the query service reach the running job (kinesalite, 2 shards, MiniCluster) and
 * give exactly the table and dead letters that the same events give when put to Kinesis: the
 * in-order model ({@link KinesisInOrderModel}) that the Kinesis ITs hold the job to. The records the
 * service refuses (invalid) never reach the stream, so they are not dead letters here.
 */
class EventsOverHttpIT {
    private static final int USERS = 80;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @RegisterExtension
    static final MiniClusterExtension FLINK = KinesisJobTests.miniClusterWithoutRestarts(2);

    @RegisterExtension
    static final KinesisEmulators AWS = new KinesisEmulators();

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void postedEventsGiveTheTableAndDeadLettersOfTheSameEventsPutToKinesis(@InjectClusterClient ClusterClient<?> cluster)
            throws Exception {
        String input = TestBeds.uniqueName("http-in");
        String dlq = TestBeds.uniqueName("http-dlq");
        StreamAdmin.createStream(AWS.kinesis(), input, 2, Duration.ofSeconds(30));
        StreamAdmin.createStream(AWS.kinesis(), dlq, 1, Duration.ofSeconds(30));
        JobConfig config = jobConfig(input, dlq);
        try (var dynamoDb = AWS.bed().dynamoDbClient()) {
            LimitTable.create(dynamoDb, config.tableName());
        }
        RecordingLimitsSink recorder = new RecordingLimitsSink("http-" + input);
        JobID job = cluster.submitJob(KinesisJobTests.jobGraph(config, recorder, null)).get();

        // A shuffled stream with redeliveries, rule violations and late events, as the Kinesis ITs use.
        // Its invalid records are refused over HTTP and never reach the stream: the model is that of the others.
        KinesisTestEvents events = new KinesisTestEvents(27, USERS);
        List<byte[]> posted = new ArrayList<>(events.next(1_400));
        for (int i = 1; i <= 5; i++) {
            posted.add(posted.size() * i / 6, events.invalidRecord());
        }
        posted.addAll(KinesisJobTests.endOfStream(AWS.kinesis(), input, events.time() + 6_000));
        // NDJSON carries a record as one UTF-8 line; a body starting with '[' would be read as an array.
        posted.removeIf(r -> !Arrays.equals(new String(r, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8), r)
                || new String(r, StandardCharsets.UTF_8).contains("\n") || r.length > 0 && r[0] == '[');
        List<byte[]> valid = new ArrayList<>();
        for (byte[] r : posted) {
            if (EventParser.parse(r, RecordSource.fileElement("posted", 0), System.currentTimeMillis()).kind
                    != ParsedRecord.Kind.INVALID) {
                valid.add(r);
            }
        }
        KinesisInOrderModel model = new KinesisInOrderModel().applyPhase(valid);

        int accepted = 0;
        int rejected = 0;
        try (var dynamoDb = AWS.bed().dynamoDbClient(); QueryServer service = QueryServer.start(serviceConfig(input), dynamoDb)) {
            for (int from = 0; from < posted.size(); from += 500) {
                List<byte[]> batch = posted.subList(from, Math.min(posted.size(), from + 500));
                StringBuilder ndjson = new StringBuilder();
                batch.forEach(r -> ndjson.append(new String(r, StandardCharsets.UTF_8)).append('\n'));
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + "/events"))
                        .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofString(ndjson.toString())).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
                JsonNode answer = MAPPER.readTree(r.body());
                assertThat(answer.get("failed").asInt()).isZero();
                accepted += answer.get("accepted").asInt() + answer.get("duplicate").asInt();
                rejected += answer.get("rejected").asInt();
            }
        }
        assertThat(rejected).as("the invalid records, refused over HTTP").isEqualTo(posted.size() - valid.size())
                .isGreaterThanOrEqualTo(5);
        assertThat(accepted).isEqualTo(valid.size());

        StreamReader dlqReader = new StreamReader(AWS.kinesis(), dlq);
        List<JsonNode> deadLetters = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while ((recorder.versions().size() < model.appliedCount() || deadLetters.size() < model.deadLetters().size())
                && System.nanoTime() < deadline) {
            deadLetters.addAll(KinesisJobTests.deadLetters(dlqReader));
            Thread.sleep(250);
        }
        Thread.sleep(2_000); // anything extra (a double application, a duplicate dead letter) would show now
        deadLetters.addAll(KinesisJobTests.deadLetters(dlqReader));
        cluster.cancel(job).get(30, TimeUnit.SECONDS);

        List<String> actualDeadLetters = new ArrayList<>();
        for (JsonNode d : deadLetters) {
            actualDeadLetters.add(d.get("reason").asText() + " " + KinesisJobTests.recordBase64(d));
        }
        actualDeadLetters.sort(null);
        SoftAssertions soft = new SoftAssertions();
        soft.assertThat(model.versionDifferences(recorder.versionKeys())).as("every limit version exactly once").isEmpty();
        soft.assertThat(KinesisJobTests.table(AWS.bed(), config.tableName())).as("the table equals the in-order result").isEqualTo(model.limits());
        soft.assertThat(actualDeadLetters).as("dead letters, reason and original record").containsExactlyElementsOf(model.deadLetterKeys());
        soft.assertAll();
        assertThat(model.deadLetterKeys()).anyMatch(k -> k.startsWith("UNKNOWN_LIMIT"));
        assertThat(model.duplicates()).isPositive();
    }

    private static JobConfig jobConfig(String input, String dlq) {
        Map<String, String> values = KinesisJobTests.settings(AWS.bed(), input, dlq);
        values.put(JobOptions.PARALLELISM.key(), "2");
        values.put(JobOptions.IDLENESS.key(), "20000");
        // The stream ends with records that carry the watermark past it: the processing-time bound plays no part.
        values.put(JobOptions.MAX_HOLD.key(), "120000");
        return KinesisJobTests.config(values);
    }

    private static QueryConfig serviceConfig(String input) {
        Map<String, String> values = new HashMap<>();
        AWS.bed().awsProperties().forEach((k, v) -> values.put((String) k, (String) v));
        values.put("host", "127.0.0.1");
        values.put("port", "0");
        values.put("auth", "none");
        values.put(QueryConfig.EVENTS_STREAM, input);
        values.put("dynamodb.call-timeout.ms", "30000");
        values.put("dynamodb.attempt-timeout.ms", "10000");
        return QueryConfig.from(new Settings(values, k -> k), "0.0.0.0");
    }
}
