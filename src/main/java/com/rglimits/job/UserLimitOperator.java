package com.rglimits.job;

import com.rglimits.event.LimitEvent;
import com.rglimits.limit.UserLimit;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;

/**
 * Runs {@link UserLimitProcessor} and tells it when the subtask starts and when each watermark
 * arrives, in processing time: a process function sees the watermark only at its own events and
 * timers, too late to tell a watermark that stands still (a quiet stream) from one that moves.
 */
public class UserLimitOperator extends KeyedProcessOperator<String, LimitEvent, UserLimit> {
    private static final long serialVersionUID = 1L;

    public UserLimitOperator(UserLimitProcessor processor) {
        super(processor);
    }

    @Override
    public void open() throws Exception {
        super.open();
        ((UserLimitProcessor) userFunction).started(getProcessingTimeService().getCurrentProcessingTime());
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        ((UserLimitProcessor) userFunction).watermarkReceived(
                mark.getTimestamp(), getProcessingTimeService().getCurrentProcessingTime());
        super.processWatermark(mark);
    }
}
