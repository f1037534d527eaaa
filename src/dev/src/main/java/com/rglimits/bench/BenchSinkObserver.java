package com.rglimits.bench;

import com.rglimits.sink.LimitPut;
import com.rglimits.sink.LimitWriteObserver;
import com.rglimits.sink.SinkCost;
import com.rglimits.table.LimitItems;

/** Hands the DynamoDB sink's cost counters and acknowledgement times to the current {@link BenchRun}. */
final class BenchSinkObserver implements LimitWriteObserver {
    private static final long serialVersionUID = 1L;

    @Override
    public void opened(SinkCost cost) {
        BenchRun.current().sinkCosts.add(cost);
    }

    @Override
    public void acknowledged(LimitPut put) {
        BenchRun.current().acknowledged(put.item().get(LimitItems.LAST_EVENT_ID).s(), System.nanoTime());
    }
}
