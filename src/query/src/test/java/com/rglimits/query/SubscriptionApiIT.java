package com.rglimits.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.jwk.RSAKey;
import com.rglimits.aws.AwsClients;
import com.rglimits.config.Settings;
import com.rglimits.config.TableNames;
import com.rglimits.localaws.Dynalite;
import com.rglimits.localaws.ElasticMq;
import com.rglimits.localaws.LocalAws;
import com.rglimits.table.SubscriptionItems;
import com.rglimits.testing.SqsPolicyKeeper;
import com.rglimits.testing.TestBeds;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** The subscription endpoints over real HTTP, backed by dynalite and ElasticMQ. */
class SubscriptionApiIT {
    private static final String TABLE = TestBeds.uniqueName("subscriptions");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Dynalite dynamo;
    private static DynamoDbClient client;
    private static ElasticMq elasticMq;
    private static SqsClient sqs;
    private static QueryServer server;
    private static String base;

    @BeforeAll
    static void start() throws Exception {
        dynamo = TestBeds.dynalite();
        client = dynamo.client();
        SubscriptionItems.create(client, TABLE);
        elasticMq = TestBeds.elasticMq();
        sqs = elasticMq.client();
        server = QueryServer.start(config(Map.of("auth", "none")), client);
        base = "http://127.0.0.1:" + server.port();
    }

    @AfterAll
    static void stop() {
        server.close();
        client.close();
        sqs.close();
    }

    static QueryConfig config(Map<String, String> auth) {
        Map<String, String> values = new HashMap<>();
        dynamo.awsProperties().forEach((k, v) -> values.put((String) k, (String) v));
        values.put("host", "127.0.0.1");
        values.put("port", "0");
        values.put(TableNames.SUBSCRIBERS_TABLE, TABLE);
        values.put("sqs.endpoint", elasticMq.endpoint().toString());
        // The emulators on a loaded machine can take seconds to answer: this is not the test of the timeouts.
        values.put("dynamodb.call-timeout.ms", "30000");
        values.put("dynamodb.attempt-timeout.ms", "10000");
        values.putAll(auth);
        return QueryConfig.from(new Settings(values, k -> k), "0.0.0.0");
    }

    private static HttpResponse<String> call(String method, String path, String body, String... headers) {
        return callUrl(method, base + path, body, headers);
    }

