package com.rglimits.event;

import static com.rglimits.event.WireFields.EVENT_TYPES;
import static com.rglimits.event.WireFields.JUMP_VERDICTS;
import static com.rglimits.event.WireFields.LIMIT_PERIODS;
import static com.rglimits.event.WireFields.LIMIT_STATUSES;
import static com.rglimits.event.WireFields.LIMIT_TYPES;
import static com.rglimits.event.WireFields.bit;
import static com.rglimits.event.WireFields.has;
import static com.rglimits.event.WireFields.writeDecimal;
import static com.rglimits.event.WireFields.writeEnum;
import static com.rglimits.event.WireFields.writeLong;
import static com.rglimits.event.WireFields.writeString;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Serializes {@link LimitEvent} on the network edge between the router and the keyed operator
 * ({@link LimitEventTypeInfo}), written by hand because Flink's reflective PojoSerializer took ~12 %
 * of the keyed operator's thread to deserialize. Not for state: the held events keep the
 * PojoSerializer that the savepoints were written with.
 *
 * <p>Format {@value #FORMAT_VERSION}: an {@code int} with one bit per nullable field of the event,
 * set when the field is present; then the fields in declaration order, absent ones left out. Longs
 * as 8 bytes; enums as their ordinal in one byte; strings as {@link WireStrings} writes them (UTF-8
 * bytes after their count, or {@link org.apache.flink.types.StringValue} for an unpaired surrogate);
 * decimals as {@link WireDecimals} writes them (scale, then the unscaled two's complement bytes);
 * {@code raw} as an {@code int} length and the bytes; the source as a byte of presence bits
 * for its own fields, then those fields; then the router's fields (jumpedFrom, verdict, and
 * splitWatermark when it is not {@link Long#MIN_VALUE}); {@code marker} is a presence bit alone.
 *
 * <p>A field added to LimitEvent or RecordSource must be added here and to the format
 * (LimitEventSerializerTest fails until it is).
 */
public final class LimitEventSerializer extends TypeSerializerSingleton<LimitEvent> {
    private static final long serialVersionUID = 1L;

    /** The version of the byte format above; change it with the format. */
    static final int FORMAT_VERSION = 4;

    public static final LimitEventSerializer INSTANCE = new LimitEventSerializer();

    // Presence bits of the event's nullable fields.
    private static final int EVENT_ID = 1;
    private static final int TYPE = 1 << 1;
    private static final int USER_ID = 1 << 2;
    private static final int USER_LIMIT_ID = 1 << 3;
    private static final int BRAND_ID = 1 << 4;
    private static final int CURRENCY_CODE = 1 << 5;
    private static final int LIMIT_TYPE = 1 << 6;
    private static final int PERIOD = 1 << 7;
    private static final int STATUS = 1 << 8;
    private static final int VALUE = 1 << 9;
    private static final int ACTIVE_FROM = 1 << 10;
    private static final int ACTIVE_UNTIL = 1 << 11;
    private static final int PREVIOUS_LIMIT_VALUE = 1 << 12;
    private static final int AMOUNT = 1 << 13;
    private static final int PREVIOUS_PROGRESS = 1 << 14;
    private static final int REMAINING_AMOUNT = 1 << 15;
    private static final int RESET_AMOUNT = 1 << 16;
    private static final int UNUSED_AMOUNT = 1 << 17;
    private static final int RESET_PERCENTAGE = 1 << 18;
    private static final int NEXT_RESET_TIME = 1 << 19;
    private static final int RAW = 1 << 20;
    private static final int SOURCE = 1 << 21;
    private static final int JUMPED_FROM = 1 << 22;
    private static final int VERDICT = 1 << 23;
    /** splitWatermark is not {@link Long#MIN_VALUE}. */
    private static final int SPLIT_WATERMARK = 1 << 24;
    private static final int MARKER = 1 << 25;

    // Presence bits of the source's fields.
    private static final int SOURCE_STREAM = 1;
    private static final int SOURCE_SHARD_ID = 1 << 1;
    private static final int SOURCE_SEQUENCE_NUMBER = 1 << 2;
    private static final int SOURCE_FILE = 1 << 3;
    private static final int SOURCE_LINE = 1 << 4;
    private static final int SOURCE_ELEMENT = 1 << 5;


    private LimitEventSerializer() {}

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public LimitEvent createInstance() {
        return new LimitEvent();
    }

    /** Shares the immutable values (strings, decimals, enums); copies {@code raw} and the source. */
    @Override
    public LimitEvent copy(LimitEvent from) {
        LimitEvent to = new LimitEvent();
        to.eventId = from.eventId;
        to.type = from.type;
        to.sequenceNumber = from.sequenceNumber;
        to.createdAt = from.createdAt;
        to.userId = from.userId;
        to.userLimitId = from.userLimitId;
        to.brandId = from.brandId;
        to.currencyCode = from.currencyCode;
        to.limitType = from.limitType;
        to.period = from.period;
        to.status = from.status;
        to.value = from.value;
        to.activeFrom = from.activeFrom;
        to.activeUntil = from.activeUntil;
        to.previousLimitValue = from.previousLimitValue;
        to.amount = from.amount;
        to.previousProgress = from.previousProgress;
        to.remainingAmount = from.remainingAmount;
        to.resetAmount = from.resetAmount;
        to.unusedAmount = from.unusedAmount;
        to.resetPercentage = from.resetPercentage;
        to.nextResetTime = from.nextResetTime;
        to.raw = from.raw != null ? from.raw.clone() : null;
        to.source = from.source != null ? copy(from.source) : null;
        to.jumpedFrom = from.jumpedFrom;
        to.splitWatermark = from.splitWatermark;
        to.verdict = from.verdict;
        to.marker = from.marker;
        return to;
    }

    private static RecordSource copy(RecordSource from) {
        RecordSource to = new RecordSource();
        to.stream = from.stream;
        to.shardId = from.shardId;
        to.sequenceNumber = from.sequenceNumber;
        to.file = from.file;
        to.line = from.line;
        to.element = from.element;
        return to;
    }

    @Override
    public LimitEvent copy(LimitEvent from, LimitEvent reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(LimitEvent e, DataOutputView out) throws IOException {
        out.writeInt(bit(e.eventId, EVENT_ID) | bit(e.type, TYPE) | bit(e.userId, USER_ID)
                | bit(e.userLimitId, USER_LIMIT_ID) | bit(e.brandId, BRAND_ID) | bit(e.currencyCode, CURRENCY_CODE)
                | bit(e.limitType, LIMIT_TYPE) | bit(e.period, PERIOD) | bit(e.status, STATUS) | bit(e.value, VALUE)
                | bit(e.activeFrom, ACTIVE_FROM) | bit(e.activeUntil, ACTIVE_UNTIL)
                | bit(e.previousLimitValue, PREVIOUS_LIMIT_VALUE) | bit(e.amount, AMOUNT)
                | bit(e.previousProgress, PREVIOUS_PROGRESS) | bit(e.remainingAmount, REMAINING_AMOUNT)
                | bit(e.resetAmount, RESET_AMOUNT) | bit(e.unusedAmount, UNUSED_AMOUNT)
                | bit(e.resetPercentage, RESET_PERCENTAGE) | bit(e.nextResetTime, NEXT_RESET_TIME)
                | bit(e.raw, RAW) | bit(e.source, SOURCE) | bit(e.jumpedFrom, JUMPED_FROM) | bit(e.verdict, VERDICT)
                | (e.splitWatermark != Long.MIN_VALUE ? SPLIT_WATERMARK : 0) | (e.marker ? MARKER : 0));
        writeString(e.eventId, out);
        writeEnum(e.type, out);
        out.writeLong(e.sequenceNumber);
        out.writeLong(e.createdAt);
        writeString(e.userId, out);
        writeString(e.userLimitId, out);
        writeString(e.brandId, out);
        writeString(e.currencyCode, out);
        writeEnum(e.limitType, out);
        writeEnum(e.period, out);
        writeEnum(e.status, out);
        writeDecimal(e.value, out);
        writeLong(e.activeFrom, out);
        writeLong(e.activeUntil, out);
        writeDecimal(e.previousLimitValue, out);
        writeDecimal(e.amount, out);
        writeDecimal(e.previousProgress, out);
        writeDecimal(e.remainingAmount, out);
        writeDecimal(e.resetAmount, out);
        writeDecimal(e.unusedAmount, out);
        writeDecimal(e.resetPercentage, out);
        writeLong(e.nextResetTime, out);
        if (e.raw != null) {
            out.writeInt(e.raw.length);
            out.write(e.raw);
        }
        if (e.source != null) {
            writeSource(e.source, out);
        }
        writeLong(e.jumpedFrom, out);
        writeEnum(e.verdict, out);
        if (e.splitWatermark != Long.MIN_VALUE) {
            out.writeLong(e.splitWatermark);
        }
    }

    private static void writeSource(RecordSource s, DataOutputView out) throws IOException {
        out.writeByte(bit(s.stream, SOURCE_STREAM) | bit(s.shardId, SOURCE_SHARD_ID)
                | bit(s.sequenceNumber, SOURCE_SEQUENCE_NUMBER) | bit(s.file, SOURCE_FILE)
                | bit(s.line, SOURCE_LINE) | bit(s.element, SOURCE_ELEMENT));
        writeString(s.stream, out);
        writeString(s.shardId, out);
        writeString(s.sequenceNumber, out);
        writeString(s.file, out);
        writeLong(s.line, out);
        writeLong(s.element, out);
    }

    @Override
    public LimitEvent deserialize(DataInputView in) throws IOException {
        return deserialize(new LimitEvent(), in);
    }

    /** Sets every field of {@code e}, absent ones to null. */
    @Override
    public LimitEvent deserialize(LimitEvent e, DataInputView in) throws IOException {
        int present = in.readInt();
        e.eventId = has(present, EVENT_ID) ? WireStrings.read(in) : null;
        e.type = has(present, TYPE) ? EVENT_TYPES[in.readUnsignedByte()] : null;
        e.sequenceNumber = in.readLong();
        e.createdAt = in.readLong();
        e.userId = has(present, USER_ID) ? WireStrings.read(in) : null;
        e.userLimitId = has(present, USER_LIMIT_ID) ? WireStrings.read(in) : null;
        e.brandId = has(present, BRAND_ID) ? WireStrings.read(in) : null;
        e.currencyCode = has(present, CURRENCY_CODE) ? WireStrings.read(in) : null;
        e.limitType = has(present, LIMIT_TYPE) ? LIMIT_TYPES[in.readUnsignedByte()] : null;
        e.period = has(present, PERIOD) ? LIMIT_PERIODS[in.readUnsignedByte()] : null;
        e.status = has(present, STATUS) ? LIMIT_STATUSES[in.readUnsignedByte()] : null;
        e.value = has(present, VALUE) ? WireDecimals.read(in) : null;
        e.activeFrom = has(present, ACTIVE_FROM) ? in.readLong() : null;
        e.activeUntil = has(present, ACTIVE_UNTIL) ? in.readLong() : null;
        e.previousLimitValue = has(present, PREVIOUS_LIMIT_VALUE) ? WireDecimals.read(in) : null;
        e.amount = has(present, AMOUNT) ? WireDecimals.read(in) : null;
        e.previousProgress = has(present, PREVIOUS_PROGRESS) ? WireDecimals.read(in) : null;
        e.remainingAmount = has(present, REMAINING_AMOUNT) ? WireDecimals.read(in) : null;
        e.resetAmount = has(present, RESET_AMOUNT) ? WireDecimals.read(in) : null;
        e.unusedAmount = has(present, UNUSED_AMOUNT) ? WireDecimals.read(in) : null;
        e.resetPercentage = has(present, RESET_PERCENTAGE) ? WireDecimals.read(in) : null;
        e.nextResetTime = has(present, NEXT_RESET_TIME) ? in.readLong() : null;
        if (has(present, RAW)) {
            e.raw = new byte[in.readInt()];
            in.readFully(e.raw);
        } else {
            e.raw = null;
        }
        e.source = has(present, SOURCE) ? readSource(in) : null;
        e.jumpedFrom = has(present, JUMPED_FROM) ? in.readLong() : null;
        e.verdict = has(present, VERDICT) ? JUMP_VERDICTS[in.readUnsignedByte()] : null;
        e.splitWatermark = has(present, SPLIT_WATERMARK) ? in.readLong() : Long.MIN_VALUE;
        e.marker = has(present, MARKER);
        return e;
    }

    private static RecordSource readSource(DataInputView in) throws IOException {
        RecordSource s = new RecordSource();
        int present = in.readUnsignedByte();
        s.stream = has(present, SOURCE_STREAM) ? WireStrings.read(in) : null;
        s.shardId = has(present, SOURCE_SHARD_ID) ? WireStrings.read(in) : null;
        s.sequenceNumber = has(present, SOURCE_SEQUENCE_NUMBER) ? WireStrings.read(in) : null;
        s.file = has(present, SOURCE_FILE) ? WireStrings.read(in) : null;
        s.line = has(present, SOURCE_LINE) ? in.readLong() : null;
        s.element = has(present, SOURCE_ELEMENT) ? in.readLong() : null;
        return s;
    }

    /** Through an event: records on a streaming edge are not copied in serialized form, so this need not be fast. */
    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    @Override
    public TypeSerializerSnapshot<LimitEvent> snapshotConfiguration() {
        return new LimitEventSerializerSnapshot();
    }

    /**
     * The serializer has no configuration; the snapshot carries only {@link #FORMAT_VERSION}, and
     * restores nothing but the current format (this serializer never writes state, so there is no
     * older data to migrate).
     */
    public static final class LimitEventSerializerSnapshot extends FormatVersionSnapshot<LimitEvent> {
        public LimitEventSerializerSnapshot() {
            super("LimitEvent", FORMAT_VERSION);
        }

        @Override
        public TypeSerializer<LimitEvent> restoreSerializer() {
            return INSTANCE;
        }

        @Override
        public TypeSerializerSchemaCompatibility<LimitEvent> resolveSchemaCompatibility(
                TypeSerializerSnapshot<LimitEvent> oldSerializerSnapshot) {
            return oldSerializerSnapshot instanceof LimitEventSerializerSnapshot
                    ? TypeSerializerSchemaCompatibility.compatibleAsIs()
                    : TypeSerializerSchemaCompatibility.incompatible();
        }
    }
}
