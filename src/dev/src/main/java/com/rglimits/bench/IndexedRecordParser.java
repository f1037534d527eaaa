package com.rglimits.bench;

import com.rglimits.event.EventParser;
import com.rglimits.event.LimitEvent;
import com.rglimits.event.ParsedRecord;
import com.rglimits.event.RecordSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;

/**
 * The in-memory source's record function: index to the pre-serialized record, parsed with
 * {@link EventParser} at the source exactly as the Kinesis and file sources do. Stamps the
 * emission time for the latency figures. In a live run every time of the event moves by the same
 * amount ({@link BenchRun#eventTimeShift}), so the rules see the same stream, now on the wall clock.
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
        long nowMs = System.currentTimeMillis();
        ParsedRecord record = EventParser.parse(run.events.records[i], RecordSource.fileElement(SOURCE_NAME, i), nowMs);
        if (run.live) {
            shift(record, run.eventTimeShift(nowMs));
        }
        return record;
    }

    private static void shift(ParsedRecord record, long shift) {
        if (record.skippedCreatedAt != null) {
            record.skippedCreatedAt += shift;
        }
        LimitEvent e = record.event;
        if (e == null) {
            return;
        }
        e.createdAt += shift;
        e.activeFrom = shifted(e.activeFrom, shift);
        e.activeUntil = shifted(e.activeUntil, shift);
        e.nextResetTime = shifted(e.nextResetTime, shift);
    }

    private static Long shifted(Long time, long shift) {
        return time == null ? null : time + shift;
    }
}
