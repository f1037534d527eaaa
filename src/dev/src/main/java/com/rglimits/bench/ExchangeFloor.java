package com.rglimits.bench;

import com.rglimits.event.LimitEvent;
import com.rglimits.limit.UserLimit;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * The scale benchmark's floor row in place of the keyed operator: it takes each event off the network
 * and only counts and times it, so that its row is what the job's source, router and keyBy cost before
 * anything is ordered or applied. Like the real operator it sets no key per record (it reads no state).
 */
final class ExchangeFloor extends AbstractStreamOperator<UserLimit> implements OneInputStreamOperator<LimitEvent, UserLimit> {
    private static final long serialVersionUID = 1L;
    private transient ScaleRun run;

    @Override
    public void open() throws Exception {
        super.open();
        run = ScaleRun.current();
    }

    @Override
    public void setKeyContextElement1(StreamRecord record) {}

    @Override
    public void processElement(StreamRecord<LimitEvent> record) {
        run.reachedSink(record.getValue().eventId, System.nanoTime());
    }
}
