package com.rglimits.localaws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * One loopback endpoint for both emulators, as LocalStack gives one for all services, so that the
 * job's single {@code aws.endpoint} setting reaches Kinesis and DynamoDB alike. Local stack and
 * tests only. Requests are routed by their {@code X-Amz-Target} header: {@code DynamoDB_*} to
 * dynalite, everything else to kinesalite.
 *
 * <p>EMULATOR QUIRK: kinesalite 3.3.3 accepts only {@code StreamName}, but the connector's FLIP-27
 * source addresses streams by {@code StreamARN}. Kinesis request bodies (JSON) have their
 * {@code StreamARN} turned into {@code StreamName} (the last part of the ARN). Real Kinesis needs
 * nothing of this.
 */
public final class EmulatorFront implements AutoCloseable {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Headers the JDK HTTP client sets itself and refuses to be given. */
    private static final Set<String> RESTRICTED =
            Set.of("connection", "content-length", "expect", "host", "upgrade", "transfer-encoding");

    private final HttpServer server;
    private final ExecutorService executor;
    private final HttpClient client;
    private final URI kinesis;
    private final URI dynamoDb;

    private EmulatorFront(HttpServer server, ExecutorService executor, URI kinesis, URI dynamoDb) {
        this.server = server;
        this.executor = executor;
        this.kinesis = kinesis;
        this.dynamoDb = dynamoDb;
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /**
     * Listens on {@code port} of the loopback address (0: any free port) and forwards Kinesis
     * requests to {@code kinesis}, DynamoDB requests to {@code dynamoDb} (may be null).
     */
    public static EmulatorFront start(int port, URI kinesis, URI dynamoDb) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        ExecutorService executor = Executors.newFixedThreadPool(16, r -> {
            Thread t = new Thread(r, "emulator-front");
            t.setDaemon(true);
            return t;
        });
        EmulatorFront front = new EmulatorFront(server, executor, kinesis, dynamoDb);
        server.createContext("/", front::handle);
        server.setExecutor(executor);
        server.start();
        return front;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port());
    }

    /** The request body with {@code StreamARN} replaced by {@code StreamName}; other bodies unchanged. */
    static byte[] rewrite(byte[] body, String contentType) {
        if (body.length == 0 || contentType == null || !contentType.toLowerCase(Locale.ROOT).contains("json")) {
            return body;
        }
        try {
            JsonNode root = MAPPER.readTree(body);
            if (root instanceof ObjectNode && root.has("StreamARN")) {
                ObjectNode o = (ObjectNode) root;
                String arn = o.remove("StreamARN").asText();
                if (!o.has("StreamName")) {
                    o.put("StreamName", arn.substring(arn.lastIndexOf('/') + 1));
                }
                return MAPPER.writeValueAsBytes(o);
            }
        } catch (IOException notJson) {
            // forward as it is: kinesalite gives the error
        }
        return body;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
            String amzTarget = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            boolean toDynamoDb = amzTarget != null && amzTarget.startsWith("DynamoDB_");
            if (toDynamoDb && dynamoDb == null) {
                exchange.sendResponseHeaders(501, -1);
                return;
            }
            URI target = toDynamoDb ? dynamoDb : kinesis;
            byte[] forwarded = toDynamoDb ? body : rewrite(body, contentType);
            HttpRequest.Builder request = HttpRequest.newBuilder(target.resolve(exchange.getRequestURI()))
                    .timeout(Duration.ofSeconds(60))
                    .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(forwarded));
            for (Map.Entry<String, List<String>> h : exchange.getRequestHeaders().entrySet()) {
                if (!RESTRICTED.contains(h.getKey().toLowerCase(Locale.ROOT))) {
                    h.getValue().forEach(v -> request.header(h.getKey(), v));
                }
            }
            HttpResponse<byte[]> response;
            try {
                response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                exchange.sendResponseHeaders(502, -1);
                return;
            } catch (IOException e) {
                exchange.sendResponseHeaders(502, -1);
                return;
            }
            response.headers().map().forEach((name, values) -> {
                if (!RESTRICTED.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                    exchange.getResponseHeaders().put(name, values);
                }
            });
            byte[] responseBody = response.body();
            exchange.sendResponseHeaders(response.statusCode(), responseBody.length == 0 ? -1 : responseBody.length);
            if (responseBody.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(responseBody);
                }
            }
        } finally {
            exchange.close();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
