package com.rglimits.bench;

import com.rglimits.config.JobConfig;
import com.rglimits.config.Settings;
import com.rglimits.localstack.Dynalite;
import com.rglimits.localstack.LocalAws;
import com.rglimits.sink.LimitsDynamoDbSink;
import com.rglimits.sink.SinkCost;
import com.rglimits.table.LimitTable;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Issue 12: the job's sink and the Lambda-style baseline against the same dynalite behind an
 * injected network round trip ({@link DelayingForwarder}, {@code --rtt-ms}, default 5), as a client
 * of real DynamoDB sees it. Three rows: the job started behind a backlog (the whole stream at
 * once), the job at a steady input below capacity ({@code --steady-rate} records/s, event time
 * following the wall clock), and the baseline (a GetItem and a PutItem per event, one at a time).
 * Cost is counted by the sink ({@link SinkCost}: every HTTP attempt, WCU per started KB); latency is
 * from the source emitting an event to the write of its limit being acknowledged, over the
 * versions written (a merged version is acknowledged with the newer one that replaced it).
 */
final class LatencyScenario {
    /** One row. */
    static final class Row {
        final String name;
        final Benchmark.Result result;
        long requests;
        long writeCapacityUnits;
        long written;
        long coalesced;
        long stale;
        long throttled;
        long retries;
        double ackP50Ms = Double.NaN;
        double ackP99Ms = Double.NaN;

        Row(String name, Benchmark.Result result) {
            this.name = name;
            this.result = result;
        }

        double requestsPerApplied() {
            return (double) requests / result.applied;
        }

        double wcuPerApplied() {
            return (double) writeCapacityUnits / result.applied;
        }
    }

    /** Everything the scenario measured. */
    static final class Figures {
        final List<Row> rows = new ArrayList<>();
        final Map<String, String> sinkSettings = new LinkedHashMap<>();
        double rttMs;
        long outOfOrdernessMs;
        Row backlog;
        Row steady;
        Row baseline;

        String markdown() {
            StringBuilder b = new StringBuilder();
            b.append(String.format(Locale.ROOT, "Latency scenario: dynalite behind a %.1f ms round trip (DelayingForwarder); "
                    + "sink settings %s.%n%n", rttMs, sinkSettings));
            b.append("| scenario | events | events/s | requests per applied event | WCU per applied event "
                    + "| items written | merged | stale | throttled | retries | p50 ms to ack | p99 ms to ack |\n");
            b.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (Row r : rows) {
                b.append(String.format(Locale.ROOT, "| %s | %d | %,.0f | %.3f | %.3f | %d | %d | %d | %d | %d | %s | %s |%n",
                        r.name, r.result.events, r.result.eventsPerSecond(), r.requestsPerApplied(), r.wcuPerApplied(),
                        r.written, r.coalesced, r.stale, r.throttled, r.retries, ms(r.ackP50Ms), ms(r.ackP99Ms)));
            }
            b.append("\nGoals (issue 12):\n\n");
            if (backlog != null && baseline != null) {
                double x = backlog.result.eventsPerSecond() / baseline.result.eventsPerSecond();
                b.append(goal("job >= 20x the baseline's events/s at the same round trip", x >= 20,
                        String.format(Locale.ROOT, "%.1fx", x)));
            }
            if (backlog != null) {
                b.append(goal("backlog replay <= 0.3 write requests per applied event", backlog.requestsPerApplied() <= 0.3,
                        String.format(Locale.ROOT, "%.3f", backlog.requestsPerApplied())));
            }
            if (steady != null) {
                b.append(goal("steady state <= 1.0 write requests per applied event", steady.requestsPerApplied() <= 1.0,
                        String.format(Locale.ROOT, "%.3f", steady.requestsPerApplied())));
                b.append(goal("steady state p99 arrival to acknowledged write <= out-of-orderness + 1 s ("
                                + (outOfOrdernessMs + 1000) + " ms)", steady.ackP99Ms <= outOfOrdernessMs + 1000,
                        String.format(Locale.ROOT, "%.0f ms", steady.ackP99Ms)));
            }
            return b.toString();
        }
    }

    private LatencyScenario() {}

