package com.rglimits.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * EMULATOR QUIRK: ElasticMQ 1.6.11 accepts a queue's {@code Policy} attribute (CreateQueue,
 * SetQueueAttributes) and drops it, so GetQueueAttributes never returns it. This HTTP front passes
 * every SQS call (JSON protocol) on to the emulator, keeps the policies set through it per queue URL,
 * and adds a kept policy to GetQueueAttributes answers that ask for it ({@code Policy} or {@code All}),
 * as SQS does. Tests only.
 */
public final class SqsPolicyKeeper implements AutoCloseable {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Set<String> RESTRICTED = Set.of("host", "connection", "content-length", "expect", "upgrade");
    private static final String POLICY = "Policy";

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final HttpClient forward = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final URI target;
    private final Map<String, String> policies = new ConcurrentHashMap<>();

    public SqsPolicyKeeper(URI target) throws IOException {
        this.target = target;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String action = String.valueOf(exchange.getRequestHeaders().getFirst("X-Amz-Target"));
            HttpRequest.Builder request = HttpRequest.newBuilder(target.resolve(exchange.getRequestURI()))
                    .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (!RESTRICTED.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                    values.forEach(v -> request.header(name, v));
                }
            });
            HttpResponse<byte[]> response = forward.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            byte[] answer = response.body();
            if (response.statusCode() == 200) {
                answer = keep(action, MAPPER.readTree(body), answer);
            }
            response.headers().firstValue("Content-Type").ifPresent(t -> exchange.getResponseHeaders().set("Content-Type", t));
            exchange.sendResponseHeaders(response.statusCode(), answer.length == 0 ? -1 : answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exchange.sendResponseHeaders(500, -1);
        } finally {
            exchange.close();
        }
    }

    private byte[] keep(String action, JsonNode request, byte[] answer) throws IOException {
        if (action.endsWith(".CreateQueue") && request.path("Attributes").has(POLICY)) {
            policies.put(MAPPER.readTree(answer).path("QueueUrl").asText(), request.path("Attributes").get(POLICY).asText());
        } else if (action.endsWith(".SetQueueAttributes") && request.path("Attributes").has(POLICY)) {
            policies.put(request.path("QueueUrl").asText(), request.path("Attributes").get(POLICY).asText());
        } else if (action.endsWith(".GetQueueAttributes")) {
            String policy = policies.get(request.path("QueueUrl").asText());
            boolean asked = false;
            for (JsonNode name : request.path("AttributeNames")) {
                asked |= name.asText().equals(POLICY) || name.asText().equals("All");
            }
            if (policy != null && asked) {
                ObjectNode out = (ObjectNode) MAPPER.readTree(answer);
                (out.has("Attributes") ? (ObjectNode) out.get("Attributes") : out.putObject("Attributes")).put(POLICY, policy);
                return MAPPER.writeValueAsBytes(out);
            }
        }
        return answer;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
