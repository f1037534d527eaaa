package com.rglimits.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rglimits.event.LimitPeriod;
import com.rglimits.event.LimitStatus;
import com.rglimits.event.LimitType;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.xnio.IoUtils;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/**
 * The HTTP API: routing, input checks, ETags and the mapping of every failure to a JSON error
 * body. Runs on Undertow's worker threads because DynamoDB calls block.
 */
final class QueryHandler implements HttpHandler {
    static final String FILTER_TYPE = "type";
    static final String FILTER_PERIOD = "period";
    static final String FILTER_STATUS = "status";
    private static final Set<String> LIST_PARAMETERS = Set.of(FILTER_TYPE, FILTER_PERIOD, FILTER_STATUS);
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:@-]{1,128}");
    private static final int MAX_ECHO = 64;
    private static final String JSON = "application/json";
    private static final System.Logger LOG = System.getLogger(QueryHandler.class.getName());

    private final ObjectMapper mapper = new ObjectMapper();
    private final LimitReader reader;
    private final ReadAccess access;
    private final SubscriptionHandler subscriptions;
    /** Null: the service has no input stream ({@code source.stream}), so no {@code POST /events}. */
    private final EventIngestion events;
    private final byte[] openApi;
    private final byte[] health;

    QueryHandler(LimitReader reader, ReadAccess access, SubscriptionHandler subscriptions, EventIngestion events) {
        this.reader = reader;
        this.access = access;
        this.subscriptions = subscriptions;
        this.events = events;
        this.openApi = resource("openapi.json");
        this.health = bytes(mapper.createObjectNode().put("status", "UP"));
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        if (exchange.isInIoThread()) {
            exchange.dispatch(this);
            return;
        }
        try {
            route(exchange);
        } catch (ApiException e) {
            sendError(exchange, e.status, e.error, e.getMessage());
        } catch (SdkClientException | ResourceNotFoundException e) {
            // Unreachable, timed out, or no table yet: the store is unavailable, not the request wrong.
            unavailable(exchange, e);
        } catch (AwsServiceException e) {
            if (e.isThrottlingException() || e.statusCode() >= 500) {
                unavailable(exchange, e);
            } else {
                LOG.log(System.Logger.Level.ERROR, "DynamoDB rejected a request", e);
                sendError(exchange, 500, "internal_error", "the request could not be served");
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "request failed: " + exchange.getRequestPath(), e);
            sendError(exchange, 500, "internal_error", "the request could not be served");
        }
    }

    private void unavailable(HttpServerExchange exchange, RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "DynamoDB unavailable: " + e.getMessage());
        exchange.getResponseHeaders().put(Headers.RETRY_AFTER, "1");
        sendError(exchange, 503, "unavailable", "the limits store is unavailable, retry later");
    }

    private void route(HttpServerExchange exchange) {
        String[] parts = exchange.getRequestPath().split("/", -1);
        if (parts.length == 2 && parts[1].equals("health")) {
            requireGet(exchange);
            requireNoParameters(exchange, Set.of());
            send(exchange, 200, health);
        } else if (parts.length == 2 && parts[1].equals("openapi.json")) {
            requireGet(exchange);
            requireNoParameters(exchange, Set.of());
            send(exchange, 200, openApi);
        } else if (parts.length == 4 && parts[1].equals("users") && parts[3].equals("limits")) {
            requireGet(exchange);
            String userId = id("userId", parts[2]);
            access.check(exchange, userId);
            listLimits(exchange, userId);
        } else if (parts.length == 5 && parts[1].equals("users") && parts[3].equals("limits")) {
            requireGet(exchange);
            String userId = id("userId", parts[2]);
            String userLimitId = id("userLimitId", parts[4]);
            access.check(exchange, userId);
            getLimit(exchange, userId, userLimitId);
        } else if (parts.length == 2 && parts[1].equals("events") && events != null) {
            access.checkEventsWriter(exchange);
            requireNoParameters(exchange, Set.of());
            events.handle(exchange);
        } else if (parts.length >= 3 && parts[1].equals("subscribers")) {
            access.checkAdmin(exchange);
            requireNoParameters(exchange, Set.of());
            subscriptions.route(exchange, parts);
        } else {
            throw ApiException.notFound("no such endpoint; see /openapi.json");
        }
    }

    private void listLimits(HttpServerExchange exchange, String userId) {
        Map<String, Deque<String>> params = exchange.getQueryParameters();
        requireNoParameters(exchange, LIST_PARAMETERS);
        LimitFilter filter = new LimitFilter(
                filterValue(params, FILTER_TYPE, LimitType.class),
                filterValue(params, FILTER_PERIOD, LimitPeriod.class),
                filterValue(params, FILTER_STATUS, LimitStatus.class));
        List<Map<String, AttributeValue>> items = reader.limitsOf(userId, filter);
        if (notModified(exchange, ETags.ofList(items))) {
            return;
        }
        ObjectNode body = mapper.createObjectNode();
        body.put("userId", userId);
        body.put("count", items.size());
        ArrayNode limits = body.putArray("limits");
        items.forEach(item -> limits.add(LimitJson.toJson(item)));
        send(exchange, 200, bytes(body));
    }

    private void getLimit(HttpServerExchange exchange, String userId, String userLimitId) {
        requireNoParameters(exchange, Set.of());
        Map<String, AttributeValue> item = reader.limit(userId, userLimitId)
                .orElseThrow(() -> ApiException.notFound("user " + userId + " has no limit " + userLimitId));
        if (notModified(exchange, ETags.ofItem(item))) {
            return;
        }
        send(exchange, 200, bytes(LimitJson.toJson(item)));
    }

    /** Sets the ETag; true (and a 304 sent) when the client's If-None-Match already names it. */
    private static boolean notModified(HttpServerExchange exchange, String tag) {
        exchange.getResponseHeaders().put(Headers.ETAG, ETags.quoted(tag));
        // Personal data: never kept by a shared cache; the client's own may keep it but must
        // revalidate (If-None-Match), as limits change at any time.
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "private, no-cache");
        HeaderValues ifNoneMatch = exchange.getRequestHeaders().get(Headers.IF_NONE_MATCH);
        if (ifNoneMatch == null || !ETags.noneMatchHits(String.join(",", ifNoneMatch), tag)) {
            return false;
        }
        exchange.setStatusCode(304);
        exchange.endExchange();
        return true;
    }

    private static void requireGet(HttpServerExchange exchange) {
        if (!exchange.getRequestMethod().equals(Methods.GET) && !exchange.getRequestMethod().equals(Methods.HEAD)) {
            exchange.getResponseHeaders().put(Headers.ALLOW, "GET, HEAD");
            throw new ApiException(405, "method_not_allowed", "only GET and HEAD are allowed here");
        }
    }

    private static void requireNoParameters(HttpServerExchange exchange, Set<String> allowed) {
        for (Map.Entry<String, Deque<String>> p : exchange.getQueryParameters().entrySet()) {
            if (!allowed.contains(p.getKey())) {
                throw ApiException.badRequest("unknown query parameter '" + echo(p.getKey()) + "'"
                        + (allowed.isEmpty() ? "; this endpoint takes none" : "; allowed: " + String.join(", ", sorted(allowed))));
            }
            if (p.getValue().size() > 1) {
                throw ApiException.badRequest("query parameter '" + p.getKey() + "' is given more than once");
            }
        }
    }

    private static <E extends Enum<E>> E filterValue(Map<String, Deque<String>> params, String name, Class<E> type) {
        Deque<String> values = params.get(name);
        if (values == null) {
            return null;
        }
        String v = values.getFirst();
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(v)) {
                return e;
            }
        }
        throw ApiException.badRequest(name + " must be one of " + Arrays.toString(type.getEnumConstants())
                + ", got '" + echo(v) + "'");
    }

    private static String id(String name, String value) {
        if (!ID.matcher(value).matches()) {
            throw ApiException.badRequest(name + " must be 1 to 128 characters of A-Z a-z 0-9 . _ : @ -, got '"
                    + echo(value) + "'");
        }
        return value;
    }

    private void sendError(HttpServerExchange exchange, int status, String error, String message) {
        if (exchange.isResponseStarted()) {
            // Nothing sensible can be sent any more; dropping the connection tells the client.
            IoUtils.safeClose(exchange.getConnection());
            return;
        }
        exchange.getResponseHeaders().remove(Headers.ETAG);
        exchange.getResponseHeaders().remove(Headers.CACHE_CONTROL);
        ObjectNode body = mapper.createObjectNode().put("error", error).put("message", message);
        send(exchange, status, bytes(body));
    }

    private static void send(HttpServerExchange exchange, int status, byte[] body) {
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, JSON);
        exchange.getResponseSender().send(ByteBuffer.wrap(body));
    }

    private byte[] bytes(JsonNode node) {
        try {
            return mapper.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String echo(String value) {
        return value.length() <= MAX_ECHO ? value : value.substring(0, MAX_ECHO) + "...";
    }

    private static List<String> sorted(Set<String> names) {
        return names.stream().sorted().collect(Collectors.toList());
    }

    private static byte[] resource(String name) {
        try (InputStream in = QueryHandler.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + name + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
