package com.rglimits.bench;

import com.rglimits.aws.AwsClients;
import com.rglimits.config.JobConfig;
import com.rglimits.config.JobOptions;
import com.rglimits.config.OptionReader;
import com.rglimits.config.Settings;
import com.rglimits.localaws.Dynalite;
import com.rglimits.localaws.LocalAws;
import com.rglimits.sink.LimitsDynamoDbSink;
import com.rglimits.sink.SinkCost;
import com.rglimits.table.LimitTable;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Issue 12: the job's sink and the Lambda-style baseline against the same dynalite behind an
 * injected network round trip ({@link DelayingForwarder}, {@code --rtt-ms}, default 5), as a client
 * of real DynamoDB sees it. Three rows: the job started behind a backlog (the whole stream at
 * once), the job at a steady input below capacity ({@code --steady-rate} records/s, event time
 * following the wall clock), and the baseline (a GetItem and a PutItem per event, one at a time).
 * With {@code --variant k=v,k=v} (repeatable) the job's two rows run once per set of settings, side
 * by side against the same baseline; the first variant's are what the goals are read from.
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
        /**
         * The same over the events after their user's first (steady row): on a complete stream
         * whose users' events come further apart than the bound, those are next in line on arrival.
         */
        double ackP50FollowingMs = Double.NaN;
        double ackP99FollowingMs = Double.NaN;
        /** From emission to the limit reaching the sink: what the job before the sink takes. */
        double sinkP99Ms = Double.NaN;

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

    /** The job's two rows under one set of job settings. */
    static final class Variant {
        /** The settings given for this variant ({@code --variant}), empty for the defaults. */
        final Map<String, String> given;
        /** The sink settings in effect. */
        final Map<String, String> sinkSettings = new LinkedHashMap<>();
        Row backlog;
        Row steady;
        /** The steady row on the live stream with records of another type ({@code --steady-other-types}), or null. */
        Row steadyOtherTypes;

        Variant(Map<String, String> given) {
            this.given = given;
        }

        String label() {
            return given.isEmpty() ? "defaults" : given.toString();
        }
    }

    /** Everything the scenario measured. */
    static final class Figures {
        final List<Variant> variants = new ArrayList<>();
        double rttMs;
        long outOfOrdernessMs;
        Row baseline;

        String markdown() {
            StringBuilder b = new StringBuilder();
            b.append(String.format(Locale.ROOT, "Latency scenario: dynalite behind a %.1f ms round trip (DelayingForwarder). "
                    + "Sink settings in effect:%n%n", rttMs));
            for (Variant v : variants) {
                b.append("- ").append(v.label()).append(": ").append(v.sinkSettings).append('\n');
            }
            b.append("\n| settings | scenario | events | events/s | requests per applied event | WCU per applied event "
                    + "| items written | merged | stale | throttled | retries | p99 ms to sink | p50 ms to ack | p99 ms to ack "
                    + "| after a user's first event: p50 / p99 ms to ack |\n");
            b.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (Variant v : variants) {
                row(b, v.label(), v.backlog);
                row(b, v.label(), v.steady);
                if (v.steadyOtherTypes != null) {
                    row(b, v.label(), v.steadyOtherTypes);
                }
            }
            row(b, "-", baseline);
            for (Variant v : variants) {
                b.append("\nGoals (issue 12), ").append(v.label()).append(":\n\n");
                double x = v.backlog.result.eventsPerSecond() / baseline.result.eventsPerSecond();
                b.append(goal("job >= 20x the baseline's events/s at the same round trip (backlog)", x >= 20,
                        String.format(Locale.ROOT, "%.1fx", x)));
                b.append(goal("backlog replay <= 0.3 write requests per applied event", v.backlog.requestsPerApplied() <= 0.3,
                        String.format(Locale.ROOT, "%.3f", v.backlog.requestsPerApplied())));
                b.append(goal("steady state <= 1.0 write requests per applied event", v.steady.requestsPerApplied() <= 1.0,
                        String.format(Locale.ROOT, "%.3f", v.steady.requestsPerApplied())));
                b.append(goal("steady state p99 arrival to acknowledged write <= out-of-orderness + 1 s ("
                                + (outOfOrdernessMs + 1000) + " ms)", v.steady.ackP99Ms <= outOfOrdernessMs + 1000,
                        String.format(Locale.ROOT, "%.0f ms", v.steady.ackP99Ms)));
                if ("true".equals(v.given.get(JobOptions.COMPLETE_STREAM.key()))) {
                    b.append(goal("issue 26, fast path: steady p99 arrival to acknowledged write <= 300 ms for events "
                                    + "after their user's first (next in line)", v.steady.ackP99FollowingMs <= 300,
                            String.format(Locale.ROOT, "%.0f ms", v.steady.ackP99FollowingMs)));
                    if (v.steadyOtherTypes != null) {
                        b.append(goal("the same with a record of another type before each of those events",
                                v.steadyOtherTypes.ackP99FollowingMs <= 300,
                                String.format(Locale.ROOT, "%.0f ms", v.steadyOtherTypes.ackP99FollowingMs)));
                    }
                }
            }
            return b.toString();
        }

        private static void row(StringBuilder b, String settings, Row r) {
            b.append(String.format(Locale.ROOT, "| %s | %s | %d | %,.0f | %.3f | %.3f | %d | %d | %d | %d | %d | %s | %s | %s | %s |%n",
                    settings, r.name, r.result.events, r.result.eventsPerSecond(), r.requestsPerApplied(), r.wcuPerApplied(),
                    r.written, r.coalesced, r.stale, r.throttled, r.retries, ms(r.sinkP99Ms), ms(r.ackP50Ms),
                    ms(r.ackP99Ms), Double.isNaN(r.ackP99FollowingMs) ? "-"
                            : ms(r.ackP50FollowingMs) + " / " + ms(r.ackP99FollowingMs)));
        }
    }

    private static final String WARM_UP_BACKLOG_TABLE = "latency-warm-up-backlog";
    private static final String WARM_UP_STEADY_TABLE = "latency-warm-up-steady";
    private static final int WARM_UP_BACKLOG = 20_000;
    private static final int WARM_UP_STEADY = 1_000;

    private LatencyScenario() {}

    static Figures run(Benchmark.Options o, BenchEvents events) throws Exception {
        Figures f = new Figures();
        f.rttMs = o.rttMs;
        List<Map<String, String>> variants = o.variants.isEmpty() ? List.of(Map.of()) : o.variants;
        try (Dynalite dynamo = Dynalite.start();
                DelayingForwarder network = new DelayingForwarder(dynamo.port(), o.rttMs);
                DynamoDbClient direct = dynamo.client();
                DynamoDbClient delayed = AwsClients.sync(LocalAws.awsSettings(endpoint(network)), DynamoDbClient.builder())) {
            String rtt = String.format(Locale.ROOT, "%s ms RTT", ms(o.rttMs));
            // One live stream for every variant, so that their steady rows compare.
            // Gap-free numbers: a complete stream, so that ordering.complete-stream can be compared on it.
            int liveUsers = o.steadyUsers > 0 ? o.steadyUsers : Math.min(o.users, o.steadyEvents);
            BenchEvents live = BenchEvents.live(o.steadyEvents, liveUsers, 1000.0 / o.steadyRate);
            BenchEvents liveWithOtherTypes = o.steadyOtherTypes
                    ? BenchEvents.liveWithOtherTypes(o.steadyEvents, liveUsers, 1000.0 / o.steadyRate) : null;
            // Not reported: the first jobs through dynalite and the forwarder otherwise run on a cold
            // dynalite and sink path, whichever variant comes first (docs/benchmark.md, "Order check").
            LimitTable.create(direct, WARM_UP_BACKLOG_TABLE);
            LimitTable.create(direct, WARM_UP_STEADY_TABLE);
            job("Warm-up via " + rtt + ", backlog (not reported)", events, Math.min(events.events, WARM_UP_BACKLOG),
                    jobConfig(o, Map.of(), network, WARM_UP_BACKLOG_TABLE), o, WARM_UP_BACKLOG_TABLE, 0);
            job("Warm-up via " + rtt + ", steady (not reported)", live, Math.min(live.events, WARM_UP_STEADY),
                    jobConfig(o, Map.of(), network, WARM_UP_STEADY_TABLE), o, WARM_UP_STEADY_TABLE, o.steadyRate);
            for (int n = 0; n < variants.size(); n++) {
                Variant v = new Variant(variants.get(n));
                String backlogTable = "latency-backlog-" + n;
                String steadyTable = "latency-steady-" + n;
                LimitTable.create(direct, backlogTable);
                LimitTable.create(direct, steadyTable);

                JobConfig backlogConfig = jobConfig(o, v.given, network, backlogTable);
                f.outOfOrdernessMs = backlogConfig.outOfOrdernessMs();
                v.sinkSettings.put(JobOptions.SINK_MAX_BATCH_SIZE.key(), Integer.toString(backlogConfig.sinkMaxBatchSize()));
                v.sinkSettings.put(JobOptions.SINK_MAX_IN_FLIGHT.key(), Integer.toString(backlogConfig.sinkMaxInFlight()));
                v.sinkSettings.put(JobOptions.SINK_MERGE_WINDOW.key(),
                        OptionReader.format(backlogConfig.get(JobOptions.SINK_MERGE_WINDOW)));
                v.sinkSettings.put(JobOptions.SINK_MERGE_MAX_WINDOW.key(),
                        OptionReader.format(backlogConfig.get(JobOptions.SINK_MERGE_MAX_WINDOW)));
                v.sinkSettings.put(JobOptions.SINK_MERGE_MAX_LIMITS.key(), Integer.toString(backlogConfig.sinkMergeMaxLimits()));
                v.backlog = job("Job via " + rtt + ", backlog replay (started behind)", events, events.events, backlogConfig,
                        o, backlogTable, 0);
                v.steady = job(String.format(Locale.ROOT, "Job via %s, steady %,.0f events/s", rtt, o.steadyRate), live,
                        live.events, jobConfig(o, v.given, network, steadyTable), o, steadyTable, o.steadyRate);
                if (liveWithOtherTypes != null) {
                    String otherTable = "latency-steady-other-types-" + n;
                    LimitTable.create(direct, otherTable);
                    v.steadyOtherTypes = job(String.format(Locale.ROOT,
                                    "Job via %s, steady %,.0f records/s, every other one of another type", rtt, o.steadyRate),
                            liveWithOtherTypes, liveWithOtherTypes.events, jobConfig(o, v.given, network, otherTable), o,
                            otherTable, o.steadyRate);
                }
                f.variants.add(v);
            }

            LimitTable.create(direct, "latency-lambda");
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
        row.sinkP99Ms = result.p99Ms;
        if (rate > 0) {
            long[] following = run.ackLatency.clone();
            for (int i = 0; i < following.length; i++) {
                if (events.isFirstOfUser(i)) {
                    following[i] = -1;
                }
            }
            Benchmark.Result f = new Benchmark.Result(name);
            Benchmark.latencies(f, following);
            row.ackP50FollowingMs = f.p50Ms;
            row.ackP99FollowingMs = f.p99Ms;
        }
        Benchmark.log(String.format(Locale.ROOT, "  %d requests (%.3f per applied event), %d WCU, %d merged, "
                        + "to sink p99 %.0f ms, ack p50 %.0f ms p99 %.0f ms (after a user's first: p50 %.0f p99 %.0f)",
                row.requests, row.requestsPerApplied(), row.writeCapacityUnits, row.coalesced, row.sinkP99Ms, row.ackP50Ms,
                row.ackP99Ms, row.ackP50FollowingMs, row.ackP99FollowingMs));
        return row;
    }

    /** The job's settings: the benchmark's {@code --job} and the variant's over the scenario's defaults. */
    private static JobConfig jobConfig(Benchmark.Options o, Map<String, String> variant, DelayingForwarder network,
            String table) {
        Configuration defaults = new Configuration();
        defaults.set(JobOptions.SOURCE_FILE, "in-memory");
        defaults.set(JobOptions.TABLE_NAME, table);
        defaults.set(JobOptions.CHECKPOINT_INTERVAL, Duration.ofMillis(o.checkpointMs));
        defaults.set(JobOptions.PARALLELISM, o.parallelism);
        LocalAws.awsProperties(endpoint(network)).forEach((k, v) -> defaults.setString((String) k, (String) v));
        Map<String, String> given = new LinkedHashMap<>(o.job);
        given.putAll(variant);
        return JobConfig.from(new Settings(given, k -> k), defaults);
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
