package com.rglimits.bench;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * A metric reporter of the benchmark's MiniCluster (same JVM): keeps the RocksDB gauges and the
 * accounting and ordering counters of the running job so that the benchmark can read them while it
 * runs (block cache hits and misses, SST sizes; applied, duplicates, dead letters, applied next in
 * line; the keyed operator's write-backs). Registered with {@code metrics.reporter.bench.factory.class}.
 */
public final class BenchMetrics implements MetricReporter {
    private static final Map<String, Gauge<?>> ROCKSDB = new ConcurrentHashMap<>();
    /** The accounting and ordering counters, by their full identifiers. */
    private static final Map<String, Counter> COUNTERS = new ConcurrentHashMap<>();

    /** Creates the reporter Flink asks for. */
    public static final class Factory implements MetricReporterFactory {
        @Override
        public MetricReporter createMetricReporter(Properties properties) {
            return new BenchMetrics();
        }
    }

    static void clear() {
        ROCKSDB.clear();
        COUNTERS.clear();
    }

    /** The sum over subtasks of the accounting counter {@code name} (e.g. {@code applied}, {@code dead_lettered.LATE_EVENT}). */
    static long accounting(String name) {
        return sum(id -> id.endsWith(".accounting." + name));
    }

    /** The sum over subtasks and reasons of the dead-letter counters. */
    static long deadLettered() {
        return sum(id -> id.contains(".accounting.dead_lettered."));
    }

    /** The sum over subtasks of the keyed operator's write-back counter {@code name} (e.g. {@code checkpointMicros}). */
    static long writeBack(String name) {
        return sum(id -> id.endsWith(".writeBack." + name));
    }

    /** The sum over subtasks of the events applied at once, next in line ({@code ordering.complete-stream}). */
    static long appliedNextInLine() {
        return sum(id -> id.endsWith(".ordering.appliedNextInLine"));
    }

    private static long sum(Predicate<String> ids) {
        long total = 0;
        for (Map.Entry<String, Counter> e : COUNTERS.entrySet()) {
            if (ids.test(e.getKey())) {
                total += e.getValue().getCount();
            }
        }
        return total;
    }

    /**
     * The sum of the RocksDB gauges whose name ends with {@code name} (e.g. {@code rocksdb_block_cache_hit},
     * {@code rocksdb_live-sst-files-size}: every column family reports its own), or the largest of them with
     * {@code largest} (a value of the whole instance, which every column family reports alike).
     */
    static long rocksDb(String name, boolean largest) {
        long total = 0;
        for (Map.Entry<String, Gauge<?>> e : ROCKSDB.entrySet()) {
            if (e.getKey().endsWith(name)) {
                Object v = e.getValue().getValue();
                long value = v instanceof Number ? ((Number) v).longValue() : 0;
                total = largest ? Math.max(total, value) : total + value;
            }
        }
        return total;
    }

    /** Whether any RocksDB gauge's name ends with {@code name}: told apart from one that reads 0. */
    static boolean hasRocksDb(String name) {
        return ROCKSDB.keySet().stream().anyMatch(id -> id.endsWith(name));
    }

    @Override
    public void open(MetricConfig config) {}

    @Override
    public void close() {}

    @Override
    public void notifyOfAddedMetric(Metric metric, String metricName, MetricGroup group) {
        String id = group.getMetricIdentifier(metricName);
        if (metric instanceof Gauge && id.contains("rocksdb")) {
            ROCKSDB.put(id, (Gauge<?>) metric);
        } else if (metric instanceof Counter
                && (id.contains(".accounting.") || id.contains(".ordering.") || id.contains(".writeBack."))) {
            COUNTERS.put(id, (Counter) metric);
        }
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String metricName, MetricGroup group) {
        String id = group.getMetricIdentifier(metricName);
        ROCKSDB.remove(id);
        COUNTERS.remove(id);
    }
}
