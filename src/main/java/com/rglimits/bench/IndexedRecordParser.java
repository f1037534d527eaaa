package com.rglimits.bench;

import com.rglimits.event.EventParser;
import com.rglimits.event.ParsedRecord;
import com.rglimits.event.RecordSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;

/**
 * The in-memory source's record function: index to the pre-serialized record, parsed with
 * {@link EventParser} at the source exactly as the Kinesis and file sources do. Stamps the
 * emission time for the latency figures.
 */
final class IndexedRecordParser implements GeneratorFunction<Long, ParsedRecord> {
    private static final long serialVersionUID = 1L;
    static final String SOURCE_NAME = "benchmark";

    private transient BenchRun run;

    @Override
    public ParsedRecord map(Long index) {
        if (run == null) {
            run = BenchRun.current();
        }
        int i = index.intValue();
        long now = System.nanoTime();
        run.emitted(run.events.originOf(i), now);
        return EventParser.parse(run.events.records[i], RecordSource.fileElement(SOURCE_NAME, i), System.currentTimeMillis());
    }
}
