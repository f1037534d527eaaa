package com.rglimits.kinesis;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * Reads a stream from its start, shard by shard, with GetRecords; {@link #poll()} returns what
 * arrived since the last call. The dead-letter replay tool reads the dead-letter stream with it;
 * the local stack's watch tails it.
 */
public final class StreamReader {
    /** One record with the shard it was read from. */
    public static final class Read {
        public final String shardId;
        public final Record record;

        Read(String shardId, Record record) {
            this.shardId = shardId;
            this.record = record;
        }
    }

    private final KinesisClient kinesis;
    private final String stream;
    private final Map<String, String> iterators = new HashMap<>();

    public StreamReader(KinesisClient kinesis, String stream) {
        this.kinesis = kinesis;
        this.stream = KinesisStreams.nameOf(stream);
    }

    /** Everything that arrived since the last call, in order per shard. */
    public List<Read> poll() {
        for (Shard shard : KinesisStreams.shards(kinesis, stream)) {
            iterators.computeIfAbsent(shard.shardId(), id -> kinesis.getShardIterator(b -> b.streamName(stream)
                    .shardId(id).shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator());
        }
        List<Read> out = new ArrayList<>();
        for (Map.Entry<String, String> e : iterators.entrySet()) {
            String iterator = e.getValue();
            while (iterator != null) {
                String current = iterator;
                GetRecordsResponse response = kinesis.getRecords(b -> b.shardIterator(current).limit(10_000));
                response.records().forEach(r -> out.add(new Read(e.getKey(), r)));
                iterator = response.nextShardIterator();
                if (response.records().isEmpty()) {
                    break;
                }
            }
            e.setValue(iterator);
        }
        return out;
    }
}
