package com.rglimits.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rglimits.config.Settings;
import com.rglimits.event.LimitPeriod;
import com.rglimits.event.LimitStatus;
import com.rglimits.event.LimitType;
import com.rglimits.limit.UserLimit;
import com.rglimits.localaws.Dynalite;
import com.rglimits.localaws.LocalAws;
import com.rglimits.table.LimitItems;
import com.rglimits.table.LimitTable;
import com.rglimits.testing.FaultInjectingDynamo;
import com.rglimits.testing.TestBeds;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The query API over real HTTP, backed by dynalite. */
class QueryApiIT {
    private static final String TABLE = TestBeds.uniqueName("user-limits");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Dynalite dynamo;
    private static DynamoDbClient admin;
    private static DynamoDbClient client;
    private static QueryServer server;
    private static String base;

    @BeforeAll
    static void start() throws Exception {
        dynamo = TestBeds.dynalite();
        admin = dynamo.client();
        LimitTable.create(admin, TABLE);
        put(limit("u-1", "lim-a", LimitType.DEPOSIT, LimitPeriod.DAY, LimitStatus.ACTIVE, "200", "25.5", 7));
        put(limit("u-1", "lim-b", LimitType.LOSS, LimitPeriod.WEEK, LimitStatus.CANCELED, "0", "0", 3));
        put(limit("u-1", "lim-c", LimitType.BET, LimitPeriod.DAY, LimitStatus.ACTIVE, "3", "2", 12));
        put(limit("u-1", "lim-d", LimitType.DEPOSIT, LimitPeriod.MONTH, LimitStatus.FUTURE, "300", "1", 5));
        put(limit("u-2", "lim-a", LimitType.SESSION, LimitPeriod.INDEFINITE, LimitStatus.ACTIVE, "60", "75", 2));
        client = DynamoClients.dynamoDb(config(dynamo, TABLE, "true"));
        server = QueryServer.start(config(dynamo, TABLE, "true"), client);
        base = "http://127.0.0.1:" + server.port();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        client.close();
        admin.close();
    }

    static QueryConfig config(Dynalite dynamo, String table, String consistentRead) {
        return config(dynamo.awsProperties(), table, consistentRead);
    }

    private static QueryConfig config(Properties aws, String table, String consistentRead) {
        Map<String, String> values = new HashMap<>();
        aws.forEach((k, v) -> values.put((String) k, (String) v));
        values.put("host", "127.0.0.1");
        values.put("port", "0");
        values.put("table.name", table);
        values.put("dynamodb.consistent-read", consistentRead);
        // An emulator on a loaded machine can take seconds to answer: this is not the test of the timeouts.
        values.put("dynamodb.call-timeout.ms", "30000");
        values.put("dynamodb.attempt-timeout.ms", "10000");
        values.put("auth", "none");
        return QueryConfig.from(new Settings(values, k -> k), "0.0.0.0");
    }

    static UserLimit limit(String user, String id, LimitType type, LimitPeriod period, LimitStatus status,
            String value, String progress, long version) {
        UserLimit l = new UserLimit();
        l.userId = user;
        l.userLimitId = id;
        l.brandId = "brand-1";
        l.currencyCode = "EUR";
        l.type = type;
        l.period = period;
        l.status = status;
        l.value = new BigDecimal(value);
        l.progress = new BigDecimal(progress);
        l.activeFrom = 1_718_000_000_000L;
        l.nextResetTime = period == LimitPeriod.INDEFINITE ? null : 1_718_086_400_000L;
        l.createdAt = 1_717_999_999_000L;
        l.updatedAt = 1_718_000_000_500L + version;
        l.lastEventId = "ev-" + version;
        l.lastSequenceNumber = version;
        return l;
    }

    private static void put(UserLimit l) {
        admin.putItem(b -> b.tableName(TABLE).item(LimitItems.toItem(l)));
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        return JSON.readTree(response.body());
    }

    private static List<String> ids(JsonNode list) {
        List<String> ids = new ArrayList<>();
        list.get("limits").forEach(l -> ids.add(l.get("userLimitId").asText()));
        assertThat(list.get("count").asInt()).isEqualTo(ids.size());
        return ids;
    }

