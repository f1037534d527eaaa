package com.rglimits.query;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rglimits.aws.SqsQueueHost;
import com.rglimits.event.LimitType;
import com.rglimits.subscribe.MessageKind;
import com.rglimits.table.SubscriptionItems;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The subscription endpoints (admin scope), under {@code /subscribers}: register a subscriber
 * (idempotent by name; its SQS FIFO queue is created unless an existing one is given), subscribe it
 * to a user or to all users with an optional filter, unsubscribe (both idempotent, 204), read, and
 * delete. See docs/subscribers.md and /openapi.json.
 */
final class SubscriptionHandler {
    /** Also an SQS queue name part: prefix + name + ".fifo" stays within SQS's 80 characters. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,63}");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:@-]{1,128}");
    static final String QUEUE_PREFIX = "user-limits-";
    /**
     * The kinds of change a subscription's {@code kinds} filter selects among: {@link MessageKind}
     * but the snapshot, which {@code start} asks for.
     */
    static final List<String> KINDS = Arrays.stream(MessageKind.values()).filter(k -> k != MessageKind.LIMIT_SNAPSHOT)
            .map(Enum::name).collect(Collectors.toList());
    private static final int MAX_BODY = 16 * 1024;
    private static final String PRINCIPAL_ARN = SubscriptionItems.PRINCIPAL_ARN;
    /** An IAM role or user (with its path) or an account's root, in any partition. */
    private static final Pattern PRINCIPAL = Pattern.compile(
            "arn:aws(-cn|-us-gov)?:iam::[0-9]{12}:(root|(role|user)/[A-Za-z0-9+=,.@_/-]{1,512})");

    private final ObjectMapper mapper = new ObjectMapper();
    private final SubscriptionStore store;
    private final SqsClient sqs;
    private final SqsQueueHost queueHost;

    SubscriptionHandler(SubscriptionStore store, SqsClient sqs) {
        this.store = store;
        this.sqs = sqs;
        this.queueHost = SqsQueueHost.of(sqs.serviceClientConfiguration());
    }

    /** {@code parts}: the request path split on '/', parts[1] being "subscribers". */
    void route(HttpServerExchange exchange, String[] parts) {
        if (parts.length == 3) {
            String name = name(parts[2]);
            HttpString method = exchange.getRequestMethod();
            if (method.equals(Methods.PUT)) {
                register(exchange, name);
            } else if (method.equals(Methods.GET)) {
                read(exchange, name);
            } else if (method.equals(Methods.DELETE)) {
                delete(exchange, name);
            } else {
                throw notAllowed(exchange, "GET, PUT, DELETE");
            }
        } else if (parts.length == 5 && parts[3].equals("subscriptions") && parts[4].equals("all-users")) {
            subscription(exchange, name(parts[2]), SubscriptionItems.ALL_USERS);
        } else if (parts.length == 6 && parts[3].equals("subscriptions") && parts[4].equals("users")) {
            String name = name(parts[2]);
            if (!ID.matcher(parts[5]).matches()) {
                throw ApiException.badRequest("userId must be 1 to 128 characters of A-Z a-z 0-9 . _ : @ -");
            }
            subscription(exchange, name, parts[5]);
        } else {
            throw ApiException.notFound("no such endpoint; see /openapi.json");
        }
    }

    private void register(HttpServerExchange exchange, String name) {
        JsonNode body = body(exchange, Set.of("queueUrl", PRINCIPAL_ARN));
        String queueUrl = body.has("queueUrl") ? text(body, "queueUrl") : null;
        String principal = body.has(PRINCIPAL_ARN) ? text(body, PRINCIPAL_ARN) : null;
        if (queueUrl != null && principal != null) {
            throw ApiException.badRequest("give queueUrl or principalArn, not both: the service grants a principal"
                    + " access only to a queue it created");
        }
        if (principal != null && !PRINCIPAL.matcher(principal).matches()) {
            throw ApiException.badRequest("principalArn must be the ARN of an IAM role, user or account root"
                    + " (arn:aws:iam::123456789012:role/NAME), got '" + echo(principal) + "'");
        }
        if (queueUrl != null && !queueUrl.matches("https?://\\S+\\.fifo")) {
            throw ApiException.badRequest("queueUrl must be the http(s) URL of an SQS FIFO queue (its name ends in .fifo)");
        }
        if (queueUrl != null) {
            // The job refuses such a queue too; refused here, nobody registers a subscriber it would never feed.
            queueHost.refusal(queueUrl).ifPresent(why -> {
                throw ApiException.badRequest("queueUrl is not allowed: " + why);
            });
        }
        var existing = store.subscriber(name);
        if (existing.isPresent()) {
            registered(exchange, name, existing.get(), queueUrl, principal);
            return;
        }
        boolean create = queueUrl == null;
        String url = create ? createQueue(name) : queueUrl;
        if (store.createSubscriber(name, url, create, principal, System.currentTimeMillis())) {
            // Granted once the name is this principal's: a concurrent registration with another principal
            // loses the conditional write above and never touches the policy.
            if (principal != null) {
                grant(url, principal);
            }
            exchange.getResponseHeaders().put(Headers.LOCATION, "/subscribers/" + name);
            send(exchange, 201, subscriberJson(name, store.entries(name)));
        } else {
            // Registered concurrently: the same answer as a repeated request.
            registered(exchange, name, store.subscriber(name).orElseThrow(), queueUrl, principal);
        }
    }

