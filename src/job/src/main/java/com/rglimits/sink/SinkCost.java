package com.rglimits.sink;

import com.rglimits.metrics.ExportedMetrics;
import java.util.List;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.ThreadSafeSimpleCounter;
import software.amazon.awssdk.core.metrics.CoreMetric;
import software.amazon.awssdk.http.HttpMetric;
import software.amazon.awssdk.metrics.MetricCollection;
import software.amazon.awssdk.metrics.MetricPublisher;

/**
 * What the sink costs on DynamoDB, per writer subtask, as Flink metrics (also under the group the
 * managed service publishes to CloudWatch). Requests, throttles and server errors are counted per
 * HTTP attempt from the SDK's own metrics (this is also a {@link MetricPublisher}, set on every
 * PutItem), so the retries the SDK makes inside one call are counted too.
 *
 * <p>Write capacity units follow DynamoDB's rule, 1 WCU per started KB of the item, for every
 * write the table executed: written, or rejected by the condition (a failed conditional write
 * consumes capacity too). Throttled requests consume none.
 */
public final class SinkCost implements MetricPublisher {
    /** PutItem HTTP requests sent, every attempt (SDK retries included). */
    public static final String REQUESTS = "dynamoDbRequests";
    /** Items written (the table took the version). */
    public static final String WRITES_SUCCEEDED = "writesSucceeded";
    /** Conditional-check failures: the table already held this or a newer version. */
    public static final String STALE_WRITES_REJECTED = "staleWritesRejected";
    /** Versions never sent because a newer version of the same limit replaced them. */
    public static final String WRITES_COALESCED = "writesCoalesced";
    /** Entries the sink put back into its buffer after the SDK's own retries gave up. */
    public static final String WRITE_RETRIES = "writeRetries";
    /** Attempts the SDK repeated inside one call (with its backoff). */
    public static final String SDK_RETRIES = "sdkRetries";
    /** Attempts answered with a throttling error (ProvisionedThroughputExceeded, Throttling, ...). */
    public static final String THROTTLED_REQUESTS = "throttledRequests";
    /** Attempts answered with a 5xx status. */
    public static final String SERVER_ERRORS = "serverErrors";
    /** Write capacity units consumed. */
    public static final String WRITE_CAPACITY_UNITS = "writeCapacityUnits";

    private static final String ATTEMPT = "ApiCallAttempt";
    private static final String THROTTLING = "Throttling";

    final Counter requests = new ThreadSafeSimpleCounter();
    final Counter writesSucceeded = new ThreadSafeSimpleCounter();
    final Counter staleWritesRejected = new ThreadSafeSimpleCounter();
    final Counter writesCoalesced = new ThreadSafeSimpleCounter();
    final Counter writeRetries = new ThreadSafeSimpleCounter();
    final Counter sdkRetries = new ThreadSafeSimpleCounter();
    final Counter throttledRequests = new ThreadSafeSimpleCounter();
    final Counter serverErrors = new ThreadSafeSimpleCounter();
    final Counter writeCapacityUnits = new ThreadSafeSimpleCounter();

    SinkCost(MetricGroup group) {
        register(group);
        register(ExportedMetrics.group(group));
    }

    private void register(MetricGroup g) {
        g.counter(REQUESTS, requests);
        g.counter(WRITES_SUCCEEDED, writesSucceeded);
        g.counter(STALE_WRITES_REJECTED, staleWritesRejected);
        g.counter(WRITES_COALESCED, writesCoalesced);
        g.counter(WRITE_RETRIES, writeRetries);
        g.counter(SDK_RETRIES, sdkRetries);
        g.counter(THROTTLED_REQUESTS, throttledRequests);
        g.counter(SERVER_ERRORS, serverErrors);
        g.counter(WRITE_CAPACITY_UNITS, writeCapacityUnits);
    }

    /** 1 WCU per started KB of the item. */
    static long writeCapacityUnits(LimitPut put) {
        return Math.max(1, (put.sizeInBytes() + 1023) / 1024);
    }

    void written(LimitPut put) {
        writesSucceeded.inc();
        writeCapacityUnits.inc(writeCapacityUnits(put));
    }

    void rejectedAsStale(LimitPut put) {
        staleWritesRejected.inc();
        writeCapacityUnits.inc(writeCapacityUnits(put));
    }

    @Override
    public void publish(MetricCollection call) {
        List<MetricCollection> attempts = call.childrenWithName(ATTEMPT).collect(java.util.stream.Collectors.toList());
        requests.inc(attempts.size());
        sdkRetries.inc(Math.max(0, attempts.size() - 1));
        for (MetricCollection attempt : attempts) {
            if (attempt.metricValues(CoreMetric.ERROR_TYPE).contains(THROTTLING)) {
                throttledRequests.inc();
            } else if (attempt.metricValues(HttpMetric.HTTP_STATUS_CODE).stream().anyMatch(s -> s >= 500)) {
                serverErrors.inc();
            }
        }
    }

    @Override
    public void close() {}

    public long requests() {
        return requests.getCount();
    }

    public long writesSucceeded() {
        return writesSucceeded.getCount();
    }

    public long staleWritesRejected() {
        return staleWritesRejected.getCount();
    }

    public long writesCoalesced() {
        return writesCoalesced.getCount();
    }

    public long writeRetries() {
        return writeRetries.getCount();
    }

    public long sdkRetries() {
        return sdkRetries.getCount();
    }

    public long throttledRequests() {
        return throttledRequests.getCount();
    }

    public long serverErrors() {
        return serverErrors.getCount();
    }

    public long writeCapacityUnits() {
        return writeCapacityUnits.getCount();
    }
}
