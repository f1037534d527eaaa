package com.rglimits.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rglimits.event.EventType;
import com.rglimits.event.LimitEventSerializer;
import com.rglimits.event.LimitPeriod;
import com.rglimits.event.LimitStatus;
import com.rglimits.event.LimitType;
import com.rglimits.limit.UserLimit;
import com.rglimits.testing.FieldSamples;
import java.io.IOException;
import java.lang.reflect.Field;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.SerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.testutils.DeeplyEqualsChecker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The hand-written state serializer of {@link UserState}. Flink's {@link SerializerTestBase}
 * contributes the generic checks (copies, reuse, sequences, serialized copies, Java serialization,
 * duplicates, snapshots) over {@link #getTestData()}; the tests here cover the format's cases, its
 * agreement with the PojoSerializer of the previous release and the schema compatibility answers.
 */
class UserStateSerializerTest extends SerializerTestBase<UserState> {
    /**
     * The type of {@code user-state} in the previous release (its descriptor's POJO type): its
     * savepoints hold the state written by this type's PojoSerializer.
     */
    static final TypeInformation<UserState> PREVIOUS_RELEASE_TYPE = Types.POJO(UserState.class,
            Map.of("lastSequence", Types.LONG, "limits", Types.LIST(Descriptors.USER_LIMIT_TYPE)));

    /**
     * The fields the serializer writes, per class. A field added to UserState or UserLimit fails
     * {@link #theSerializerKnowsEveryField()}: add it to UserStateSerializer in a new format version
     * (see its javadoc), then here.
     */
    private static final List<String> STATE_FIELDS = List.of("lastSequence", "seenThrough", "limits", "seenHashes", "seenAt");
    private static final List<String> LIMIT_FIELDS = List.of("userId", "userLimitId", "brandId", "currencyCode",
            "type", "period", "status", "value", "progress", "activeFrom", "activeUntil", "nextResetTime", "createdAt",
            "updatedAt", "lastEventId", "lastSequenceNumber", "lastEventType");

    private static final UserStateSerializer SERIALIZER = UserStateSerializer.INSTANCE;
    private static final TypeSerializer<UserState> POJO_SERIALIZER =
            PREVIOUS_RELEASE_TYPE.createSerializer(new ExecutionConfig());

    UserStateSerializerTest() {
        // UserState has no equals, and UserLimit's leaves out lastEventType: compare field by field.
        super(new DeeplyEqualsChecker().withCustomCheck(
                (a, b) -> a instanceof UserState && b instanceof UserState,
                (a, b, checker) -> sameFields(a, b)));
    }

    @Override
    protected TypeSerializer<UserState> createSerializer() {
        return SERIALIZER;
    }

    @Override
    protected int getLength() {
        return -1;
    }

    @Override
    protected Class<UserState> getTypeClass() {
        return UserState.class;
    }

    @Override
    protected UserState[] getTestData() {
        // The varied states (which the previous release's POJO type can hold too), seenThrough and the hashes, which it cannot.
        return Stream.concat(Arrays.stream(variedStates()),
                Stream.of(seenThrough(state(4L, list(dayLimit())), 9L), seenThrough(state(null, null), 3L),
                        withHashes(severalLimits()), withHashes(state(null, null))))
                .toArray(UserState[]::new);
    }

    /** Every shape of state the format has a case for. */
    static UserState[] variedStates() {
        return new UserState[] {
            state(null, null), state(null, new ArrayList<>()), state(7L, new ArrayList<>()), severalLimits(),
            state(3L, list(allNullableFieldsNull())), state(Long.MIN_VALUE, list(everyFieldSet())),
            state(12L, list(nonAsciiStrings())), state(-1L, list(largeAndNegativeDecimals())),
            state(5L, Arrays.asList(dayLimit(), null, weekLimit()))
        };
    }

    @Test
    void severalLimitsRoundTripWithEveryFieldTheyCarry() throws IOException {
        UserState s = severalLimits();
        assertThat(s.limits.get(0)).hasNoNullFieldsOrPropertiesExcept("activeUntil", "nextResetTime");
        assertThat(s.limits.get(1)).hasNoNullFieldsOrProperties();

        UserState back = roundTrip(SERIALIZER, s);

        assertThat(back).usingRecursiveComparison().isEqualTo(s);
        assertThat(back.lastSequence).isEqualTo(41L);
        assertThat(back.limits).extracting(l -> l.userLimitId + "@" + l.lastSequenceNumber + ":" + l.progress)
                .containsExactly("lim-day-01@40:120.50", "lim-week-01@41:-20.25");
        assertThat(back.limits.get(1).lastEventType).isEqualTo(EventType.USER_LIMIT_PROGRESS_CHANGED);
    }

    @Test
    void noCursorAndNoListRoundTrip() throws IOException {
        UserState back = roundTrip(SERIALIZER, state(null, null));

        assertThat(back.lastSequence).isNull();
        assertThat(back.limits).isNull();
    }

    @Test
    void anEmptyListStaysAnEmptyList() throws IOException {
        UserState back = roundTrip(SERIALIZER, state(null, new ArrayList<>()));

        assertThat(back.lastSequence).isNull();
        assertThat(back.limits).isNotNull().isEmpty();
    }

    @Test
    void aLimitWithEveryNullableFieldNullRoundTrips() throws IOException {
        UserLimit l = allNullableFieldsNull();

        UserLimit back = roundTrip(SERIALIZER, state(3L, list(l))).limits.get(0);

        assertThat(back).usingRecursiveComparison().isEqualTo(l);
        assertThat(back.createdAt).isEqualTo(-5L);
        assertThat(back.updatedAt).isEqualTo(Long.MAX_VALUE);
        assertThat(back.lastSequenceNumber).isZero();
    }

    /** A null element, which the PojoSerializer's list kept, stays in its place. */
    @Test
    void aNullLimitInTheListKeepsItsPlace() throws IOException {
        UserState back = roundTrip(SERIALIZER, state(5L, Arrays.asList(dayLimit(), null, weekLimit())));

        assertThat(back.limits).hasSize(3);
        assertThat(back.limits.get(1)).isNull();
        assertThat(back.limits).extracting(l -> l == null ? "null" : l.userLimitId)
                .containsExactly("lim-day-01", "null", "lim-week-01");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "0.00", "1.50", "500", "-0.001", "-120.50", "1E+3",
        "1234567890123456789012345678901234567890", "-1234567890123456789012345678901234567890.0001",
        "9223372036854775807", "-9223372036854775808", "9223372036854775808", "-9223372036854775809"})
    void decimalsKeepTheirValueAndScale(String decimal) throws IOException {
        UserLimit l = new UserLimit();
        l.value = new BigDecimal(decimal);
        l.progress = new BigDecimal(decimal).negate();

        UserLimit back = roundTrip(SERIALIZER, state(1L, list(l))).limits.get(0);

        assertThat(back.value.toString()).isEqualTo(l.value.toString());
        assertThat(back.value).hasScaleOf(l.value.scale());
        assertThat(back.progress.toString()).isEqualTo(l.progress.toString());
    }

    @Test
    void nonAsciiSurrogatePairsLoneSurrogatesQuestionMarksAndEmptyStringsRoundTrip() throws IOException {
        UserLimit l = nonAsciiStrings();

        UserLimit back = roundTrip(SERIALIZER, state(12L, list(l))).limits.get(0);

        assertThat(back).usingRecursiveComparison().isEqualTo(l);
        assertThat(back.userId).isEqualTo("user-\uD83D").hasSize(6);
        assertThat(back.userLimitId).isEqualTo("a?\uDC00?").hasSize(4);
        assertThat(back.brandId).isEqualTo("Zürich €");
        assertThat(back.currencyCode).isEmpty();
        assertThat(back.lastEventId).isEqualTo("ev-😀-Ⅻ" + "長い".repeat(10_000));
    }

    @Test
    void readsBackWhatThePojoSerializerReadsBack() throws IOException {
        for (UserState s : variedStates()) {
            assertThat(roundTrip(SERIALIZER, s)).usingRecursiveComparison().isEqualTo(roundTrip(POJO_SERIALIZER, s));
        }
    }

    /** What a migration does to each value: read with the PojoSerializer, written with this one. */
    @Test
    void aValueThePojoSerializerWroteIsTheSameAfterARewriteInThisFormat() throws IOException {
        for (UserState s : variedStates()) {
            DataOutputSerializer pojoBytes = new DataOutputSerializer(256);
            POJO_SERIALIZER.serialize(s, pojoBytes);
            UserState readByPojo = POJO_SERIALIZER.deserialize(new DataInputDeserializer(pojoBytes.getCopyOfBuffer()));

            assertThat(roundTrip(SERIALIZER, readByPojo)).usingRecursiveComparison().isEqualTo(s);
        }
    }

    /**
     * A user with two limits: 142 bytes, where format 2 wrote 248 and the PojoSerializer writes 309 (a
     * null flag per field, enums as 4-byte ints).
     */
    @Test
    void writesFewerBytesThanFormatTwoAndThePojoSerializer() throws IOException {
        UserState s = severalLimits();

        assertThat(size(SERIALIZER, s)).isEqualTo(142);
        assertThat(size(POJO_SERIALIZER, s)).isEqualTo(309);
    }

    /**
     * The shape of generated identifiers (the benchmark's users: 24 hex digits, UUID eventIds), in less
     * than half of format 2's 375 bytes: hex as half as many bytes, a UUID as 16, the user and brand once.
     */
    @Test
    void generatedIdentifiersTakeTheirBytesNotTheirCharacters() throws IOException {
        UserState s = severalLimits();
        for (UserLimit l : s.limits) {
            l.userId = "00005f0000000000000186a0";
            l.brandId = "000000000000000000000003";
            l.userLimitId = l.userLimitId.equals("lim-day-01") ? "00006a000000000000c35000" : "00006a000000000000C35001";
            l.lastEventId = l.lastSequenceNumber == 40 ? "1b2c3d4e-0001-4000-8000-00000000a0b1" : "1B2C3D4E-0001-4000-8000-00000000A0B2";
        }

        assertThat(roundTrip(SERIALIZER, s)).usingRecursiveComparison().isEqualTo(s);
        assertThat(size(SERIALIZER, s)).isEqualTo(175);
    }

    /**
     * A value of format 2 (the release of 2026-12-05 wrote it: severalLimits with seenThrough 43) reads
     * as it is, and is written again in format 3.
     */
    @Test
    void aValueOfFormatTwoIsReadAsItIs() throws IOException {
        UserState expected = seenThrough(severalLimits(), 43L);

        UserState read = SERIALIZER.deserialize(new DataInputDeserializer(bytes(FORMAT_TWO_VALUE)));

        assertThat(read).usingRecursiveComparison().isEqualTo(expected);
        assertThat(roundTrip(SERIALIZER, read)).usingRecursiveComparison().isEqualTo(expected);
        assertThat(size(SERIALIZER, read)).isLessThan(FORMAT_TWO_VALUE.length() / 2);
    }

    /**
     * A value of format 3 (the releases of 2026-12-06 and 2026-12-07 wrote it: the format-2 value above,
     * read and written again) reads as it is, and a state without hashes is still written byte for byte
     * as format 3 wrote it.
     */
    @Test
    void aValueOfFormatThreeIsReadAsItIsAndWrittenTheSameWithoutHashes() throws IOException {
        UserState expected = seenThrough(severalLimits(), 43L);

        UserState read = SERIALIZER.deserialize(new DataInputDeserializer(bytes(FORMAT_THREE_VALUE)));

        assertThat(read).usingRecursiveComparison().isEqualTo(expected);
        assertThat(read.seenHashes).isNull();
        DataOutputSerializer out = new DataOutputSerializer(256);
        SERIALIZER.serialize(read, out);
        assertThat(out.getCopyOfBuffer()).isEqualTo(bytes(FORMAT_THREE_VALUE));
    }

    /** Written by UserStateSerializer of format 3 (main at 9cb4261) from FORMAT_TWO_VALUE. */
    private static final String FORMAT_THREE_VALUE = "87525602ff67a001516d37744c725832704e63345a615638734b6544506c696d2d6461792d3031386272616e642d37184555"
            + "5202030008a08d0608a4bc01b4f6bc8c8064b3069c093865762d303034305000ffff0c586c696d2d7765656b2d3031184742"
            + "5003010300d81d08d11febacd6b907c701b8a6a0eff501d0bdbafa0bd8c5d6b9073865762d303034315201";

    /** Written by UserStateSerializer of format 2 (main at dea00d1). */
    private static final String FORMAT_TWO_VALUE = "070000000000000029000000000000002b0233ff15516d37744c725832704e63345a615638"
            + "734b65440b6c696d2d6461792d3031086272616e642d3704455552020300000000020000000300c35000000002000000022f"
            + "120000019000c79c000000019000c79d9a0000019000c79fe80865762d303034300000000000000028003fff15516d37744c"
            + "725832704e63345a615638734b65440c6c696d2d7765656b2d3031086272616e642d37044742500301030000000000000002"
            + "076c0000000200000002f8170000018fc52cd200000001977420dc000000019024d421cc0000018fc52cd2640000019000c7"
            + "a3d00865762d30303431000000000000002901";

    private static byte[] bytes(String hex) {
        byte[] b = new byte[hex.length() / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        return b;
    }

    @Test
    void copyIsDeepForTheListAndTheLimits() {
        UserState original = severalLimits();

        UserState copy = SERIALIZER.copy(original);

        assertThat(copy).usingRecursiveComparison().isEqualTo(original);
        assertThat(copy.limits).isNotSameAs(original.limits);
        assertThat(copy.limits.get(0)).isNotSameAs(original.limits.get(0));
        original.limits.get(0).progress = new BigDecimal("999");
        original.limits.remove(1);
        assertThat(copy.limits).hasSize(2);
        assertThat(copy.limits.get(0).progress).isEqualTo(new BigDecimal("120.50"));
    }

    @Test
    void theSnapshotReadBackRestoresACompatibleSerializer() throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, SERIALIZER.snapshotConfiguration());

        TypeSerializerSnapshot<UserState> restored = TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(out.getCopyOfBuffer()), getClass().getClassLoader());

        assertThat(restored).isInstanceOf(UserStateSerializer.UserStateSerializerSnapshot.class);
        assertThat(restored.getCurrentVersion()).isEqualTo(4);
        assertThat(restored.restoreSerializer()).isSameAs(SERIALIZER);
        assertThat(SERIALIZER.snapshotConfiguration().resolveSchemaCompatibility(restored).isCompatibleAsIs()).isTrue();
    }

    @Test
    void aSnapshotOfAnotherFormatVersionIsRejected() throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        // writeVersionedSnapshot's layout: the snapshot class, its version, then its (here empty) data.
        out.writeUTF(UserStateSerializer.UserStateSerializerSnapshot.class.getName());
        out.writeInt(UserStateSerializer.FORMAT_VERSION + 1);

        assertThatThrownBy(() -> TypeSerializerSnapshot.readVersionedSnapshot(
                        new DataInputDeserializer(out.getCopyOfBuffer()), getClass().getClassLoader()))
                .isInstanceOf(IOException.class)
                .hasMessage("UserState serializer snapshot of format version 5, this serializer reads only versions 1 to 4");
    }

    /**
     * Savepoints of format 1 (no seenThrough) restore as they are: the snapshot is read and answers
     * "compatible as is", and a value in format 1 reads with seenThrough null (nothing is migrated at
     * the restore, which matters for tens of millions of users).
     */
    @Test
    void formatOneIsReadAsItIs() throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        out.writeUTF(UserStateSerializer.UserStateSerializerSnapshot.class.getName());
        out.writeInt(1);
        TypeSerializerSnapshot<UserState> formatOne = TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(out.getCopyOfBuffer()), getClass().getClassLoader());

        assertThat(SERIALIZER.snapshotConfiguration().resolveSchemaCompatibility(formatOne).isCompatibleAsIs()).isTrue();
        assertThat(formatOne.restoreSerializer()).isSameAs(SERIALIZER);
        // A format-1 value: presence bits (lastSequence, limits), the cursor, an empty list of limits.
        DataOutputSerializer value = new DataOutputSerializer(16);
        value.writeByte(0b11);
        value.writeLong(7);
        value.writeByte(0);
        UserState read = SERIALIZER.deserialize(new DataInputDeserializer(value.getCopyOfBuffer()));
        assertThat(read.lastSequence).isEqualTo(7L);
        assertThat(read.seenThrough).isNull();
        assertThat(read.limits).isEmpty();
    }

    /** The upgrade from the previous release: Flink rewrites its state (UserStateMigrationTest shows it does). */
    @Test
    void stateWrittenByThePojoSerializerIsCompatibleAfterMigration() {
        assertThat(SERIALIZER.snapshotConfiguration()
                .resolveSchemaCompatibility(POJO_SERIALIZER.snapshotConfiguration()).isCompatibleAfterMigration()).isTrue();
    }

    /** Why there is no rollback to the previous release from a savepoint of this one (docs/operations.md). */
    @Test
    void thePojoSerializerCannotReadThisFormat() {
        assertThat(POJO_SERIALIZER.snapshotConfiguration()
                .resolveSchemaCompatibility(SERIALIZER.snapshotConfiguration()).isIncompatible()).isTrue();
    }

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void anyOtherSnapshotIsIncompatible() {
        TypeSerializerSnapshot other = LimitEventSerializer.INSTANCE.snapshotConfiguration();

        assertThat(SERIALIZER.snapshotConfiguration().resolveSchemaCompatibility(other).isIncompatible()).isTrue();
    }

    @Test
    void theSerializerKnowsEveryField() {
        assertThat(FieldSamples.instanceFields(UserState.class)).extracting(Field::getName)
                .containsExactlyInAnyOrderElementsOf(STATE_FIELDS);
        assertThat(FieldSamples.instanceFields(UserLimit.class)).extracting(Field::getName)
                .containsExactlyInAnyOrderElementsOf(LIMIT_FIELDS);
    }

    /** Ordinals are stored: a constant moved or removed needs a new format version; one appended at the end does not. */
    @Test
    void theStoredEnumsKeepTheirOrdinals() {
        assertThat(LimitType.values()).extracting(Enum::name)
                .startsWith("BALANCE", "BET", "DEPOSIT", "LOSS", "SESSION");
        assertThat(LimitPeriod.values()).extracting(Enum::name).startsWith("CALENDAR_DAY", "CALENDAR_WEEK",
                "CALENDAR_MONTH", "DAY", "WEEK", "MONTH", "INDEFINITE", "INSTANCE");
        assertThat(LimitStatus.values()).extracting(Enum::name)
                .startsWith("ACTIVE", "CANCELED", "FUTURE", "IN_COOLDOWN");
        assertThat(EventType.values()).extracting(Enum::name)
                .startsWith("USER_LIMIT_CREATED", "USER_LIMIT_PROGRESS_CHANGED", "USER_LIMIT_RESET");
    }

    /** Each field alone, with a value of its own: a field the format skips or mixes up fails here. */
    @ParameterizedTest
    @MethodSource("everyField")
    void everyFieldAloneRoundTripsAndIsCopied(Field field) throws Exception {
        UserState s = new UserState();
        if (field.getDeclaringClass() == UserLimit.class) {
            UserLimit l = new UserLimit();
            field.set(l, sampleValue(field));
            s.limits = list(l);
        } else if (field.getName().equals("seenHashes") || field.getName().equals("seenAt")) {
            // Present together or not at all: a hash and its time.
            withHashes(s);
        } else {
            field.set(s, sampleValue(field));
        }

        assertThat(roundTrip(SERIALIZER, s)).usingRecursiveComparison().isEqualTo(s);
        assertThat(SERIALIZER.copy(s)).usingRecursiveComparison().isEqualTo(s);
    }

    @Test
    void everyFieldSetRoundTripsAndIsCopied() throws IOException {
        UserState s = withHashes(seenThrough(state(Long.MIN_VALUE, list(everyFieldSet())), 7L));
        assertThat(s).hasNoNullFieldsOrProperties();
        assertThat(s.limits.get(0)).hasNoNullFieldsOrProperties();

        assertThat(roundTrip(SERIALIZER, s)).usingRecursiveComparison().isEqualTo(s);
        assertThat(SERIALIZER.copy(s)).usingRecursiveComparison().isEqualTo(s);
    }

    private static UserState roundTrip(TypeSerializer<UserState> serializer, UserState s) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        serializer.serialize(s, out);
        DataInputDeserializer in = new DataInputDeserializer(out.getSharedBuffer(), 0, out.length());
        UserState back = serializer.deserialize(in);
        assertThat(in.available()).as("bytes left unread").isZero();
        return back;
    }

    private static int size(TypeSerializer<UserState> serializer, UserState s) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        serializer.serialize(s, out);
        return out.length();
    }

    private static boolean sameFields(Object a, Object b) {
        try {
            assertThat(a).usingRecursiveComparison().isEqualTo(b);
            return true;
        } catch (AssertionError e) {
            return false;
        }
    }

    private static UserState state(Long lastSequence, List<UserLimit> limits) {
        UserState s = new UserState();
        s.lastSequence = lastSequence;
        s.limits = limits;
        return s;
    }

    /** Hashes of every sign and size, written at three times (two hashes share one): the times' distances go both ways. */
    private static UserState withHashes(UserState s) {
        s.seenHashes = new long[] {Long.MIN_VALUE, -1L, 0L, 0x5DEECE66DL, Long.MAX_VALUE};
        s.seenAt = new long[] {1_764_979_200_000L, 1_764_979_200_000L, 1_764_979_210_000L, 5L, 1_765_583_999_999L};
        return s;
    }

    private static UserState seenThrough(UserState s, Long seenThrough) {
        s.seenThrough = seenThrough;
        return s;
    }

    private static List<UserLimit> list(UserLimit l) {
        List<UserLimit> limits = new ArrayList<>();
        limits.add(l);
        return limits;
    }

    static UserState severalLimits() {
        List<UserLimit> limits = new ArrayList<>();
        limits.add(dayLimit());
        limits.add(weekLimit());
        return state(41L, limits);
    }

    static UserLimit dayLimit() {
        UserLimit l = new UserLimit();
        l.userId = "Qm7tLrX2pNc4ZaV8sKeD";
        l.userLimitId = "lim-day-01";
        l.brandId = "brand-7";
        l.currencyCode = "EUR";
        l.type = LimitType.DEPOSIT;
        l.period = LimitPeriod.DAY;
        l.status = LimitStatus.ACTIVE;
        l.value = new BigDecimal("500.00");
        l.progress = new BigDecimal("120.50");
        l.activeFrom = 1_718_000_000_000L;
        l.createdAt = 1_718_000_000_410L;
        l.updatedAt = 1_718_000_001_000L;
        l.lastEventId = "ev-0040";
        l.lastSequenceNumber = 40;
        l.lastEventType = EventType.USER_LIMIT_CREATED;
        return l;
    }

    static UserLimit weekLimit() {
        UserLimit l = new UserLimit();
        l.userId = "Qm7tLrX2pNc4ZaV8sKeD";
        l.userLimitId = "lim-week-01";
        l.brandId = "brand-7";
        l.currencyCode = "GBP";
        l.type = LimitType.LOSS;
        l.period = LimitPeriod.CALENDAR_WEEK;
        l.status = LimitStatus.IN_COOLDOWN;
        l.value = new BigDecimal("1900");
        l.progress = new BigDecimal("-20.25");
        l.activeFrom = 1_717_000_000_000L;
        l.activeUntil = 1_750_000_000_000L;
        l.nextResetTime = 1_718_604_800_460L;
        l.createdAt = 1_717_000_000_100L;
        l.updatedAt = 1_718_000_002_000L;
        l.lastEventId = "ev-0041";
        l.lastSequenceNumber = 41;
        l.lastEventType = EventType.USER_LIMIT_PROGRESS_CHANGED;
        return l;
    }

    private static UserLimit allNullableFieldsNull() {
        UserLimit l = new UserLimit();
        l.createdAt = -5;
        l.updatedAt = Long.MAX_VALUE;
        return l;
    }

    private static UserLimit nonAsciiStrings() {
        UserLimit l = dayLimit();
        l.userId = "user-\uD83D"; // an unpaired surrogate, as a JSON escape can give
        l.userLimitId = "a?\uDC00?"; // UTF-8 would turn the surrogate into a third '?'
        l.brandId = "Zürich €";
        l.currencyCode = "";
        l.lastEventId = "ev-😀-Ⅻ" + "長い".repeat(10_000); // a surrogate pair; longer than a 2-byte length
        return l;
    }

    private static UserLimit largeAndNegativeDecimals() {
        UserLimit l = weekLimit();
        l.value = new BigDecimal("123456789012345678901234567890.123456789");
        l.progress = new BigDecimal("-98765432109876543210.5");
        return l;
    }

    private static UserLimit everyFieldSet() {
        return FieldSamples.filled(new UserLimit(), UserStateSerializerTest::sampleValue);
    }

    private static Stream<Field> everyField() {
        return Stream.concat(FieldSamples.instanceFields(UserState.class).stream(), FieldSamples.instanceFields(UserLimit.class).stream());
    }

    /** A value that no other field of the same type gets, so that two fields mixed up show. */
    private static Object sampleValue(Field f) {
        Object scalar = FieldSamples.scalar(f);
        if (scalar != null) {
            return scalar;
        }
        Class<?> type = f.getType();
        if (type == List.class) {
            return severalLimits().limits;
        }
        throw new AssertionError("no sample value for " + f + ": a field of a new type; write it in "
                + "UserStateSerializer and give it a sample value here");
    }
}
