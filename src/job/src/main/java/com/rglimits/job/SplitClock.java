package com.rglimits.job;

import com.rglimits.ordering.EventClock;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * One input split's {@link EventClock} as {@link RecordRouter} keeps it in operator state: the split's
 * name and the clock's state as {@link EventClock#write} wrote it (its settings come from the job's
 * configuration at the restore). A Flink POJO.
 */
public class SplitClock {
    public String split;
    public byte[] clock;

    public SplitClock() {}

    SplitClock(String split, EventClock clock) {
        this.split = split;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            clock.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.clock = bytes.toByteArray();
    }

    EventClock clock(long maxJumpMs, int confirmingKeys) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(clock))) {
            return EventClock.read(in, maxJumpMs, confirmingKeys);
        } catch (IOException e) {
            throw new UncheckedIOException("split clock of " + split + " cannot be read", e);
        }
    }
}
