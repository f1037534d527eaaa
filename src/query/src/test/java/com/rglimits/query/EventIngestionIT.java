package com.rglimits.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.RSAKey;
import com.rglimits.config.Settings;
import com.rglimits.event.EventParser;
import com.rglimits.event.RecordSource;
import com.rglimits.localaws.Kinesalite;
import com.rglimits.localaws.StreamAdmin;
import com.rglimits.testing.KinesisBed;
import com.rglimits.testing.TestBeds;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/** {@code POST /events} over real HTTP into kinesalite: what is put, what is refused and why. */
class EventIngestionIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final RSAKey KEY = TestTokens.rsa("events-1");

    @TempDir
    static Path dir;
    private static KinesisBed bed;
    private static KinesisClient kinesis;

    @BeforeAll
    static void start() throws Exception {
        Kinesalite.disableCbor(); // EMULATOR QUIRK, before any AWS client exists
        bed = TestBeds.kinesis();
        kinesis = bed.kinesisClient();
        Files.writeString(dir.resolve("jwks.json"), TestTokens.jwks(KEY), StandardCharsets.UTF_8);
    }

    @AfterAll
    static void stop() {
        kinesis.close();
    }

    /** A service putting into a new stream of two shards; returns the stream's name. */
    private static String stream() {
        String name = TestBeds.uniqueName("events-in");
        StreamAdmin.createStream(kinesis, name, 2, Duration.ofSeconds(30));
        return name;
    }

    private static QueryServer service(String stream, boolean auth) {
        Map<String, String> values = new HashMap<>();
        bed.awsProperties().forEach((k, v) -> values.put((String) k, (String) v));
        values.put("host", "127.0.0.1");
        values.put("port", "0");
        values.put("source.stream", stream);
        // The emulators on a loaded machine can take seconds to answer: this is not the test of the timeouts.
        values.put("dynamodb.call-timeout.ms", "30000");
        values.put("dynamodb.attempt-timeout.ms", "10000");
        if (auth) {
            values.put("auth", "jwt");
            values.put("auth.issuer", TestTokens.ISSUER);
            values.put("auth.audience", TestTokens.AUDIENCE);
            values.put("auth.jwks.file", dir.resolve("jwks.json").toString());
        } else {
            values.put("auth", "none");
        }
        return QueryServer.start(QueryConfig.from(new Settings(values, k -> k), "0.0.0.0"), bed.dynamoDbClient());
    }

    private static HttpResponse<String> post(QueryServer s, String body, String... headers) {
        return Http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/events"))
                .POST(HttpRequest.BodyPublishers.ofString(body)), headers);
    }

    static String created(String eventId, String user, long seq) {
        return "{\"eventId\":\"" + eventId + "\",\"type\":\"USER_LIMIT_CREATED\",\"aggregateId\":\"" + user + "\","
                + "\"sequenceNumber\":" + seq + ",\"createdAt\":" + (1718000000000L + seq) + ",\"payload\":{\"userId\":\"" + user
                + "\",\"userLimitId\":\"lim-1\",\"brandId\":\"b\",\"currencyCode\":\"EUR\",\"type\":\"DEPOSIT\",\"period\":\"DAY\","
                + "\"status\":\"ACTIVE\",\"value\":\"500\",\"activeFrom\":1718000000000}}";
    }

    static String progress(String eventId, String user, long seq, String previous, String amount) {
        return "{\"eventId\":\"" + eventId + "\",\"type\":\"USER_LIMIT_PROGRESS_CHANGED\",\"sequenceNumber\":" + seq
                + ",\"createdAt\":" + (1718000000000L + seq) + ",\"payload\":{\"userId\":\"" + user
                + "\",\"userLimitId\":\"lim-1\",\"brandId\":\"b\",\"currencyCode\":\"EUR\",\"previousProgress\":\"" + previous
                + "\",\"amount\":\"" + amount + "\"}}";
    }

    /** The job's own verdict on a record: its INVALID_EVENT error. */
    private static String jobError(String record) {
        return EventParser.parse(record.getBytes(StandardCharsets.UTF_8), RecordSource.fileElement("x", 0), 0).invalid.error;
    }

    @Test
    void validEventsArePutByUserInOrderInvalidOnesRefusedWithTheJobsErrorRepeatsOnce() throws Exception {
        String stream = stream();
        String e1 = created("e-1", "u-1", 1);
        String e2 = progress("e-2", "u-1", 2, "0", "20.50");
        String e3 = created("e-3", "u-2", 5);
        String otherType = "{\"eventId\":\"e-4\",\"type\":\"LIMIT_USER_CREATED\",\"aggregateId\":\"u-2\",\"createdAt\":1718000000001}";
        String noValue = created("e-5", "u-3", 1).replace(",\"value\":\"500\"", "");
        String wrongType = "{\"eventId\":1}";
        String aheadOfNow = created("e-6", "u-3", 2).replace("\"createdAt\":1718000000002",
                "\"createdAt\":" + (System.currentTimeMillis() + 3_600_000));
        String repeated = created("e-1", "u-1", 1);
        String sameIdOtherContent = progress("e-2", "u-1", 3, "20.50", "1");
        String body = "[" + String.join(",", e1, e2, e3, otherType, noValue, wrongType,
                aheadOfNow, repeated, sameIdOtherContent) + "]";
        try (QueryServer s = service(stream, false)) {
            HttpResponse<String> r = post(s, body);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
            JsonNode answer = JSON.readTree(r.body());
            assertThat(answer.get("received").asInt()).isEqualTo(9);
            assertThat(answer.get("accepted").asInt()).isEqualTo(4);
            assertThat(answer.get("rejected").asInt()).isEqualTo(3);
            assertThat(answer.get("duplicate").asInt()).isEqualTo(2);
            assertThat(answer.get("failed").asInt()).isEqualTo(0);
            JsonNode results = answer.get("results");
            for (int i : new int[] {0, 1, 2, 3}) {
                assertThat(results.get(i).get("status").asText()).as("record " + i).isEqualTo("accepted");
                assertThat(results.get(i).get("sequenceNumber").asText()).isNotEmpty();
            }
            assertThat(results.get(4).toString()).isEqualTo(JSON.createObjectNode().put("index", 4).put("eventId", "e-5")
                    .put("status", "rejected").put("reason", "INVALID_EVENT").put("error", jobError(noValue)).toString());
            assertThat(results.get(4).get("error").asText()).isEqualTo("field 'payload.value' is missing");
            assertThat(results.get(5).get("error").asText()).isEqualTo(jobError(wrongType));
            assertThat(results.get(6).get("error").asText())
                    .matches("field 'createdAt' is 3[56][0-9]{5} ms ahead of the processing time \\(at most 300000 ms allowed\\)");
            assertThat(results.get(7).toString()).isEqualTo("{\"index\":7,\"eventId\":\"e-1\",\"status\":\"duplicate\",\"duplicateOf\":0}");
            assertThat(results.get(8).toString()).isEqualTo("{\"index\":8,\"eventId\":\"e-2\",\"status\":\"duplicate\",\"duplicateOf\":1}");
        }
        // Exactly the accepted records, byte for byte, keyed by user, each user's in the request's order.
        Map<String, List<String>> expected = new TreeMap<>();
        expected.put("u-1", List.of(e1, e2));
        expected.put("u-2", List.of(e3, otherType));
        assertThat(readAll(stream, 4)).isEqualTo(expected);
    }

    @Test
    void ndjsonIsTakenLikeAnArray() throws Exception {
        String stream = stream();
        String e1 = created("n-1", "u-7", 1);
        String e2 = progress("n-2", "u-7", 2, "0", "5");
        try (QueryServer s = service(stream, false)) {
            HttpResponse<String> r = post(s, e1 + "\n\n" + e2 + "\n");
            assertThat(r.statusCode()).isEqualTo(202);
            assertThat(JSON.readTree(r.body()).get("accepted").asInt()).isEqualTo(2);
        }
        assertThat(readAll(stream, 2)).isEqualTo(Map.of("u-7", List.of(e1, e2)));
    }

    @Test
    void batchLimitsMethodAndScope() throws Exception {
        String stream = stream();
        try (QueryServer s = service(stream, true)) {
            String writer = TestTokens.sign(KEY, TestTokens.claims().subject("producer").claim("scope", "events:write").build());
            String reader = TestTokens.sign(KEY, TestTokens.claims().subject("u-1").claim("scope", "limits:read").build());
            String one = "[" + created("s-1", "u-1", 1) + "]";
            assertThat(post(s, one).statusCode()).isEqualTo(401);
            HttpResponse<String> forbidden = post(s, one, "Authorization", "Bearer " + reader);
            assertThat(forbidden.statusCode()).isEqualTo(403);
            assertThat(forbidden.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("scope=\"events:write\"");
            assertThat(post(s, one, "Authorization", "Bearer " + writer).statusCode()).isEqualTo(202);

            List<String> many = new ArrayList<>();
            for (int i = 0; i < 501; i++) {
                many.add(created("m-" + i, "u-" + i, 1));
            }
            HttpResponse<String> tooMany = post(s, "[" + String.join(",", many) + "]", "Authorization", "Bearer " + writer);
            assertThat(tooMany.statusCode()).isEqualTo(413);
            assertThat(JSON.readTree(tooMany.body()).get("message").asText()).isEqualTo("at most 500 events per request, got 501");
            HttpResponse<String> empty = post(s, " \n", "Authorization", "Bearer " + writer);
            assertThat(empty.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(empty.body()).get("message").asText())
                    .isEqualTo("the body holds no events (a JSON array or one JSON event per line)");
            HttpResponse<String> get = Http.get("http://127.0.0.1:" + s.port() + "/events", "Authorization", "Bearer " + writer);
            assertThat(get.statusCode()).isEqualTo(405);
            assertThat(get.headers().firstValue("Allow")).hasValue("POST");
        }
        assertThat(readAll(stream, 1)).isEqualTo(Map.of("u-1", List.of(created("s-1", "u-1", 1))));
    }

    /** Every record of the stream (waits until {@code count} are there), per partition key in shard order. */
    private static Map<String, List<String>> readAll(String stream, int count) throws InterruptedException {
        Map<String, List<String>> out = new TreeMap<>();
        int seen = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (seen < count && System.nanoTime() < deadline) {
            out.clear();
            seen = 0;
            for (Shard shard : kinesis.listShards(b -> b.streamName(stream)).shards()) {
                String iterator = kinesis.getShardIterator(b -> b.streamName(stream).shardId(shard.shardId())
                        .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
                for (Record record : kinesis.getRecords(b -> b.shardIterator(iterator)).records()) {
                    out.computeIfAbsent(record.partitionKey(), k -> new ArrayList<>()).add(record.data().asUtf8String());
                    seen++;
                }
            }
        }
        assertThat(seen).as("records in the stream").isEqualTo(count);
        return out;
    }
}