    @Test
    void health() throws Exception {
        HttpResponse<String> r = Http.get(base + "/health");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r).get("status").asText()).isEqualTo("UP");

        HttpResponse<String> head = Http.send(HttpRequest.newBuilder(URI.create(base + "/health"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
    }

    @Test
    void openApiDocumentDescribesEveryEndpoint() throws Exception {
        HttpResponse<String> r = Http.get(base + "/openapi.json");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode doc = json(r);
        assertThat(doc.get("openapi").asText()).startsWith("3.0");
        List<String> paths = new ArrayList<>();
        doc.get("paths").fieldNames().forEachRemaining(paths::add);
        assertThat(paths).containsExactlyInAnyOrder(
                "/users/{userId}/limits", "/users/{userId}/limits/{userLimitId}", "/health", "/openapi.json",
                "/subscribers/{name}", "/subscribers/{name}/subscriptions/all-users",
                "/subscribers/{name}/subscriptions/users/{userId}", "/events");
        assertThat(doc.at("/components/schemas/Limit/properties/percentageUsed/description").asText())
                .contains("HALF_UP").contains("Absent when value is 0");
    }

    @Test
    void listsEveryLimitOfAUserWithItsAttributes() throws Exception {
        HttpResponse<String> r = Http.get(base + "/users/u-1/limits");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = json(r);
        assertThat(body.get("userId").asText()).isEqualTo("u-1");
        assertThat(ids(body)).containsExactly("lim-a", "lim-b", "lim-c", "lim-d");

        JsonNode a = body.get("limits").get(0);
        assertThat(a.get("userId").asText()).isEqualTo("u-1");
        assertThat(a.get("brandId").asText()).isEqualTo("brand-1");
        assertThat(a.get("currencyCode").asText()).isEqualTo("EUR");
        assertThat(a.get("type").asText()).isEqualTo("DEPOSIT");
        assertThat(a.get("period").asText()).isEqualTo("DAY");
        assertThat(a.get("status").asText()).isEqualTo("ACTIVE");
        assertThat(a.get("value").isTextual()).isTrue();
        assertThat(a.get("value").asText()).isEqualTo("200");
        assertThat(a.get("progress").asText()).isEqualTo("25.5");
        assertThat(a.get("remaining").asText()).isEqualTo("174.5");
        assertThat(a.get("percentageUsed").asText()).isEqualTo("12.75");
        assertThat(a.get("activeFrom").isIntegralNumber()).isTrue();
        assertThat(a.get("activeFrom").asLong()).isEqualTo(1_718_000_000_000L);
        assertThat(a.get("nextResetTime").asLong()).isEqualTo(1_718_086_400_000L);
        assertThat(a.has("activeUntil")).isFalse();
        assertThat(a.get("createdAt").asLong()).isEqualTo(1_717_999_999_000L);
        assertThat(a.get("updatedAt").asLong()).isEqualTo(1_718_000_000_507L);
        assertThat(a.get("lastEventId").asText()).isEqualTo("ev-7");
        assertThat(a.get("lastSequenceNumber").isIntegralNumber()).isTrue();
        assertThat(a.get("lastSequenceNumber").asLong()).isEqualTo(7);

        assertThat(body.get("limits").get(1).has("percentageUsed")).as("value 0").isFalse();
        assertThat(body.get("limits").get(2).get("percentageUsed").asText()).as("2/3 half up").isEqualTo("66.67");
        assertThat(body.get("limits").get(3).get("percentageUsed").asText()).isEqualTo("0.33");

        JsonNode overspent = json(Http.get(base + "/users/u-2/limits")).get("limits").get(0);
        assertThat(overspent.get("percentageUsed").asText()).isEqualTo("125.00");
        assertThat(overspent.get("remaining").asText()).isEqualTo("-15");
        assertThat(overspent.has("nextResetTime")).isFalse();
    }

    @Test
    void filtersByTypePeriodAndStatus() throws Exception {
        assertThat(ids(json(Http.get(base + "/users/u-1/limits?type=DEPOSIT")))).containsExactly("lim-a", "lim-d");
        assertThat(ids(json(Http.get(base + "/users/u-1/limits?period=DAY")))).containsExactly("lim-a", "lim-c");
        assertThat(ids(json(Http.get(base + "/users/u-1/limits?status=ACTIVE")))).containsExactly("lim-a", "lim-c");
        assertThat(ids(json(Http.get(base + "/users/u-1/limits?type=DEPOSIT&period=MONTH")))).containsExactly("lim-d");
        assertThat(ids(json(Http.get(base + "/users/u-1/limits?status=ACTIVE&period=DAY&type=BET"))))
                .containsExactly("lim-c");
        HttpResponse<String> none = Http.get(base + "/users/u-1/limits?type=SESSION");
        assertThat(none.statusCode()).isEqualTo(200);
        assertThat(ids(json(none))).isEmpty();
    }

    @Test
    void userWithoutLimitsHasAnEmptyList() throws Exception {
        HttpResponse<String> r = Http.get(base + "/users/nobody/limits");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(ids(json(r))).isEmpty();
    }

    @Test
    void getsOneLimit() throws Exception {
        HttpResponse<String> r = Http.get(base + "/users/u-1/limits/lim-c");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode l = json(r);
        assertThat(l.get("userLimitId").asText()).isEqualTo("lim-c");
        assertThat(l.get("type").asText()).isEqualTo("BET");
        assertThat(l.get("percentageUsed").asText()).isEqualTo("66.67");
        assertThat(l.get("lastSequenceNumber").asLong()).isEqualTo(12);
        assertThat(r.headers().firstValue("ETag")).hasValue("\"12\"");
    }

    @Test
    void absentLimitIs404WithJsonError() throws Exception {
        for (String path : List.of("/users/u-1/limits/lim-z", "/users/nobody/limits/lim-a")) {
            HttpResponse<String> r = Http.get(base + path);
            assertThat(r.statusCode()).as(path).isEqualTo(404);
            assertError(r, "not_found");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/users/bad%20id/limits",
        "/users/b%C3%A4d/limits",
        "/users/x%2Fy/limits",
        "/users//limits",
        "/users/u-1/limits/lim%24x",
        "/users/u-1/limits/",
        "/users/u-1/limits?foo=1",
        "/users/u-1/limits?Type=BET",
        "/users/u-1/limits?type=deposit",
        "/users/u-1/limits?type=",
        "/users/u-1/limits?period=YEAR",
        "/users/u-1/limits?status=ACTIVE,FUTURE",
        "/users/u-1/limits?type=BET&type=LOSS",
        "/users/u-1/limits/lim-a?type=BET",
        "/health?verbose=1",
        "/openapi.json?x=1"
    })
    void badInputIs400WithJsonError(String path) throws Exception {
        HttpResponse<String> r = Http.get(base + path);
        assertThat(r.statusCode()).as(path).isEqualTo(400);
        assertError(r, "bad_request");
    }

    @Test
    void overlongIdsAre400() throws Exception {
        String id128 = "a".repeat(128);
        assertThat(Http.get(base + "/users/" + id128 + "/limits").statusCode()).isEqualTo(200);
        HttpResponse<String> user = Http.get(base + "/users/" + id128 + "a/limits");
        assertThat(user.statusCode()).isEqualTo(400);
        assertError(user, "bad_request");
        assertThat(JSON.readTree(user.body()).get("message").asText()).as("echo is cut short").hasSizeLessThan(200);
        HttpResponse<String> limit = Http.get(base + "/users/u-1/limits/" + id128 + "a");
        assertThat(limit.statusCode()).isEqualTo(400);
        assertError(limit, "bad_request");
    }

    @Test
    void unknownPathIs404AndOtherMethodsAre405() throws Exception {
        for (String path : List.of("/", "/users", "/users/u-1", "/users/u-1/other", "/users/u-1/limits/a/b")) {
            HttpResponse<String> r = Http.get(base + path);
            assertThat(r.statusCode()).as(path).isEqualTo(404);
            assertError(r, "not_found");
        }
        HttpResponse<String> post = Http.send(HttpRequest.newBuilder(URI.create(base + "/users/u-1/limits"))
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
        assertError(post, "method_not_allowed");
    }

    @Test
    void listETagFollowsEveryVersionAndGives304() throws Exception {
        put(limit("u-etag", "lim-1", LimitType.BET, LimitPeriod.DAY, LimitStatus.ACTIVE, "100", "10", 1));
        put(limit("u-etag", "lim-2", LimitType.LOSS, LimitPeriod.DAY, LimitStatus.ACTIVE, "100", "10", 2));
        String url = base + "/users/u-etag/limits";
        HttpResponse<String> first = Http.get(url);
        String etag = first.headers().firstValue("ETag").orElseThrow();
        assertThat(etag).matches("\"[0-9a-f]{32}\"");
        assertThat(first.headers().firstValue("Cache-Control")).hasValue("private, no-cache");

        HttpResponse<String> same = Http.get(url, "If-None-Match", etag);
        assertThat(same.statusCode()).isEqualTo(304);
        assertThat(same.body()).isEmpty();
        assertThat(same.headers().firstValue("ETag")).hasValue(etag);
        assertThat(same.headers().firstValue("Cache-Control")).hasValue("private, no-cache");
        assertThat(Http.get(url + "/lim-1").headers().firstValue("Cache-Control")).hasValue("private, no-cache");
        assertThat(Http.get(url, "If-None-Match", "W/" + etag).statusCode()).as("weak comparison").isEqualTo(304);
        assertThat(Http.get(url, "If-None-Match", "\"other\", " + etag).statusCode()).isEqualTo(304);
        assertThat(Http.get(url, "If-None-Match", "*").statusCode()).isEqualTo(304);
        assertThat(Http.get(url, "If-None-Match", "\"other\"").statusCode()).isEqualTo(200);
        assertThat(Http.get(url + "?type=BET").headers().firstValue("ETag")).get().isNotEqualTo(etag);

        // A new version of one limit changes the tag.
        put(limit("u-etag", "lim-2", LimitType.LOSS, LimitPeriod.DAY, LimitStatus.ACTIVE, "100", "20", 3));
        HttpResponse<String> changed = Http.get(url, "If-None-Match", etag);
        assertThat(changed.statusCode()).isEqualTo(200);
        String etag2 = changed.headers().firstValue("ETag").orElseThrow();
        assertThat(etag2).isNotEqualTo(etag);
        assertThat(json(changed).get("limits").get(1).get("progress").asText()).isEqualTo("20");

        // So does a new limit, and a removed one.
        put(limit("u-etag", "lim-3", LimitType.DEPOSIT, LimitPeriod.DAY, LimitStatus.ACTIVE, "100", "0", 1));
        String etag3 = Http.get(url, "If-None-Match", etag2).headers().firstValue("ETag").orElseThrow();
        assertThat(etag3).isNotIn(etag, etag2);
        admin.deleteItem(b -> b.tableName(TABLE).key(Map.of(
                LimitItems.USER_ID, AttributeValue.builder().s("u-etag").build(),
                LimitItems.USER_LIMIT_ID, AttributeValue.builder().s("lim-3").build())));
        HttpResponse<String> removed = Http.get(url, "If-None-Match", etag3);
        assertThat(removed.statusCode()).isEqualTo(200);
        assertThat(removed.headers().firstValue("ETag")).hasValue(etag2);
    }

    @Test
    void itemETagIsItsVersionAndGives304() throws Exception {
        put(limit("u-etag1", "lim-1", LimitType.BET, LimitPeriod.DAY, LimitStatus.ACTIVE, "100", "10", 41));
        String url = base + "/users/u-etag1/limits/lim-1";
        assertThat(Http.get(url).headers().firstValue("ETag")).hasValue("\"41\"");
        HttpResponse<String> same = Http.get(url, "If-None-Match", "\"41\"");
        assertThat(same.statusCode()).isEqualTo(304);
        assertThat(same.body()).isEmpty();
        assertThat(Http.get(url, "If-None-Match", "W/\"41\"").statusCode()).isEqualTo(304);

        put(limit("u-etag1", "lim-1", LimitType.BET, LimitPeriod.DAY, LimitStatus.ACTIVE, "100", "30", 42));
        HttpResponse<String> changed = Http.get(url, "If-None-Match", "\"41\"");
        assertThat(changed.statusCode()).isEqualTo(200);
        assertThat(changed.headers().firstValue("ETag")).hasValue("\"42\"");
        assertThat(json(changed).get("percentageUsed").asText()).isEqualTo("30.00");
        assertThat(Http.get(url + "x", "If-None-Match", "*").statusCode()).as("* on an absent limit").isEqualTo(404);
    }

    @Test
    void missingTableIs503() throws Exception {
        try (DynamoDbClient c = DynamoClients.dynamoDb(config(dynamo, "no-such-table", "false"));
                QueryServer s = QueryServer.start(config(dynamo, "no-such-table", "false"), c)) {
            HttpResponse<String> r = Http.get("http://127.0.0.1:" + s.port() + "/users/u-1/limits");
            assertThat(r.statusCode()).isEqualTo(503);
            assertError(r, "unavailable");
        }
    }

    /** DynamoDB goes away behind a front that keeps its port (see {@link FaultInjectingDynamo#becomeUnreachable}). */
    @Test
    void dynamoDbDownIs503WithoutStackTrace() throws Exception {
        try (FaultInjectingDynamo front = new FaultInjectingDynamo(dynamo.port(), n -> null)) {
            QueryConfig config = config(LocalAws.awsProperties(URI.create(front.endpoint())), TABLE, "false");
            try (DynamoDbClient c = DynamoClients.dynamoDb(config); QueryServer s = QueryServer.start(config, c)) {
                String url = "http://127.0.0.1:" + s.port();
                assertThat(Http.get(url + "/users/u-1/limits").statusCode()).isEqualTo(200);

                front.becomeUnreachable();
                for (String path : List.of("/users/u-1/limits", "/users/u-1/limits/lim-a")) {
                    HttpResponse<String> r = Http.get(url + path);
                    assertThat(r.statusCode()).as(path).isEqualTo(503);
                    assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
                    assertError(r, "unavailable");
                    assertThat(r.body()).doesNotContain("Exception").doesNotContain("at software.").doesNotContain("127.0.0.1");
                }
                assertThat(Http.get(url + "/health").statusCode()).as("liveness does not depend on DynamoDB").isEqualTo(200);
            }
        }
    }

    private static void assertError(HttpResponse<String> r, String error) throws Exception {
        JsonNode body = json(r);
        List<String> fields = new ArrayList<>();
        body.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactly("error", "message");
        assertThat(body.get("error").asText()).isEqualTo(error);
        assertThat(body.get("message").asText()).isNotBlank();
    }
}
