package com.rglimits.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * An HTTP/1.1 front for dynalite that answers some PutItem requests itself with the errors DynamoDB
 * gives under load or misconfiguration (JSON error bodies as the service sends them) and forwards
 * everything else. Which PutItem gets which answer is a function of its number (1, 2, ...), so the
 * faults are deterministic and counted exactly. Every PutItem body is kept, in arrival order.
 *
 * <p>{@link #becomeUnreachable} makes DynamoDB go away while the front keeps its port, until
 * {@link #becomeReachable}: closing the emulator instead, or pointing a client at a port found free,
 * leaves a port that another server of the same test run can be given at once, and the client then
 * talks to that one.
 */
public final class FaultInjectingDynamo implements AutoCloseable {
    /** An answer the front gives instead of dynalite's. */
    public enum Fault {
        PROVISIONED_THROUGHPUT_EXCEEDED(400, "ProvisionedThroughputExceededException",
                "The level of configured provisioned throughput for the table was exceeded."),
        THROTTLING(400, "ThrottlingException", "Rate of requests exceeds the allowed throughput."),
        INTERNAL_SERVER_ERROR(500, "InternalServerError", "Internal server error"),
        SERVICE_UNAVAILABLE(503, "ServiceUnavailable", "Service is unavailable"),
        ACCESS_DENIED(400, "AccessDeniedException",
                "User: arn:aws:iam::123456789012:user/test is not authorized to perform: dynamodb:PutItem");

        final int status;
        final String code;
        final String message;

        Fault(int status, String code, String message) {
            this.status = status;
            this.code = code;
            this.message = message;
        }

        public boolean throttling() {
            return this == PROVISIONED_THROUGHPUT_EXCEEDED || this == THROTTLING;
        }

        public boolean serverError() {
            return status >= 500;
        }
    }

    private static final String PUT_ITEM = "DynamoDB_20120810.PutItem";
    private static final Set<String> NOT_FORWARDED = Set.of("host", "connection", "content-length", "expect", "upgrade");

    private final ServerSocket server;
    private final URI target;
    private final IntFunction<Fault> plan;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final AtomicInteger putItems = new AtomicInteger();
    private final Map<Fault, AtomicInteger> injected = Collections.synchronizedMap(new LinkedHashMap<>());
    private final List<String> putItemBodies = Collections.synchronizedList(new ArrayList<>());
    private final List<Socket> sockets = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean unreachable;

    /**
     * @param targetPort dynalite's port
     * @param plan the fault for PutItem number n (from 1), or null to forward it
     */
    public FaultInjectingDynamo(int targetPort, IntFunction<Fault> plan) throws IOException {
        this.server = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
        this.target = URI.create("http://127.0.0.1:" + targetPort + "/");
        this.plan = plan;
        for (Fault f : Fault.values()) {
            injected.put(f, new AtomicInteger());
        }
        Thread acceptor = new Thread(this::accept, "fault-front-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port();
    }

    /** PutItem requests received, answered by the front or forwarded. */
    public int putItems() {
        return putItems.get();
    }

    public int injected(Fault fault) {
        return injected.get(fault).get();
    }

    /** The bodies of every PutItem received, in arrival order. */
    public List<String> putItemBodies() {
        synchronized (putItemBodies) {
            return new ArrayList<>(putItemBodies);
        }
    }

    /**
     * From now on every connection, open or new, is reset without an answer, as by a store that is
     * down or cut off: a client sees its requests fail on the connection, never an HTTP answer.
     */
    public void becomeUnreachable() {
        unreachable = true;
        synchronized (sockets) {
            sockets.forEach(DownEndpoint::reset);
        }
    }

    /** From now on new connections are served again, as when the network comes back. */
    public void becomeReachable() {
        unreachable = false;
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                if (unreachable) {
                    DownEndpoint.reset(s);
                    continue;
                }
                sockets.add(s);
                Thread t = new Thread(() -> serve(s), "fault-front-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (Socket s = socket) {
            InputStream in = new BufferedInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            while (true) {
                String head = readHead(in);
                if (head == null) {
                    return;
                }
                String[] lines = head.split("\r\n");
                Map<String, String> headers = new LinkedHashMap<>();
                for (int i = 1; i < lines.length; i++) {
                    int colon = lines[i].indexOf(':');
                    headers.put(lines[i].substring(0, colon).trim(), lines[i].substring(colon + 1).trim());
                }
                byte[] body = in.readNBytes(Integer.parseInt(header(headers, "content-length", "0")));
                Fault fault = null;
                if (PUT_ITEM.equals(header(headers, "x-amz-target", ""))) {
                    putItemBodies.add(new String(body, StandardCharsets.UTF_8));
                    fault = plan.apply(putItems.incrementAndGet());
                }
                if (fault != null) {
                    injected.get(fault).incrementAndGet();
                    String json = "{\"__type\":\"com.amazonaws.dynamodb.v20120810#" + fault.code
                            + "\",\"message\":\"" + fault.message + "\"}";
                    respond(out, fault.status, "application/x-amz-json-1.0", Map.of(),
                            json.getBytes(StandardCharsets.UTF_8));
                } else {
                    forward(out, lines[0].split(" ")[1], headers, body);
                }
            }
        } catch (IOException | InterruptedException closed) {
            // the client closed the connection, or the front is closing
        }
    }

    private void forward(OutputStream out, String path, Map<String, String> headers, byte[] body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(target.resolve(path))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach((name, value) -> {
            if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT))) {
                request.header(name, value);
            }
        });
        HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        Map<String, String> extra = new LinkedHashMap<>();
        response.headers().firstValue("x-amz-crc32").ifPresent(v -> extra.put("x-amz-crc32", v));
        response.headers().firstValue("x-amzn-RequestId").ifPresent(v -> extra.put("x-amzn-RequestId", v));
        respond(out, response.statusCode(),
                response.headers().firstValue("content-type").orElse("application/x-amz-json-1.0"), extra, response.body());
    }

    private static void respond(OutputStream out, int status, String contentType, Map<String, String> extra, byte[] body)
            throws IOException {
        StringBuilder head = new StringBuilder();
        head.append("HTTP/1.1 ").append(status).append(status < 400 ? " OK" : " Error").append("\r\n");
        head.append("Content-Type: ").append(contentType).append("\r\n");
        extra.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
    }

    private static String header(Map<String, String> headers, String name, String otherwise) {
        for (Map.Entry<String, String> e : headers.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return otherwise;
    }

    /** The request line and headers, or null at the end of the connection. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1 : (b == '\r' ? 1 : 0);
            if (matched == 4) {
                String text = head.toString(StandardCharsets.ISO_8859_1);
                return text.substring(0, text.length() - 4);
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        server.close();
        synchronized (sockets) {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }
}
