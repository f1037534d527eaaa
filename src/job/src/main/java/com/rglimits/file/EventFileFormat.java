package com.rglimits.file;

import com.rglimits.event.EventParser;
import com.rglimits.event.ParsedRecord;
import java.io.IOException;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.SimpleStreamFormat;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.core.fs.FSDataInputStream;

/**
 * A {@code FileSource} format for events files (JSON array or NDJSON) that parses each record
 * at the source, like the Kinesis source does, so the rest of the job is the same for both.
 */
public class EventFileFormat extends SimpleStreamFormat<ParsedRecord> {
    private static final long serialVersionUID = 1L;

    private final String fileName;
    private final long maxAheadMs;

    /**
     * @param fileName how dead letters name the file
     * @param maxAheadMs how far createdAt may be ahead of the processing time ({@code ordering.max-ahead})
     */
    public EventFileFormat(String fileName, long maxAheadMs) {
        this.fileName = fileName;
        this.maxAheadMs = maxAheadMs;
    }

    @Override
    public StreamFormat.Reader<ParsedRecord> createReader(Configuration config, FSDataInputStream stream) throws IOException {
        RecordSplitter splitter = new RecordSplitter(stream.readAllBytes(), fileName);
        return new StreamFormat.Reader<>() {
            @Override
            public ParsedRecord read() {
                RawRecord raw = splitter.next();
                return raw == null ? null : EventParser.parse(raw.bytes(), raw.source(), System.currentTimeMillis(), maxAheadMs);
            }

            @Override
            public void close() throws IOException {
                stream.close();
            }
        };
    }

    @Override
    public TypeInformation<ParsedRecord> getProducedType() {
        return TypeInformation.of(ParsedRecord.class);
    }
}
