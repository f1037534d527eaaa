package com.rglimits.bench;

import com.rglimits.event.EventParser;
import com.rglimits.event.ParsedRecord;
import com.rglimits.event.RecordSource;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.connector.datagen.source.GeneratorFunction;

/**
 * The scale benchmark's source function: a stream position to its record's bytes, generated on the
 * spot ({@link GeneratedStream}), parsed with {@link EventParser} at the source exactly as the
 * Kinesis and file sources do.
 */
final class GeneratingParser implements GeneratorFunction<Long, ParsedRecord> {
    private static final long serialVersionUID = 1L;
    static final String SOURCE_NAME = "generated";

    private final GeneratedStream stream;
    private transient GeneratedStream.Cursor cursor;
    private transient GeneratedStream.AsciiWriter writer;
    private transient ScaleRun run;

    GeneratingParser(GeneratedStream stream) {
        this.stream = stream;
    }

    @Override
    public void open(SourceReaderContext context) {
        cursor = stream.new Cursor();
        writer = new GeneratedStream.AsciiWriter();
        run = ScaleRun.current();
    }

    @Override
    public ParsedRecord map(Long position) {
        long g = cursor.eventAt(position);
        byte[] record = stream.record(g, writer);
        run.emitted(g, System.nanoTime());
        return EventParser.parse(record, RecordSource.fileElement(SOURCE_NAME, position), System.currentTimeMillis());
    }
}
