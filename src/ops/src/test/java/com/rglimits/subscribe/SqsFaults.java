package com.rglimits.subscribe;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An HTTP front for the SQS emulator that injects faults into SendMessageBatch calls: a share of
 * them fail with a 500; a call carrying a message of user {@link #STUBBORN_USER} fails the first
 * {@link #STUBBORN_ATTEMPTS} times that message is sent (more than the AWS SDK's own retries, so
 * the sink's retry path runs for certain); every call to the queues named "throttled" gets a 503.
 * Other calls are passed on untouched.
 */
final class SqsFaults implements AutoCloseable {
    private static final Set<String> RESTRICTED = Set.of("host", "connection", "content-length", "expect", "upgrade");

    private final HttpServer server;
    private final HttpClient forward = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final URI target;
    private final Random random = new Random(13);
    private final double failShare;
    static final String STUBBORN_USER = "user-7";
    static final int STUBBORN_ATTEMPTS = 6;
    private static final Pattern STUBBORN = Pattern.compile("m-" + STUBBORN_USER + "-\\d+");
    private final Map<String, Integer> stubbornAttempts = new ConcurrentHashMap<>();
    final AtomicInteger injected = new AtomicInteger();
    final AtomicInteger throttled = new AtomicInteger();

    SqsFaults(URI target, double failShare) throws IOException {
        this.target = target;
        this.failShare = failShare;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.createContext("/", this::handle);
        server.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        String action = String.valueOf(exchange.getRequestHeaders().getFirst("X-Amz-Target"));
        if (action.endsWith("SendMessageBatch")) {
            String text = new String(body, StandardCharsets.UTF_8);
            if (text.contains("throttled")) {
                throttled.incrementAndGet();
                reply(exchange, 503, "{\"__type\":\"ServiceUnavailable\",\"message\":\"slow down (injected)\"}");
                return;
            }
            boolean fail;
            synchronized (random) {
                fail = random.nextDouble() < failShare;
            }
            Matcher stubborn = STUBBORN.matcher(text);
            if (failShare > 0 && stubborn.find() && stubbornAttempts.merge(stubborn.group(), 1, Integer::sum) <= STUBBORN_ATTEMPTS) {
                fail = true;
            }
            if (fail) {
                injected.incrementAndGet();
                reply(exchange, 500, "{\"__type\":\"InternalError\",\"message\":\"injected\"}");
                return;
            }
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(target.resolve(exchange.getRequestURI()))
                .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
        for (Map.Entry<String, List<String>> h : exchange.getRequestHeaders().entrySet()) {
            if (!RESTRICTED.contains(h.getKey().toLowerCase())) {
                h.getValue().forEach(v -> request.header(h.getKey(), v));
            }
        }
        try {
            HttpResponse<byte[]> response = forward.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            response.headers().firstValue("Content-Type").ifPresent(v -> exchange.getResponseHeaders().set("Content-Type", v));
            send(exchange, response.statusCode(), response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static void reply(HttpExchange exchange, int status, String json) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.0");
        send(exchange, status, json.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
