package com.rglimits.testing;

import com.rglimits.limit.UserLimit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;

/**
 * Test stand-in for the DynamoDB limits sink: records every limit version the job emits, in this
 * JVM (MiniCluster), under a name, so that a test can read the resulting table (latest version
 * per key) and check that no version was emitted twice or lost.
 */
public class RecordingLimitsSink implements Sink<UserLimit> {
    private static final long serialVersionUID = 1L;
    private static final Map<String, Queue<UserLimit>> RECORDED = new ConcurrentHashMap<>();

    private final String name;

    public RecordingLimitsSink(String name) {
        this.name = name;
        RECORDED.putIfAbsent(name, new ConcurrentLinkedQueue<>());
    }

    @Override
    public SinkWriter<UserLimit> createWriter(InitContext context) {
        Queue<UserLimit> queue = RECORDED.computeIfAbsent(name, n -> new ConcurrentLinkedQueue<>());
        return new SinkWriter<>() {
            @Override
            public void write(UserLimit element, Context ctx) {
                queue.add(element.copy());
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {}
        };
    }

    public List<UserLimit> versions() {
        return new ArrayList<>(RECORDED.getOrDefault(name, new ConcurrentLinkedQueue<>()));
    }

    /** What a table written with these versions holds: the highest version per userId/userLimitId. */
    public Map<String, UserLimit> latest() {
        Map<String, UserLimit> out = new TreeMap<>();
        for (UserLimit l : versions()) {
            out.merge(KinesisInOrderModel.key(l), l, (a, b) -> a.lastSequenceNumber >= b.lastSequenceNumber ? a : b);
        }
        return out;
    }

    public List<String> versionKeys() {
        List<String> out = new ArrayList<>();
        versions().forEach(l -> out.add(KinesisInOrderModel.versionKey(l)));
        out.sort(null);
        return out;
    }

    public void clear() {
        RECORDED.remove(name);
    }
}
