package com.rglimits.job;

import com.rglimits.deadletter.DeadLetterReason;
import com.rglimits.event.LimitEvent;
import com.rglimits.event.ParsedRecord;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Counts every record read and routes it: events on, other types skipped, invalid ones to dead
 * letters; also counts the records whose createdAt was too far ahead of the processing time.
 */
public class RecordRouter extends ProcessFunction<ParsedRecord, LimitEvent> {
    private transient Accounting.Tally records;
    private transient Accounting.Tally skipped;
    private transient Accounting.Tally invalid;
    private transient Accounting.Tally eventTimeAhead;

    @Override
    public void open(OpenContext openContext) {
        records = Accounting.tally(getRuntimeContext(), Accounting.RECORDS);
        skipped = Accounting.tally(getRuntimeContext(), Accounting.SKIPPED);
        invalid = Accounting.deadLettered(getRuntimeContext(), DeadLetterReason.INVALID_EVENT);
        eventTimeAhead = Accounting.tally(getRuntimeContext(), Accounting.EVENT_TIME_AHEAD);
    }

    @Override
    public void processElement(ParsedRecord record, Context ctx, Collector<LimitEvent> out) {
        records.inc();
        if (record.createdAtAhead) {
            eventTimeAhead.inc();
        }
        switch (record.kind) {
            case EVENT:
                out.collect(record.event);
                break;
            case SKIPPED:
                skipped.inc();
                break;
            case INVALID:
                invalid.inc();
                ctx.output(Descriptors.DEAD_LETTERS, record.invalid);
                break;
            default:
                throw new IllegalStateException("unknown record kind " + record.kind);
        }
    }
}
