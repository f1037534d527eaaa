package com.rglimits.job;

import com.rglimits.event.ParsedRecord;
import com.rglimits.ordering.EventClock;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

/**
 * The watermarks of one input split (the source creates one generator per split): the bounded
 * out-of-orderness watermark over the split's {@link EventClock}, so that one record far ahead of
 * the others does not move it. {@link RecordRouter} keeps the same clock over the same records for
 * its verdicts; this copy starts afresh after a restore, as every watermark generator does, which
 * can only hold the watermark back.
 */
final class SplitWatermarks implements WatermarkGenerator<ParsedRecord> {
    private final EventClock clock;
    private final long outOfOrdernessMs;
    private final long maxJumpMs;
    private final boolean wallClock;

    /** @param wallClock whether a record current by the wall clock moves event time at once (unbounded inputs) */
    SplitWatermarks(long outOfOrdernessMs, long maxJumpMs, int confirmingKeys, boolean wallClock) {
        this.clock = new EventClock(maxJumpMs, confirmingKeys);
        this.outOfOrdernessMs = outOfOrdernessMs;
        this.maxJumpMs = maxJumpMs;
        this.wallClock = wallClock;
    }

    @Override
    public void onEvent(ParsedRecord record, long eventTimestamp, WatermarkOutput output) {
        long createdAt = record.eventTime();
        if (createdAt != Long.MIN_VALUE) {
            boolean current = wallClock && createdAt >= System.currentTimeMillis() - maxJumpMs;
            clock.observe(record.timeKey(), createdAt, current, null, 0);
        }
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        long watermark = clock.watermark(outOfOrdernessMs);
        if (watermark != Long.MIN_VALUE) {
            output.emitWatermark(new Watermark(watermark));
        }
    }
}
