package com.rglimits.kinesis;

import com.rglimits.event.EventParser;
import com.rglimits.event.ParsedRecord;
import com.rglimits.event.RecordSource;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kinesis.source.serialization.KinesisDeserializationSchema;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.Record;
import org.apache.flink.util.Collector;

/**
 * Parses each Kinesis record once, at the source, into a {@link ParsedRecord} that carries where
 * it came from (stream name, shard id, Kinesis sequence number), so that a dead letter can point
 * back at it. Never fails on bad input: the parser turns it into an INVALID_EVENT dead letter, as it
 * does an event whose createdAt is too far ahead of the processing time here.
 */
public class ParsingDeserializationSchema implements KinesisDeserializationSchema<ParsedRecord> {
    private static final long serialVersionUID = 1L;

    private final long maxAheadMs;

    /** @param maxAheadMs how far createdAt may be ahead of the processing time ({@code ordering.max-ahead}) */
    public ParsingDeserializationSchema(long maxAheadMs) {
        this.maxAheadMs = maxAheadMs;
    }

    @Override
    public void deserialize(Record record, String streamArn, String shardId, Collector<ParsedRecord> out) {
        byte[] data = record.data().asByteArray();
        RecordSource source = RecordSource.kinesis(KinesisStreams.nameOf(streamArn), shardId, record.sequenceNumber());
        out.collect(EventParser.parse(data, source, System.currentTimeMillis(), maxAheadMs));
    }

    @Override
    public TypeInformation<ParsedRecord> getProducedType() {
        return TypeInformation.of(ParsedRecord.class);
    }
}
