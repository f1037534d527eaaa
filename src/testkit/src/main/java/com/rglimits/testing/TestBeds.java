package com.rglimits.testing;

import com.rglimits.localaws.Dynalite;
import com.rglimits.localaws.ElasticMq;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The emulators of the integration tests, each started once per test JVM, on first use, and shared
 * by every test class in that JVM: dynalite, kinesalite (behind a front with the same dynalite, see
 * {@link KinesisBed}) and ElasticMQ. Starting them per class cost seconds each, a dozen times.
 *
 * <p>They are never closed by a test: the Node emulators end with this JVM (a shutdown hook, and
 * their standard input closing when it dies), and ElasticMQ runs inside it. Since every class writes
 * into the same emulators, each names its streams, tables and queues with {@link #uniqueName} (or
 * a {@code System.nanoTime()} suffix), never with a fixed name. A test whose subject is an
 * emulator's own life (stopping it, a fresh empty one) starts its own instead.
 */
public final class TestBeds {
    private static final AtomicLong NAMES = new AtomicLong();

    private static Dynalite dynalite;
    private static KinesisBed kinesis;
    private static ElasticMq elasticMq;

    private TestBeds() {}

    /** The shared dynalite. */
    public static synchronized Dynalite dynalite() throws Exception {
        if (dynalite == null) {
            dynalite = Dynalite.start();
        }
        return dynalite;
    }

    /** The shared kinesalite and the shared dynalite behind one endpoint. */
    public static synchronized KinesisBed kinesis() throws Exception {
        if (kinesis == null) {
            kinesis = KinesisBed.start(dynalite());
        }
        return kinesis;
    }

    /** The shared ElasticMQ. */
    public static synchronized ElasticMq elasticMq() throws Exception {
        if (elasticMq == null) {
            elasticMq = ElasticMq.start();
        }
        return elasticMq;
    }

    /**
     * {@code prefix-N}, N new for every call in this JVM: a stream, table or queue name no other test
     * sharing the beds uses (a valid Kinesis, DynamoDB and SQS name for a prefix of letters, digits and dashes).
     */
    public static String uniqueName(String prefix) {
        return prefix + "-" + NAMES.incrementAndGet();
    }
}