    /** A repeated registration: 200 with the subscriber when it asks for what is registered, else 409. */
    private void registered(HttpServerExchange exchange, String name, Map<String, AttributeValue> item,
            String queueUrl, String principal) {
        String current = item.get(SubscriptionItems.QUEUE_URL).s();
        if (queueUrl != null && !queueUrl.equals(current)) {
            throw new ApiException(409, "conflict", "subscriber " + name + " is registered with another queue ("
                    + current + "); delete it first to change its queue");
        }
        AttributeValue registeredPrincipal = item.get(SubscriptionItems.PRINCIPAL_ARN);
        if (principal != null) {
            if (registeredPrincipal == null || !principal.equals(registeredPrincipal.s())) {
                throw new ApiException(409, "conflict", "subscriber " + name + " is registered "
                        + (registeredPrincipal == null ? "without a principal" : "for another principal")
                        + "; delete it first to change it");
            }
            // Again, in case the first request ended between storing the subscriber and granting.
            grant(current, principal);
        }
        send(exchange, 200, subscriberJson(name, store.entries(name)));
    }

    /**
     * Sets the queue's policy: the principal may receive, delete and change the visibility of its
     * messages, nothing else (sending stays with the job's role, through its own IAM policy).
     */
    private void grant(String queueUrl, String principal) {
        String queueArn = sqsCall(() -> sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN), "queue_not_granted", "SQS refused to set the queue's policy");
        setPolicy(queueUrl, pollPolicy(queueArn, principal).toString());
    }

    /** An empty policy removes the queue's policy. */
    private void setPolicy(String queueUrl, String policy) {
        sqsCall(() -> sqs.setQueueAttributes(b -> b.queueUrl(queueUrl).attributes(Map.of(QueueAttributeName.POLICY, policy))),
                "queue_not_granted", "SQS refused to set the queue's policy");
    }

    static ObjectNode pollPolicy(String queueArn, String principal) {
        ObjectNode policy = new ObjectMapper().createObjectNode();
        policy.put("Version", "2012-10-17");
        ObjectNode statement = policy.putArray("Statement").addObject();
        statement.put("Sid", "SubscriberPolls");
        statement.put("Effect", "Allow");
        statement.putObject("Principal").put("AWS", principal);
        statement.putArray("Action").add("sqs:ReceiveMessage").add("sqs:DeleteMessage").add("sqs:ChangeMessageVisibility");
        statement.put("Resource", queueArn);
        return policy;
    }

    private String createQueue(String name) {
        return sqsCall(() -> sqs.createQueue(b -> b.queueName(QUEUE_PREFIX + name + ".fifo").attributes(Map.of(
                QueueAttributeName.FIFO_QUEUE, "true",
                // The feed gives every message its own de-duplication id.
                QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "false"))).queueUrl(),
                "queue_not_created", "SQS refused to create the queue");
    }

    /**
     * One SQS call of the service: SQS unreachable, throttling or failing is 503 (retry later); a
     * refusal is 502 with {@code code} and {@code refused}, then SQS's own message.
     */
    private static <T> T sqsCall(Supplier<T> call, String code, String refused) {
        try {
            return call.get();
        } catch (SdkClientException e) {
            throw unavailable("SQS");
        } catch (AwsServiceException e) {
            if (e.isThrottlingException() || e.statusCode() >= 500) {
                throw unavailable("SQS");
            }
            throw new ApiException(502, code, refused + ": " + e.awsErrorDetails().errorMessage());
        }
    }

    private static ApiException unavailable(String what) {
        return new ApiException(503, "unavailable", what + " is unavailable, retry later");
    }

    private void read(HttpServerExchange exchange, String name) {
        requireNoBody(exchange);
        List<Map<String, AttributeValue>> entries = store.entries(name);
        if (!hasSubscriber(entries)) {
            throw unknown(name);
        }
        send(exchange, 200, subscriberJson(name, entries));
    }

    private void delete(HttpServerExchange exchange, String name) {
        requireNoBody(exchange);
        List<Map<String, AttributeValue>> entries = store.entries(name);
        if (!hasSubscriber(entries)) {
            throw unknown(name);
        }
        // The queue is kept (its messages may still be read), but its principal loses it: the same name
        // registered again would otherwise hand the old principal the new subscriber's messages.
        entries.stream().filter(e -> e.get(SubscriptionItems.ENTRY).s().equals(SubscriptionItems.SUBSCRIBER_ENTRY)
                        && e.containsKey(SubscriptionItems.PRINCIPAL_ARN))
                .findFirst().ifPresent(e -> setPolicy(e.get(SubscriptionItems.QUEUE_URL).s(), ""));
        store.deleteSubscriber(name, entries);
        noContent(exchange);
    }

    private void subscription(HttpServerExchange exchange, String name, String userId) {
        HttpString method = exchange.getRequestMethod();
        if (method.equals(Methods.PUT)) {
            JsonNode body = body(exchange, Set.of("limitTypes", "kinds", "start"));
            List<String> types = names(body, "limitTypes",
                    Arrays.stream(LimitType.values()).map(Enum::name).collect(Collectors.toList()));
            List<String> kinds = names(body, "kinds", KINDS);
            boolean snapshot = startsWithSnapshot(body);
            if (!store.putSubscription(name, userId, types, kinds, snapshot, System.currentTimeMillis())) {
                throw unknown(name);
            }
        } else if (method.equals(Methods.DELETE)) {
            requireNoBody(exchange);
            if (store.subscriber(name).isEmpty()) {
                throw unknown(name);
            }
            store.deleteEntry(name, SubscriptionItems.entry(userId));
        } else {
            throw notAllowed(exchange, "PUT, DELETE");
        }
        noContent(exchange);
    }

    /** {@code "start"}: {@code "now"} (the default) or {@code "snapshot"}. */
    private static boolean startsWithSnapshot(JsonNode body) {
        JsonNode v = body.get("start");
        if (v == null || v.isNull() || v.isTextual() && v.asText().equals("now")) {
            return false;
        }
        if (v.isTextual() && v.asText().equals(SubscriptionItems.START_SNAPSHOT)) {
            return true;
        }
        throw ApiException.badRequest("start must be \"now\" or \"snapshot\", got " + echo(v.toString()));
    }

    private static boolean hasSubscriber(List<Map<String, AttributeValue>> entries) {
        return entries.stream().anyMatch(e -> e.get(SubscriptionItems.ENTRY).s().equals(SubscriptionItems.SUBSCRIBER_ENTRY));
    }

    private ObjectNode subscriberJson(String name, List<Map<String, AttributeValue>> entries) {
        ObjectNode o = mapper.createObjectNode();
        o.put("name", name);
        ArrayNode subscriptions = mapper.createArrayNode();
        for (Map<String, AttributeValue> e : entries) {
            if (e.get(SubscriptionItems.ENTRY).s().equals(SubscriptionItems.SUBSCRIBER_ENTRY)) {
                o.put("queueUrl", e.get(SubscriptionItems.QUEUE_URL).s());
                o.put("queueCreated", Boolean.TRUE.equals(e.get(SubscriptionItems.QUEUE_CREATED).bool()));
                o.put("createdAt", Long.parseLong(e.get(SubscriptionItems.CREATED_AT).n()));
                if (e.containsKey(SubscriptionItems.PRINCIPAL_ARN)) {
                    o.put(PRINCIPAL_ARN, e.get(SubscriptionItems.PRINCIPAL_ARN).s());
                }
            } else {
                ObjectNode s = subscriptions.addObject();
                String userId = e.get(SubscriptionItems.USER_ID).s();
                if (userId.equals(SubscriptionItems.ALL_USERS)) {
                    s.put("allUsers", true);
                } else {
                    s.put("userId", userId);
                }
                s.set("limitTypes", list(e.get(SubscriptionItems.LIMIT_TYPES)));
                s.set("kinds", list(e.get(SubscriptionItems.KINDS)));
                s.put("start", e.containsKey(SubscriptionItems.START) ? e.get(SubscriptionItems.START).s() : "now");
                if (e.containsKey(SubscriptionItems.SUBSCRIBED_AT)) {
                    s.put("subscribedAt", Long.parseLong(e.get(SubscriptionItems.SUBSCRIBED_AT).n()));
                }
                AttributeValue activeAt = e.get(SubscriptionItems.ACTIVE_AT);
                s.put("state", activeAt == null ? "pending" : "active");
                if (activeAt != null) {
                    s.put("activeAt", Long.parseLong(activeAt.n()));
                }
            }
        }
        o.set("subscriptions", subscriptions);
        return o;
    }

    private ArrayNode list(AttributeValue v) {
        ArrayNode a = mapper.createArrayNode();
        if (v != null && v.s() != null && !v.s().isEmpty()) {
            Arrays.stream(v.s().split(",")).forEach(a::add);
        }
        return a;
    }

    /** The JSON object of the request (an empty body: an empty object), with only the fields allowed. */
    private JsonNode body(HttpServerExchange exchange, Set<String> allowed) {
        byte[] bytes = RequestBody.read(exchange, MAX_BODY);
        if (bytes.length == 0) {
            return mapper.createObjectNode();
        }
        JsonNode node;
        try (JsonParser parser = mapper.createParser(bytes)) {
            node = mapper.readTree(parser);
            if (parser.nextToken() != null) {
                throw ApiException.badRequest("the body must be one JSON object, with nothing after it");
            }
        } catch (IOException e) {
            throw ApiException.badRequest("the body is not JSON");
        }
        if (node == null || !node.isObject()) {
            throw ApiException.badRequest("the body must be a JSON object");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!allowed.contains(field)) {
                throw ApiException.badRequest("unknown field '" + echo(field) + "'; allowed: " + String.join(", ", new TreeSet<>(allowed)));
            }
        }
        return node;
    }

    private void requireNoBody(HttpServerExchange exchange) {
        if (RequestBody.read(exchange, MAX_BODY).length > 0) {
            throw ApiException.badRequest("this request takes no body");
        }
    }

    private static String text(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (!v.isTextual() || v.asText().isBlank()) {
            throw ApiException.badRequest(field + " must be a non-empty string");
        }
        return v.asText();
    }

    /** An optional array of names out of {@code allowed}, sorted and without repeats; absent or empty: all. */
    private static List<String> names(JsonNode body, String field, List<String> allowed) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw ApiException.badRequest(field + " must be an array of " + allowed);
        }
        TreeSet<String> out = new TreeSet<>();
        for (JsonNode e : v) {
            if (!e.isTextual() || !allowed.contains(e.asText())) {
                throw ApiException.badRequest(field + " must hold only " + allowed + ", got " + echo(e.toString()));
            }
            out.add(e.asText());
        }
        return new ArrayList<>(out);
    }

    private static String name(String value) {
        if (!NAME.matcher(value).matches()) {
            throw ApiException.badRequest("a subscriber name must be 1 to 63 characters of A-Z a-z 0-9 _ -, got '" + echo(value) + "'");
        }
        return value;
    }

    private static ApiException unknown(String name) {
        return ApiException.notFound("no subscriber " + name);
    }

    private static ApiException notAllowed(HttpServerExchange exchange, String allow) {
        exchange.getResponseHeaders().put(Headers.ALLOW, allow);
        return new ApiException(405, "method_not_allowed", "only " + allow + " are allowed here");
    }

    private static String echo(String value) {
        return value.length() <= 64 ? value : value.substring(0, 64) + "...";
    }

    private void send(HttpServerExchange exchange, int status, JsonNode body) {
        try {
            exchange.setStatusCode(status);
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
            // A subscriber names the users it follows: kept by no cache at all.
            exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "private, no-store");
            exchange.getResponseSender().send(mapper.writeValueAsString(body));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void noContent(HttpServerExchange exchange) {
        exchange.setStatusCode(204);
        exchange.endExchange();
    }
}