    static Figures run(Benchmark.Options o, BenchEvents events) throws Exception {
        Figures f = new Figures();
        f.rttMs = o.rttMs;
        try (Dynalite dynamo = Dynalite.start();
                DelayingForwarder network = new DelayingForwarder(dynamo.port(), o.rttMs);
                DynamoDbClient direct = dynamo.client();
                DynamoDbClient delayed = LocalAws.pointedAt(DynamoDbClient.builder(), endpoint(network)).build()) {
            for (String table : new String[] {"latency-backlog", "latency-steady", "latency-lambda"}) {
                LimitTable.create(direct, table);
            }
            String rtt = String.format(Locale.ROOT, "%s ms RTT", ms(o.rttMs));

            JobConfig backlogConfig = jobConfig(o, network, "latency-backlog");
            f.outOfOrdernessMs = backlogConfig.outOfOrdernessMs();
            f.sinkSettings.put(JobConfig.SINK_MAX_BATCH, Integer.toString(backlogConfig.sinkMaxBatchSize()));
            f.sinkSettings.put(JobConfig.SINK_MAX_IN_FLIGHT, Integer.toString(backlogConfig.sinkMaxInFlight()));
            f.sinkSettings.put(JobConfig.SINK_MERGE_WINDOW_MS, Long.toString(backlogConfig.sinkMergeWindowMs()));
            f.sinkSettings.put(JobConfig.SINK_MERGE_MAX_WINDOW_MS, Long.toString(backlogConfig.sinkMergeMaxWindowMs()));
            f.sinkSettings.put(JobConfig.SINK_MERGE_MAX_LIMITS, Integer.toString(backlogConfig.sinkMergeMaxLimits()));
            f.backlog = job("Job via " + rtt + ", backlog replay (started behind)", events, events.events, backlogConfig,
                    o, "latency-backlog", 0);
            f.rows.add(f.backlog);

            BenchEvents live = BenchEvents.generate(o.steadyEvents, Math.min(o.users, o.steadyEvents), 1000.0 / o.steadyRate);
            f.steady = job(String.format(Locale.ROOT, "Job via %s, steady %,.0f events/s", rtt, o.steadyRate), live,
                    live.events, jobConfig(o, network, "latency-steady"), o, "latency-steady", o.steadyRate);
            f.rows.add(f.steady);

            int count = Benchmark.lambdaCount(events, o.lambdaEvents);
            Benchmark.Result lambda = Benchmark.lambda(events, count, delayed, "latency-lambda");
            Row baseline = new Row("Lambda-style baseline via " + rtt + " (get, apply, put)", lambda);
            // By construction: a consistent GetItem per event and a PutItem per applied one, items under 1 KB.
            baseline.requests = lambda.events + lambda.applied;
            baseline.writeCapacityUnits = lambda.applied;
            baseline.written = lambda.applied;
            baseline.ackP50Ms = lambda.p50Ms;
            baseline.ackP99Ms = lambda.p99Ms;
            f.baseline = baseline;
            f.rows.add(baseline);
        }
        return f;
    }

    private static Row job(String name, BenchEvents events, int count, JobConfig config, Benchmark.Options o,
            String dir, double rate) throws Exception {
        Benchmark.Result result = Benchmark.runJob(name, events, count, true,
                c -> LimitsDynamoDbSink.fromConfig(c, new BenchSinkObserver()), config, o, dir, rate);
        BenchRun run = BenchRun.current();
        Row row = new Row(name, result);
        for (SinkCost c : run.sinkCosts) {
            row.requests += c.requests();
            row.writeCapacityUnits += c.writeCapacityUnits();
            row.written += c.writesSucceeded();
            row.coalesced += c.writesCoalesced();
            row.stale += c.staleWritesRejected();
            row.throttled += c.throttledRequests();
            row.retries += c.sdkRetries() + c.writeRetries();
        }
        Benchmark.Result ack = new Benchmark.Result(name);
        Benchmark.latencies(ack, run.ackLatency);
        row.ackP50Ms = ack.p50Ms;
        row.ackP99Ms = ack.p99Ms;
        Benchmark.log(String.format(Locale.ROOT, "  %d requests (%.3f per applied event), %d WCU, %d merged, ack p50 %.0f ms p99 %.0f ms",
                row.requests, row.requestsPerApplied(), row.writeCapacityUnits, row.coalesced, row.ackP50Ms, row.ackP99Ms));
        return row;
    }

    private static JobConfig jobConfig(Benchmark.Options o, DelayingForwarder network, String table) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put(JobConfig.SOURCE_FILE, "in-memory");
        s.put(JobConfig.TABLE_NAME, table);
        s.put(JobConfig.CHECKPOINT_INTERVAL_MS, Long.toString(o.checkpointMs));
        s.put(JobConfig.PARALLELISM, Integer.toString(o.parallelism));
        LocalAws.awsProperties(endpoint(network)).forEach((k, v) -> s.put((String) k, (String) v));
        s.putAll(o.job);
        return JobConfig.from(new Settings(s, k -> k));
    }

    private static URI endpoint(DelayingForwarder network) {
        return URI.create("http://127.0.0.1:" + network.port());
    }

    private static String goal(String what, boolean reached, String figure) {
        return "- " + what + ": " + (reached ? "reached" : "NOT reached") + " (" + figure + ")\n";
    }

    private static String ms(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, v < 10 ? "%.2f" : "%.0f", v);
    }
}