    private static HttpResponse<String> callUrl(String method, String url, String body, String... headers) {
        return Http.send(HttpRequest.newBuilder(URI.create(url)).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)), headers);
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    @Test
    void registerIsIdempotentAndCreatesAFifoQueue() throws Exception {
        HttpResponse<String> first = call("PUT", "/subscribers/payments", null);
        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(first.headers().firstValue("Location")).hasValue("/subscribers/payments");
        JsonNode s = json(first);
        String queueUrl = s.get("queueUrl").asText();
        assertThat(queueUrl).endsWith("/user-limits-payments.fifo");
        assertThat(s.get("queueCreated").asBoolean()).isTrue();
        assertThat(s.get("subscriptions")).isEmpty();
        Map<QueueAttributeName, String> attributes = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl)
                .attributeNames(QueueAttributeName.ALL)).attributes();
        assertThat(attributes.get(QueueAttributeName.FIFO_QUEUE)).isEqualTo("true");

        HttpResponse<String> again = call("PUT", "/subscribers/payments", null);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(json(again)).isEqualTo(s);
        assertThat(call("PUT", "/subscribers/payments", "{\"queueUrl\":\"" + queueUrl + "\"}").statusCode()).isEqualTo(200);
        HttpResponse<String> other = call("PUT", "/subscribers/payments", "{\"queueUrl\":\"" + elasticMq.endpoint() + "/000000000000/other.fifo\"}");
        assertThat(other.statusCode()).isEqualTo(409);
        assertThat(json(other).get("error").asText()).isEqualTo("conflict");
    }

    @Test
    void subscriberAnswersAreNeverKeptByACache() {
        HttpResponse<String> created = call("PUT", "/subscribers/cache-check", null);
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.headers().firstValue("Cache-Control")).hasValue("private, no-store");
        assertThat(call("PUT", "/subscribers/cache-check/subscriptions/users/u-7", null).statusCode()).isEqualTo(204);
        HttpResponse<String> read = call("GET", "/subscribers/cache-check", null);
        assertThat(read.body()).contains("\"userId\":\"u-7\"");
        assertThat(read.headers().firstValue("Cache-Control")).hasValue("private, no-store");
    }

    @Test
    void aQueueOnAnotherHostThanTheSqsEndpointIsRefused() throws Exception {
        String queueName = TestBeds.uniqueName("elsewhere") + ".fifo";
        String queueUrl = ElasticMq.createFifoQueue(sqs, queueName);
        // The same emulator under another host name: SQS would take it, the service must not.
        String otherHost = "http://localhost:" + elasticMq.port() + "/000000000000/" + queueName;
        for (String url : new String[] {otherHost, "https://sqs.evil.test/000000000000/" + queueName}) {
            HttpResponse<String> r = call("PUT", "/subscribers/elsewhere", "{\"queueUrl\":\"" + url + "\"}");
            assertThat(r.statusCode()).as(url).isEqualTo(400);
            assertThat(json(r).get("message").asText()).isEqualTo(
                    "queueUrl is not allowed: the queue URL's host is not the SQS endpoint's host 127.0.0.1");
        }
        assertThat(call("GET", "/subscribers/elsewhere", null).statusCode()).isEqualTo(404);
        assertThat(call("PUT", "/subscribers/elsewhere", "{\"queueUrl\":\"" + queueUrl + "\"}").statusCode()).isEqualTo(201);
    }

    @Test
    void registeringByPrincipalLetsExactlyThatPrincipalPollTheQueue() throws Exception {
        // ElasticMQ drops queue policies; the keeper in front of it keeps them as SQS does.
        try (SqsPolicyKeeper keeper = new SqsPolicyKeeper(elasticMq.endpoint());
                SqsClient viaKeeper = AwsClients.sync(LocalAws.awsSettings(keeper.endpoint()), SqsClient.builder());
                QueryServer service = QueryServer.start(config(Map.of("auth", "none", "sqs.endpoint", keeper.endpoint().toString())),
                        client)) {
            String url = "http://127.0.0.1:" + service.port() + "/subscribers/";
            String arn = "arn:aws:iam::123456789012:role/payments/poller";
            String body = "{\"principalArn\":\"" + arn + "\"}";
            HttpResponse<String> first = callUrl("PUT", url + "by-principal", body);
            assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
            JsonNode s = json(first);
            assertThat(s.get("principalArn").asText()).isEqualTo(arn);
            assertThat(s.get("queueCreated").asBoolean()).isTrue();
            String queueUrl = s.get("queueUrl").asText();
            assertThat(queueUrl).endsWith("/user-limits-by-principal.fifo");
            String queueArn = viaKeeper.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                    .attributes().get(QueueAttributeName.QUEUE_ARN);
            JsonNode expectedPolicy = JSON.readTree("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"SubscriberPolls\","
                    + "\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" + arn + "\"},"
                    + "\"Action\":[\"sqs:ReceiveMessage\",\"sqs:DeleteMessage\",\"sqs:ChangeMessageVisibility\"],"
                    + "\"Resource\":\"" + queueArn + "\"}]}");
            assertThat(policy(viaKeeper, queueUrl)).isEqualTo(expectedPolicy);

            // The same principal again: its subscriber back, and the grant made again (here: after someone changed it).
            viaKeeper.setQueueAttributes(b -> b.queueUrl(queueUrl).attributes(Map.of(QueueAttributeName.POLICY,
                    expectedPolicy.toString().replace(arn, "arn:aws:iam::123456789012:role/intruder"))));
            HttpResponse<String> again = callUrl("PUT", url + "by-principal", body);
            assertThat(again.statusCode()).isEqualTo(200);
            assertThat(json(again)).isEqualTo(s);
            assertThat(policy(viaKeeper, queueUrl)).isEqualTo(expectedPolicy);
            assertThat(json(callUrl("GET", url + "by-principal", null))).isEqualTo(s);

            HttpResponse<String> other = callUrl("PUT", url + "by-principal", "{\"principalArn\":\"arn:aws:iam::123456789012:role/other\"}");
            assertThat(other.statusCode()).isEqualTo(409);
            assertThat(json(other).get("message").asText())
                    .isEqualTo("subscriber by-principal is registered for another principal; delete it first to change it");
            assertThat(policy(viaKeeper, queueUrl)).as("untouched by the refused request").isEqualTo(expectedPolicy);

            // Deleted, the kept queue's grant is revoked: the name registered again is nobody's to poll.
            assertThat(callUrl("DELETE", url + "by-principal", null).statusCode()).isEqualTo(204);
            assertThat(viaKeeper.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.POLICY))
                    .attributes().get(QueueAttributeName.POLICY)).as("no policy").isEmpty();
            HttpResponse<String> reRegistered = callUrl("PUT", url + "by-principal", null);
            assertThat(reRegistered.statusCode()).isEqualTo(201);
            assertThat(json(reRegistered).get("queueUrl").asText()).isEqualTo(queueUrl);

            assertThat(callUrl("PUT", url + "no-principal", null).statusCode()).isEqualTo(201);
            HttpResponse<String> noPrincipal = callUrl("PUT", url + "no-principal", body);
            assertThat(noPrincipal.statusCode()).isEqualTo(409);
            assertThat(json(noPrincipal).get("message").asText())
                    .isEqualTo("subscriber no-principal is registered without a principal; delete it first to change it");
            String plainQueue = json(callUrl("GET", url + "no-principal", null)).get("queueUrl").asText();
            assertThat(viaKeeper.getQueueAttributes(b -> b.queueUrl(plainQueue).attributeNames(QueueAttributeName.POLICY))
                    .attributes()).doesNotContainKey(QueueAttributeName.POLICY);
        }
    }

    private static JsonNode policy(SqsClient sqs, String queueUrl) throws Exception {
        return JSON.readTree(sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.POLICY))
                .attributes().get(QueueAttributeName.POLICY));
    }

    @Test
    void aPrincipalMustBeAnIamArnAndComesWithoutAQueue() throws Exception {
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("{\"principalArn\":\"arn:aws:iam::123456789012:role/x\",\"queueUrl\":\"" + elasticMq.endpoint() + "/0/q.fifo\"}",
                "give queueUrl or principalArn, not both: the service grants a principal access only to a queue it created");
        for (String bad : new String[] {"*", "arn:aws:iam::123456789012:group/admins", "arn:aws:iam::12345:role/x",
                "arn:aws:sts::123456789012:assumed-role/x/session", "arn:aws:iam::123456789012:role/has space"}) {
            cases.put("{\"principalArn\":\"" + bad + "\"}", "principalArn must be the ARN of an IAM role, user or account root"
                    + " (arn:aws:iam::123456789012:role/NAME), got '" + bad + "'");
        }
        cases.put("{\"principalArn\":7}", "principalArn must be a non-empty string");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            HttpResponse<String> r = call("PUT", "/subscribers/bad-principal", c.getKey());
            assertThat(r.statusCode()).as(c.getKey()).isEqualTo(400);
            assertThat(json(r).get("message").asText()).isEqualTo(c.getValue());
        }
        assertThat(call("GET", "/subscribers/bad-principal", null).statusCode()).isEqualTo(404);
        assertThat(call("PUT", "/subscribers/root-principal", "{\"principalArn\":\"arn:aws:iam::123456789012:root\"}").statusCode())
                .isEqualTo(201);
    }

    @Test
    void anExistingQueueIsTakenAsItIs() throws Exception {
        String queueUrl = ElasticMq.createFifoQueue(sqs, TestBeds.uniqueName("crm-own") + ".fifo");
        HttpResponse<String> r = call("PUT", "/subscribers/crm", "{\"queueUrl\":\"" + queueUrl + "\"}");
        assertThat(r.statusCode()).isEqualTo(201);
        assertThat(json(r).get("queueUrl").asText()).isEqualTo(queueUrl);
        assertThat(json(r).get("queueCreated").asBoolean()).isFalse();
        assertThat(sqs.listQueues().queueUrls()).noneMatch(u -> u.endsWith("user-limits-crm.fifo"));
    }

    @Test
    void subscribeAndUnsubscribeAreIdempotentAndReadBack() throws Exception {
        assertThat(call("PUT", "/subscribers/notify", null).statusCode()).isEqualTo(201);
        String filter = "{\"limitTypes\":[\"LOSS\",\"DEPOSIT\",\"LOSS\"],\"kinds\":[\"LIMIT_THRESHOLD_REACHED\"]}";
        assertThat(call("PUT", "/subscribers/notify/subscriptions/all-users", filter).statusCode()).isEqualTo(204);
        assertThat(call("PUT", "/subscribers/notify/subscriptions/all-users", filter).statusCode()).isEqualTo(204);
        assertThat(call("PUT", "/subscribers/notify/subscriptions/users/u-1", null).statusCode()).isEqualTo(204);
        long before = System.currentTimeMillis();
        assertThat(call("PUT", "/subscribers/notify/subscriptions/users/u-2", "{\"start\":\"snapshot\"}").statusCode())
                .isEqualTo(204);
        long after = System.currentTimeMillis();

        ArrayNode subscriptions = (ArrayNode) json(call("GET", "/subscribers/notify", null)).get("subscriptions");
        assertThat(subscriptions.get(2).get("subscribedAt").asLong()).isBetween(before, after);
        subscriptions.forEach(x -> ((ObjectNode) x).remove("subscribedAt"));
        // Pending: no job marked them active (SnapshotOnSubscribeIT runs one that does).
        assertThat(subscriptions).isEqualTo(JSON.readTree("["
                + "{\"allUsers\":true,\"limitTypes\":[\"DEPOSIT\",\"LOSS\"],\"kinds\":[\"LIMIT_THRESHOLD_REACHED\"],"
                + "\"start\":\"now\",\"state\":\"pending\"},"
                + "{\"userId\":\"u-1\",\"limitTypes\":[],\"kinds\":[],\"start\":\"now\",\"state\":\"pending\"},"
                + "{\"userId\":\"u-2\",\"limitTypes\":[],\"kinds\":[],\"start\":\"snapshot\",\"state\":\"pending\"}]"));
        // What the running job writes once it has taken the subscription up (SnapshotOnSubscribeIT).
        client.updateItem(b -> b.tableName(TABLE).key(Map.of(SubscriptionItems.SUBSCRIBER, AttributeValue.fromS("notify"),
                        SubscriptionItems.ENTRY, AttributeValue.fromS("user#u-2")))
                .updateExpression("SET activeAt = :a").expressionAttributeValues(Map.of(":a", AttributeValue.fromN("1765000000000"))));
        JsonNode u2 = json(call("GET", "/subscribers/notify", null)).get("subscriptions").get(2);
        assertThat(u2.get("state").asText()).isEqualTo("active");
        assertThat(u2.get("activeAt").asLong()).isEqualTo(1_765_000_000_000L);

        assertThat(call("DELETE", "/subscribers/notify/subscriptions/users/u-1", null).statusCode()).isEqualTo(204);
        assertThat(call("DELETE", "/subscribers/notify/subscriptions/users/u-1", null).statusCode()).isEqualTo(204);
        assertThat(call("DELETE", "/subscribers/notify/subscriptions/users/never", null).statusCode()).isEqualTo(204);
        assertThat(json(call("GET", "/subscribers/notify", null)).get("subscriptions")).hasSize(2);

        assertThat(call("DELETE", "/subscribers/notify", null).statusCode()).isEqualTo(204);
        assertThat(call("GET", "/subscribers/notify", null).statusCode()).isEqualTo(404);
        assertThat(client.query(b -> b.tableName(TABLE).keyConditionExpression("subscriber = :s")
                .expressionAttributeValues(Map.of(":s", AttributeValue.builder()
                        .s("notify").build()))).items()).as("nothing left of it").isEmpty();
    }

    @Test
    void unknownSubscribersAre404() throws Exception {
        for (String[] request : new String[][] {
            {"GET", "/subscribers/ghost"},
            {"DELETE", "/subscribers/ghost"},
            {"PUT", "/subscribers/ghost/subscriptions/all-users"},
            {"PUT", "/subscribers/ghost/subscriptions/users/u-1"},
            {"DELETE", "/subscribers/ghost/subscriptions/users/u-1"},
        }) {
            HttpResponse<String> r = call(request[0], request[1], null);
            assertThat(r.statusCode()).as(request[0] + " " + request[1]).isEqualTo(404);
            assertThat(json(r).get("message").asText()).isEqualTo("no subscriber ghost");
        }
        assertThat(call("GET", "/subscribers/ghost/elsewhere", null).statusCode()).isEqualTo(404);
    }

    @Test
    void badInputIs400WithAClearMessage() throws Exception {
        assertThat(call("PUT", "/subscribers/validation", null).statusCode()).isEqualTo(201);
        Map<String, String[]> cases = new java.util.LinkedHashMap<>();
        cases.put("a subscriber name must be 1 to 63 characters of A-Z a-z 0-9 _ -, got 'bad.name'",
                new String[] {"PUT", "/subscribers/bad.name", null});
        cases.put("queueUrl must be the http(s) URL of an SQS FIFO queue (its name ends in .fifo)",
                new String[] {"PUT", "/subscribers/other", "{\"queueUrl\":\"http://sqs.test/1/standard\"}"});
        cases.put("the body is not JSON", new String[] {"PUT", "/subscribers/other", "{"});
        cases.put("the body must be a JSON object", new String[] {"PUT", "/subscribers/other", "[]"});
        cases.put("unknown field 'queue'; allowed: principalArn, queueUrl", new String[] {"PUT", "/subscribers/other", "{\"queue\":\"x\"}"});
        cases.put("limitTypes must hold only [BALANCE, BET, DEPOSIT, LOSS, SESSION], got \"WIN\"",
                new String[] {"PUT", "/subscribers/validation/subscriptions/all-users", "{\"limitTypes\":[\"WIN\"]}"});
        cases.put("kinds must be an array of [LIMIT_CHANGED, LIMIT_THRESHOLD_REACHED]",
                new String[] {"PUT", "/subscribers/validation/subscriptions/all-users", "{\"kinds\":\"LIMIT_CHANGED\"}"});
        cases.put("this request takes no body", new String[] {"GET", "/subscribers/validation", "{}"});
        cases.put("start must be \"now\" or \"snapshot\", got \"later\"",
                new String[] {"PUT", "/subscribers/validation/subscriptions/all-users", "{\"start\":\"later\"}"});
        cases.put("unknown field 'from'; allowed: kinds, limitTypes, start",
                new String[] {"PUT", "/subscribers/validation/subscriptions/all-users", "{\"from\":\"snapshot\"}"});
        cases.put("userId must be 1 to 128 characters of A-Z a-z 0-9 . _ : @ -",
                new String[] {"PUT", "/subscribers/validation/subscriptions/users/a%20b", null});
        cases.put("unknown query parameter 'x'; this endpoint takes none",
                new String[] {"GET", "/subscribers/validation?x=1", null});
        for (Map.Entry<String, String[]> c : cases.entrySet()) {
            HttpResponse<String> r = call(c.getValue()[0], c.getValue()[1], c.getValue()[2]);
            assertThat(r.statusCode()).as(c.getKey()).isEqualTo(400);
            assertThat(json(r).get("message").asText()).isEqualTo(c.getKey());
        }
        assertThat(call("POST", "/subscribers/validation", null).statusCode()).isEqualTo(405);
        assertThat(call("GET", "/subscribers/other", null).statusCode()).as("nothing registered by a bad request").isEqualTo(404);
    }

    @Test
    void contentAfterTheJsonBodyIsRefused() throws Exception {
        assertThat(call("PUT", "/subscribers/trailing", null).statusCode()).isEqualTo(201);
        String[][] requests = {
            {"/subscribers/trailing-other", "{}{\"queueUrl\":\"" + elasticMq.endpoint() + "/000000000000/x.fifo\"}"},
            {"/subscribers/trailing/subscriptions/all-users", "{\"kinds\":[\"LIMIT_CHANGED\"]} {\"kinds\":[]}"},
            {"/subscribers/trailing/subscriptions/users/u-1", "{} []"},
        };
        for (String[] request : requests) {
            HttpResponse<String> r = call("PUT", request[0], request[1]);
            assertThat(r.statusCode()).as(request[1]).isEqualTo(400);
            assertThat(json(r).get("message").asText()).isEqualTo("the body must be one JSON object, with nothing after it");
        }
        assertThat(call("GET", "/subscribers/trailing-other", null).statusCode()).isEqualTo(404);
        assertThat(json(call("GET", "/subscribers/trailing", null)).get("subscriptions")).isEmpty();
        // Whitespace after the object is not content.
        assertThat(call("PUT", "/subscribers/trailing/subscriptions/users/u-1", "{}\r\n ").statusCode()).isEqualTo(204);
    }

    @Test
    void theEndpointsAreInTheOpenApiDocument() throws Exception {
        JsonNode paths = json(Http.get(base + "/openapi.json")).get("paths");
        assertThat(paths.has("/subscribers/{name}")).isTrue();
        assertThat(paths.get("/subscribers/{name}").has("put")).isTrue();
        assertThat(paths.get("/subscribers/{name}").has("get")).isTrue();
        assertThat(paths.get("/subscribers/{name}").has("delete")).isTrue();
        assertThat(paths.get("/subscribers/{name}/subscriptions/all-users").has("put")).isTrue();
        assertThat(paths.get("/subscribers/{name}/subscriptions/users/{userId}").has("delete")).isTrue();
        assertThat(paths.get("/subscribers/{name}").get("put").get("x-required-scope").asText()).isEqualTo("subscriptions:admin");
    }

    @Test
    void withTokensOnlyTheAdminScopeManagesSubscriptions(@TempDir Path dir) throws Exception {
        RSAKey key = TestTokens.rsa("k1");
        Path jwks = dir.resolve("jwks.json");
        Files.writeString(jwks, TestTokens.jwks(key));
        Map<String, String> auth = new HashMap<>();
        auth.put("auth", "jwt");
        auth.put("auth.issuer", TestTokens.ISSUER);
        auth.put("auth.audience", TestTokens.AUDIENCE);
        auth.put("auth.jwks.file", jwks.toString());
        try (QueryServer secured = QueryServer.start(config(auth), client)) {
            String url = "http://127.0.0.1:" + secured.port() + "/subscribers/secured";
            String admin = TestTokens.sign(key, TestTokens.claims().claim("scope", "subscriptions:admin").build());
            String reader = TestTokens.sign(key, TestTokens.claims().claim("scope", "limits:read").subject("u-1").build());
            assertThat(Http.send(HttpRequest.newBuilder(URI.create(url)).GET()).statusCode()).isEqualTo(401);
            HttpResponse<String> forbidden = Http.send(HttpRequest.newBuilder(URI.create(url)).GET(), "Authorization", "Bearer " + reader);
            assertThat(forbidden.statusCode()).isEqualTo(403);
            assertThat(forbidden.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("scope=\"subscriptions:admin\"");
            assertThat(Http.send(HttpRequest.newBuilder(URI.create(url)).PUT(HttpRequest.BodyPublishers.noBody()),
                    "Authorization", "Bearer " + admin).statusCode()).isEqualTo(201);
        }
    }
}
