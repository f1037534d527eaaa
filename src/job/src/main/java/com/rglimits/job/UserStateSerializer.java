package com.rglimits.job;

import static com.rglimits.event.WireFields.EVENT_TYPES;
import static com.rglimits.event.WireFields.LIMIT_PERIODS;
import static com.rglimits.event.WireFields.LIMIT_STATUSES;
import static com.rglimits.event.WireFields.LIMIT_TYPES;
import static com.rglimits.event.WireFields.bit;
import static com.rglimits.event.WireFields.has;
import static com.rglimits.event.WireFields.writeEnum;

import com.rglimits.event.FormatVersionSnapshot;
import com.rglimits.event.WireDecimals;
import com.rglimits.event.WireStrings;
import com.rglimits.limit.UserLimit;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Serializes {@link UserState} (with its {@link UserLimit}s) for the keyed state {@code user-state},
 * written by hand because Flink's reflective PojoSerializer was about 35 % of the pause in which the
 * keyed operator writes its users back at a checkpoint.
 *
 * <p>Format {@value #FORMAT_VERSION}: a byte with one bit per nullable field of the state
 * ({@code lastSequence}, {@code limits}, {@code seenThrough}, {@code seenHashes} with {@code seenAt}),
 * set when the field is present, and {@code COMPACT} (bit 7) always set; the cursor and {@code
 * seenThrough} zig-zag variable-length ({@link CompactWire}); the number of limits; then per limit a variable-length int with one bit per
 * nullable field of the limit, set when present (all clear but {@code NULL_LIMIT} for a null element
 * of the list), and a bit for each of {@code userId}, {@code brandId} and {@code currencyCode} that
 * equals the previous limit's (then it is not written again); then its fields in declaration order
 * ({@code createdAt} before the other times), absent ones left out. Strings and decimals as
 * {@link CompactWire} writes them (hex identifiers and UUIDs as their bytes); enums as their ordinal
 * in one byte; {@code createdAt} as its distance from the previous limit's, the other times as their
 * distance from the limit's {@code createdAt}; sequence numbers zig-zag. A user with two limits and
 * generated identifiers takes less than half of format 2's bytes: at millions of users every value is
 * read from disk, written back, flushed and compacted again. Last, when present, the number of
 * {@code seenHashes}, then each hash as 8 bytes followed by its {@code seenAt} as its distance from
 * the one before (the first from 0), zig-zag: the hashes of one write-back share their time, so most
 * of those distances take a byte.
 *
 * <p>Format 3 (release of 2026-12-06 onwards) is format 4 without {@code seenHashes}: its values never
 * set that bit, and they are read the same way.
 *
 * <p>Format 2 (release of 2026-12-05 onwards) wrote the same fields with fixed widths: longs as 8
 * bytes, the count as {@link WireStrings#writeLength} writes one, the limit's bits as a
 * {@code short}, strings as {@link WireStrings} and decimals as {@link WireDecimals} write them. Its
 * values never set {@code COMPACT}, so this serializer tells them apart by that bit and reads them as
 * they are; the snapshot answers "compatible as is" to a snapshot of format 2, and a value is rewritten
 * in format 3 when its user next changes (nothing is migrated at the restore, which matters for tens
 * of millions of users). Format 1 (release of 2026-11-30 onwards) is format 2 without
 * {@code seenThrough}: its values never set that bit, and they are read the same way. Savepoints of
 * the releases before hold {@code user-state} written by the PojoSerializer: the snapshot answers
 * "compatible after migration" to its snapshot, and Flink then reads every value with the
 * PojoSerializer and writes it with this one, once, at the restore.
 *
 * <p>Adding a field to UserState or UserLimit (UserStateSerializerTest fails until it is handled):
 * write it in a new format version (bump {@link #FORMAT_VERSION}). If the old values stay readable
 * as they are (a new nullable field behind a presence bit the old format never set, as
 * {@code seenThrough}), let the snapshot read the old version and answer "compatible as is" to it.
 * Otherwise keep reading the previous version (the snapshot's {@code readSnapshot} accepts it and
 * keeps it, and its {@code restoreSerializer()} returns a serializer that reads that version) and
 * have {@code resolveSchemaCompatibility} answer "compatible after migration" for a snapshot of the
 * previous version, so that Flink rewrites the state in the new one at the restore. The same for an enum constant removed or moved (ordinals are stored); one appended
 * at the end changes nothing.
 */
public final class UserStateSerializer extends TypeSerializerSingleton<UserState> {
    private static final long serialVersionUID = 1L;

    /** The version of the byte format above; change it with the format. */
    static final int FORMAT_VERSION = 4;
    /** The oldest format this serializer reads as it is: see the class comment. */
    static final int OLDEST_READABLE_VERSION = 1;

    public static final UserStateSerializer INSTANCE = new UserStateSerializer();

    // Presence bits of the state's nullable fields.
    private static final int LAST_SEQUENCE = 1;
    private static final int LIMITS = 1 << 1;
    private static final int SEEN_THROUGH = 1 << 2;
    private static final int SEEN_HASHES = 1 << 3;
    /** Format 3's encodings ({@link CompactWire}): never set in a value of the formats before. */
    private static final int COMPACT = 1 << 7;

    // Presence bits of a limit's nullable fields.
    private static final int USER_ID = 1;
    private static final int USER_LIMIT_ID = 1 << 1;
    private static final int BRAND_ID = 1 << 2;
    private static final int CURRENCY_CODE = 1 << 3;
    private static final int TYPE = 1 << 4;
    private static final int PERIOD = 1 << 5;
    private static final int STATUS = 1 << 6;
    private static final int VALUE = 1 << 7;
    private static final int PROGRESS = 1 << 8;
    private static final int ACTIVE_FROM = 1 << 9;
    private static final int ACTIVE_UNTIL = 1 << 10;
    private static final int NEXT_RESET_TIME = 1 << 11;
    private static final int LAST_EVENT_ID = 1 << 12;
    private static final int LAST_EVENT_TYPE = 1 << 13;
    /** A null element of the list: the PojoSerializer's list kept them, so a migrated list may hold one. */
    private static final int NULL_LIMIT = 1 << 15;
    // Format 3 only: the field is present and equals the previous limit's in the list, and is not written.
    private static final int SAME_USER_ID = 1 << 16;
    private static final int SAME_BRAND_ID = 1 << 17;
    private static final int SAME_CURRENCY_CODE = 1 << 18;

    private UserStateSerializer() {}

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public UserState createInstance() {
        return new UserState();
    }

    /** A new list of copied limits: the heap backend keeps copies, and the operator changes limits in place. */
    @Override
    public UserState copy(UserState from) {
        UserState to = new UserState();
        to.lastSequence = from.lastSequence;
        to.seenThrough = from.seenThrough;
        if (from.limits != null) {
            to.limits = new ArrayList<>(from.limits.size());
            for (UserLimit l : from.limits) {
                to.limits.add(l != null ? l.copy() : null);
            }
        }
        to.seenHashes = from.seenHashes != null ? from.seenHashes.clone() : null;
        to.seenAt = from.seenAt != null ? from.seenAt.clone() : null;
        return to;
    }

    @Override
    public UserState copy(UserState from, UserState reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(UserState s, DataOutputView out) throws IOException {
        out.writeByte(COMPACT | bit(s.lastSequence, LAST_SEQUENCE) | bit(s.limits, LIMITS) | bit(s.seenThrough, SEEN_THROUGH)
                | bit(s.seenHashes, SEEN_HASHES));
        if (s.lastSequence != null) {
            CompactWire.writeSigned(s.lastSequence, out);
        }
        if (s.seenThrough != null) {
            CompactWire.writeSigned(s.seenThrough, out);
        }
        if (s.limits != null) {
            WireStrings.writeVarLong(s.limits.size(), out);
            UserLimit previous = null;
            for (UserLimit l : s.limits) {
                writeLimit(l, previous, out);
                previous = l != null ? l : previous;
            }
        }
        if (s.seenHashes != null) {
            WireStrings.writeVarLong(s.seenHashes.length, out);
            long previousAt = 0;
            for (int i = 0; i < s.seenHashes.length; i++) {
                out.writeLong(s.seenHashes[i]);
                CompactWire.writeSigned(s.seenAt[i] - previousAt, out);
                previousAt = s.seenAt[i];
            }
        }
    }

    /** In format 3; {@code previous} is the list's limit before it (nulls skipped), or null for the first. */
    private static void writeLimit(UserLimit l, UserLimit previous, DataOutputView out) throws IOException {
        if (l == null) {
            WireStrings.writeVarLong(NULL_LIMIT, out);
            return;
        }
        int same = previous == null ? 0
                : same(l.userId, previous.userId, SAME_USER_ID) | same(l.brandId, previous.brandId, SAME_BRAND_ID)
                        | same(l.currencyCode, previous.currencyCode, SAME_CURRENCY_CODE);
        WireStrings.writeVarLong(same | bit(l.userId, USER_ID) | bit(l.userLimitId, USER_LIMIT_ID)
                | bit(l.brandId, BRAND_ID) | bit(l.currencyCode, CURRENCY_CODE) | bit(l.type, TYPE) | bit(l.period, PERIOD)
                | bit(l.status, STATUS) | bit(l.value, VALUE) | bit(l.progress, PROGRESS)
                | bit(l.activeFrom, ACTIVE_FROM) | bit(l.activeUntil, ACTIVE_UNTIL)
                | bit(l.nextResetTime, NEXT_RESET_TIME) | bit(l.lastEventId, LAST_EVENT_ID)
                | bit(l.lastEventType, LAST_EVENT_TYPE), out);
        writeUnlessSame(l.userId, same, SAME_USER_ID, out);
        writeCompact(l.userLimitId, out);
        writeUnlessSame(l.brandId, same, SAME_BRAND_ID, out);
        writeUnlessSame(l.currencyCode, same, SAME_CURRENCY_CODE, out);
        writeEnum(l.type, out);
        writeEnum(l.period, out);
        writeEnum(l.status, out);
        writeCompact(l.value, out);
        writeCompact(l.progress, out);
        // Times as their distance from the limit's createdAt, and that from the previous limit's:
        // a few bytes each where an epoch millisecond takes six.
        CompactWire.writeSigned(l.createdAt - (previous != null ? previous.createdAt : 0), out);
        writeSince(l.activeFrom, l.createdAt, out);
        writeSince(l.activeUntil, l.createdAt, out);
        writeSince(l.nextResetTime, l.createdAt, out);
        CompactWire.writeSigned(l.updatedAt - l.createdAt, out);
        writeCompact(l.lastEventId, out);
        CompactWire.writeSigned(l.lastSequenceNumber, out);
        writeEnum(l.lastEventType, out);
    }

    private static int same(String field, String previous, int bit) {
        return field != null && field.equals(previous) ? bit : 0;
    }

    private static void writeUnlessSame(String field, int same, int bit, DataOutputView out) throws IOException {
        if (field != null && !has(same, bit)) {
            CompactWire.writeString(field, out);
        }
    }

    private static void writeCompact(String field, DataOutputView out) throws IOException {
        if (field != null) {
            CompactWire.writeString(field, out);
        }
    }

    private static void writeCompact(BigDecimal field, DataOutputView out) throws IOException {
        if (field != null) {
            CompactWire.writeDecimal(field, out);
        }
    }

    private static void writeSince(Long time, long createdAt, DataOutputView out) throws IOException {
        if (time != null) {
            CompactWire.writeSigned(time - createdAt, out);
        }
    }

    @Override
    public UserState deserialize(DataInputView in) throws IOException {
        return deserialize(new UserState(), in);
    }

    /** Sets every field of {@code s}, absent ones to null; the limits are new objects in a new list. */
    @Override
    public UserState deserialize(UserState s, DataInputView in) throws IOException {
        int present = in.readUnsignedByte();
        return has(present, COMPACT) ? readCompact(s, present, in) : readFormatTwo(s, present, in);
    }

    private static UserState readCompact(UserState s, int present, DataInputView in) throws IOException {
        s.lastSequence = has(present, LAST_SEQUENCE) ? CompactWire.readSigned(in) : null;
        s.seenThrough = has(present, SEEN_THROUGH) ? CompactWire.readSigned(in) : null;
        if (has(present, LIMITS)) {
            int size = (int) WireStrings.readVarLong(in);
            List<UserLimit> limits = new ArrayList<>(size);
            UserLimit previous = null;
            for (int i = 0; i < size; i++) {
                UserLimit l = readLimit(previous, in);
                limits.add(l);
                previous = l != null ? l : previous;
            }
            s.limits = limits;
        } else {
            s.limits = null;
        }
        if (has(present, SEEN_HASHES)) {
            int size = (int) WireStrings.readVarLong(in);
            s.seenHashes = new long[size];
            s.seenAt = new long[size];
            long previousAt = 0;
            for (int i = 0; i < size; i++) {
                s.seenHashes[i] = in.readLong();
                previousAt += CompactWire.readSigned(in);
                s.seenAt[i] = previousAt;
            }
        } else {
            s.seenHashes = null;
            s.seenAt = null;
        }
        return s;
    }

    private static UserLimit readLimit(UserLimit previous, DataInputView in) throws IOException {
        int present = (int) WireStrings.readVarLong(in);
        if (has(present, NULL_LIMIT)) {
            return null;
        }
        UserLimit l = new UserLimit();
        l.userId = readUnlessSame(present, USER_ID, SAME_USER_ID, previous != null ? previous.userId : null, in);
        l.userLimitId = has(present, USER_LIMIT_ID) ? CompactWire.readString(in) : null;
        l.brandId = readUnlessSame(present, BRAND_ID, SAME_BRAND_ID, previous != null ? previous.brandId : null, in);
        l.currencyCode = readUnlessSame(present, CURRENCY_CODE, SAME_CURRENCY_CODE,
                previous != null ? previous.currencyCode : null, in);
        l.type = has(present, TYPE) ? LIMIT_TYPES[in.readUnsignedByte()] : null;
        l.period = has(present, PERIOD) ? LIMIT_PERIODS[in.readUnsignedByte()] : null;
        l.status = has(present, STATUS) ? LIMIT_STATUSES[in.readUnsignedByte()] : null;
        l.value = has(present, VALUE) ? CompactWire.readDecimal(in) : null;
        l.progress = has(present, PROGRESS) ? CompactWire.readDecimal(in) : null;
        l.createdAt = CompactWire.readSigned(in) + (previous != null ? previous.createdAt : 0);
        l.activeFrom = has(present, ACTIVE_FROM) ? CompactWire.readSigned(in) + l.createdAt : null;
        l.activeUntil = has(present, ACTIVE_UNTIL) ? CompactWire.readSigned(in) + l.createdAt : null;
        l.nextResetTime = has(present, NEXT_RESET_TIME) ? CompactWire.readSigned(in) + l.createdAt : null;
        l.updatedAt = CompactWire.readSigned(in) + l.createdAt;
        l.lastEventId = has(present, LAST_EVENT_ID) ? CompactWire.readString(in) : null;
        l.lastSequenceNumber = CompactWire.readSigned(in);
        l.lastEventType = has(present, LAST_EVENT_TYPE) ? EVENT_TYPES[in.readUnsignedByte()] : null;
        return l;
    }

    private static String readUnlessSame(int present, int bit, int sameBit, String previous, DataInputView in)
            throws IOException {
        if (!has(present, bit)) {
            return null;
        }
        return has(present, sameBit) ? previous : CompactWire.readString(in);
    }

    /** A value of format 1 or 2, which the releases up to 2026-12-06 wrote. */
    private static UserState readFormatTwo(UserState s, int present, DataInputView in) throws IOException {
        s.lastSequence = has(present, LAST_SEQUENCE) ? in.readLong() : null;
        s.seenThrough = has(present, SEEN_THROUGH) ? in.readLong() : null;
        if (has(present, LIMITS)) {
            int size = WireStrings.readLength(in);
            List<UserLimit> limits = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                limits.add(readFormatTwoLimit(in));
            }
            s.limits = limits;
        } else {
            s.limits = null;
        }
        s.seenHashes = null;
        s.seenAt = null;
        return s;
    }

    private static UserLimit readFormatTwoLimit(DataInputView in) throws IOException {
        int present = in.readUnsignedShort();
        if (has(present, NULL_LIMIT)) {
            return null;
        }
        UserLimit l = new UserLimit();
        l.userId = has(present, USER_ID) ? WireStrings.read(in) : null;
        l.userLimitId = has(present, USER_LIMIT_ID) ? WireStrings.read(in) : null;
        l.brandId = has(present, BRAND_ID) ? WireStrings.read(in) : null;
        l.currencyCode = has(present, CURRENCY_CODE) ? WireStrings.read(in) : null;
        l.type = has(present, TYPE) ? LIMIT_TYPES[in.readUnsignedByte()] : null;
        l.period = has(present, PERIOD) ? LIMIT_PERIODS[in.readUnsignedByte()] : null;
        l.status = has(present, STATUS) ? LIMIT_STATUSES[in.readUnsignedByte()] : null;
        l.value = has(present, VALUE) ? WireDecimals.read(in) : null;
        l.progress = has(present, PROGRESS) ? WireDecimals.read(in) : null;
        l.activeFrom = has(present, ACTIVE_FROM) ? in.readLong() : null;
        l.activeUntil = has(present, ACTIVE_UNTIL) ? in.readLong() : null;
        l.nextResetTime = has(present, NEXT_RESET_TIME) ? in.readLong() : null;
        l.createdAt = in.readLong();
        l.updatedAt = in.readLong();
        l.lastEventId = has(present, LAST_EVENT_ID) ? WireStrings.read(in) : null;
        l.lastSequenceNumber = in.readLong();
        l.lastEventType = has(present, LAST_EVENT_TYPE) ? EVENT_TYPES[in.readUnsignedByte()] : null;
        return l;
    }

    /** Through a state object: RocksDB copies values in serialized form rarely (never on the write-back path). */
    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    @Override
    public TypeSerializerSnapshot<UserState> snapshotConfiguration() {
        return new UserStateSerializerSnapshot();
    }

    /**
     * The serializer has no configuration; the snapshot carries only {@link #FORMAT_VERSION}, and
     * reads it and {@link #OLDEST_READABLE_VERSION}. At a restore Flink 1.19 calls
     * {@code resolveSchemaCompatibility(TypeSerializerSnapshot)} on the new serializer's snapshot with
     * the snapshot the state was written with (StateSerializerProvider); the deprecated
     * {@code resolveSchemaCompatibility(TypeSerializer)} of the old snapshot is reached only through
     * the default of that method, which this one replaces.
     */
    public static final class UserStateSerializerSnapshot extends FormatVersionSnapshot<UserState> {
        public UserStateSerializerSnapshot() {
            super("UserState", FORMAT_VERSION, OLDEST_READABLE_VERSION);
        }

        @Override
        public TypeSerializer<UserState> restoreSerializer() {
            return INSTANCE;
        }

        /**
         * As is for this format and formats 1 to 3 (whose values this one reads); after migration for the
         * PojoSerializer of the previous releases (Flink reads the state with the serializer that
         * snapshot restores); anything else is not UserState as any release wrote it.
         */
        @Override
        public TypeSerializerSchemaCompatibility<UserState> resolveSchemaCompatibility(
                TypeSerializerSnapshot<UserState> oldSerializerSnapshot) {
            if (oldSerializerSnapshot instanceof UserStateSerializerSnapshot) {
                return TypeSerializerSchemaCompatibility.compatibleAsIs();
            }
            if (oldSerializerSnapshot instanceof PojoSerializerSnapshot) {
                return TypeSerializerSchemaCompatibility.compatibleAfterMigration();
            }
            return TypeSerializerSchemaCompatibility.incompatible();
        }
    }
}
