package com.rglimits.query;

import com.rglimits.config.ConfigException;
import com.rglimits.config.ConfigReaders;
import com.rglimits.config.Settings;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Measures {@code GET /users/{id}/limits} over random demo users: a warm-up, then a bounded
 * number of requests (and time) from a fixed number of connections, each sending its next
 * request when the previous answer is in. Loopback targets only. With {@code --token} every
 * request carries it as a bearer token (one with the read scope, to read any demo user).
 */
public final class LoadRunner {
    public static final String URL = "url";
    public static final String USERS = "users";
    public static final String REQUESTS = "requests";
    public static final String WARMUP = "warmup";
    public static final String CONCURRENCY = "concurrency";
    public static final String MAX_SECONDS = "max-seconds";
    public static final String SEED = "seed";
    public static final String TOKEN = "token";

    private LoadRunner() {}

    /** What one measured phase gave. */
    static final class Result {
        final int requests;
        final int errors;
        final double seconds;
        final long[] latenciesNanos;

        Result(int requests, int errors, double seconds, long[] latenciesNanos) {
            this.requests = requests;
            this.errors = errors;
            this.seconds = seconds;
            this.latenciesNanos = latenciesNanos;
        }

        double perSecond() {
            return requests / seconds;
        }

        double percentileMillis(double p) {
            if (latenciesNanos.length == 0) {
                return Double.NaN;
            }
            int index = (int) Math.ceil(p / 100 * latenciesNanos.length) - 1;
            return latenciesNanos[Math.max(0, index)] / 1e6;
        }

        @Override
        public String toString() {
            return String.format("%d requests, %d errors in %.1f s: %.0f req/s; latency ms p50 %.2f p90 %.2f p99 %.2f max %.2f",
                    requests, errors, seconds, perSecond(), percentileMillis(50), percentileMillis(90),
                    percentileMillis(99), percentileMillis(100));
        }
    }

    public static void main(String[] args) throws Exception {
        Settings s;
        URI base;
        int users;
        int requests;
        int warmup;
        int concurrency;
        Duration maxTime;
        long seed;
        String token;
        try {
            s = ConfigReaders.fromArgs(args);
            base = loopback(s, s.string(URL, "http://127.0.0.1:8080"));
            users = s.intValue(USERS, 100_000, 1);
            requests = s.intValue(REQUESTS, 50_000, 1);
            warmup = s.intValue(WARMUP, 5_000, 0);
            concurrency = s.intValue(CONCURRENCY, 16, 1);
            maxTime = Duration.ofSeconds(s.longValue(MAX_SECONDS, 120, 1));
            seed = s.longValue(SEED, 1, Long.MIN_VALUE);
            token = s.string(TOKEN, null);
            s.rejectUnknown();
        } catch (ConfigException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
            return;
        }
        HttpClient client = client();
        System.out.printf("GET %s/users/{one of %d demo users}/limits, %d connections, %s%n", base, users, concurrency,
                token == null ? "no token" : "a bearer token");
        if (warmup > 0) {
            System.out.println("warm-up: " + run(client, base, token, users, warmup, concurrency, maxTime, seed - 1));
        }
        Result result = run(client, base, token, users, requests, concurrency, maxTime, seed);
        System.out.println("measured: " + result);
        System.exit(result.errors == 0 ? 0 : 1);
    }

    static HttpClient client() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
    }

    /** Sends up to {@code requests} requests, stopping early at {@code maxTime}; {@code token} null: none. */
    static Result run(HttpClient client, URI base, String token, int users, int requests, int concurrency,
            Duration maxTime, long seed) throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        long start = System.nanoTime();
        long deadline = start + maxTime.toNanos();
        List<Worker> workers = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < concurrency; t++) {
            Worker w = new Worker(client, base, token, users, new Random(seed * 31 + t), next, requests, deadline);
            workers.add(w);
            threads.add(new Thread(w, "load-" + t));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long[] all = workers.stream().flatMapToLong(w -> Arrays.stream(w.latencies, 0, w.count)).sorted().toArray();
        int errors = workers.stream().mapToInt(w -> w.errors).sum();
        workers.stream().filter(w -> w.firstError != null).findFirst()
                .ifPresent(w -> System.err.println("first failure: " + w.firstError));
        return new Result(all.length, errors, seconds, all);
    }

    /** One connection's loop: the next request goes out when the previous answer is in. */
    private static final class Worker implements Runnable {
        private final HttpClient client;
        private final URI base;
        private final String token;
        private final int users;
        private final Random random;
        private final AtomicInteger next;
        private final int requests;
        private final long deadline;
        long[] latencies = new long[1024];
        int count;
        int errors;
        String firstError;

        Worker(HttpClient client, URI base, String token, int users, Random random, AtomicInteger next, int requests,
                long deadline) {
            this.client = client;
            this.base = base;
            this.token = token;
            this.users = users;
            this.random = random;
            this.next = next;
            this.requests = requests;
            this.deadline = deadline;
        }

        @Override
        public void run() {
            while (next.getAndIncrement() < requests && System.nanoTime() < deadline) {
                HttpRequest.Builder request = HttpRequest.newBuilder(
                                base.resolve("/users/" + DemoData.userId(random.nextInt(users)) + "/limits"))
                        .timeout(Duration.ofSeconds(10)).GET();
                if (token != null) {
                    request.header("Authorization", "Bearer " + token);
                }
                long t0 = System.nanoTime();
                String failure = null;
                try {
                    int status = client.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                    if (status != 200) {
                        failure = "status " + status;
                    }
                } catch (IOException e) {
                    failure = e.toString();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                long elapsed = System.nanoTime() - t0;
                if (failure != null) {
                    errors++;
                    if (firstError == null) {
                        firstError = failure;
                    }
                }
                if (count == latencies.length) {
                    latencies = Arrays.copyOf(latencies, count * 2);
                }
                latencies[count++] = elapsed;
            }
        }
    }

    private static URI loopback(Settings s, String url) {
        URI uri = URI.create(url);
        try {
            if (uri.getHost() == null || !InetAddress.getByName(uri.getHost()).isLoopbackAddress()) {
                throw new ConfigException(s.describe(URL) + " must point at this machine (loopback), got '" + url + "'");
            }
        } catch (UnknownHostException e) {
            throw new ConfigException(s.describe(URL) + " has an unknown host: '" + url + "'");
        }
        return uri;
    }
}
