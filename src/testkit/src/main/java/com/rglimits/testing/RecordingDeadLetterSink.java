package com.rglimits.testing;

import com.rglimits.deadletter.DeadLetter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;

/** Test stand-in for a dead-letter sink: keeps every dead letter in this JVM (MiniCluster), under a name. */
public class RecordingDeadLetterSink implements Sink<DeadLetter> {
    private static final long serialVersionUID = 1L;
    private static final Map<String, Queue<DeadLetter>> RECORDED = new ConcurrentHashMap<>();

    private final String name;

    public RecordingDeadLetterSink(String name) {
        this.name = name;
        RECORDED.putIfAbsent(name, new ConcurrentLinkedQueue<>());
    }

    @Override
    public SinkWriter<DeadLetter> createWriter(InitContext context) {
        Queue<DeadLetter> queue = RECORDED.computeIfAbsent(name, n -> new ConcurrentLinkedQueue<>());
        return new SinkWriter<>() {
            @Override
            public void write(DeadLetter element, Context ctx) {
                queue.add(element);
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {}
        };
    }

    public List<DeadLetter> deadLetters() {
        return new ArrayList<>(RECORDED.getOrDefault(name, new ConcurrentLinkedQueue<>()));
    }

    public void clear() {
        RECORDED.remove(name);
    }
}
