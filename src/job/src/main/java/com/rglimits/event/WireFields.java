package com.rglimits.event;

import java.io.IOException;
import java.math.BigDecimal;
import org.apache.flink.core.memory.DataOutputView;

/**
 * What the hand-written serializers ({@link LimitEventSerializer}, {@code UserStateSerializer}) share
 * around their fields: presence bits for nullable fields, writers that leave out an absent value
 * (its presence bit is already clear), and the tables that turn a stored ordinal back into an enum.
 */
public final class WireFields {
    // values() clones its array on every call.
    public static final EventType[] EVENT_TYPES = EventType.values();
    public static final LimitType[] LIMIT_TYPES = LimitType.values();
    public static final LimitPeriod[] LIMIT_PERIODS = LimitPeriod.values();
    public static final LimitStatus[] LIMIT_STATUSES = LimitStatus.values();
    public static final JumpVerdict[] JUMP_VERDICTS = JumpVerdict.values();

    private WireFields() {}

    /** The bit when the field is present, else 0. */
    public static int bit(Object field, int bit) {
        return field != null ? bit : 0;
    }

    public static boolean has(int present, int bit) {
        return (present & bit) != 0;
    }

    public static void writeString(String s, DataOutputView out) throws IOException {
        if (s != null) {
            WireStrings.write(s, out);
        }
    }

    /** As its ordinal in one byte. */
    public static void writeEnum(Enum<?> e, DataOutputView out) throws IOException {
        if (e != null) {
            out.writeByte(e.ordinal());
        }
    }

    public static void writeLong(Long l, DataOutputView out) throws IOException {
        if (l != null) {
            out.writeLong(l);
        }
    }

    public static void writeDecimal(BigDecimal d, DataOutputView out) throws IOException {
        if (d != null) {
            WireDecimals.write(d, out);
        }
    }
}
