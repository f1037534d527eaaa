package com.rglimits.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rglimits.config.JobConfig;
import com.rglimits.config.Settings;
import com.rglimits.job.Descriptors;
import com.rglimits.job.UserLimitsPipeline;
import com.rglimits.testing.Events;
import com.rglimits.testing.FieldSamples;
import com.rglimits.testing.ProjectFiles;
import java.io.IOException;
import java.lang.reflect.Field;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.DiscardingSink;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.flink.testutils.DeeplyEqualsChecker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The hand-written wire serializer of {@link LimitEvent}. Flink's {@link SerializerTestBase}
 * contributes the generic checks (copies, reuse, sequences, serialized copies, Java serialization,
 * duplicates, snapshots) over {@link #getTestData()}; the tests here cover the format's cases.
 */
class LimitEventSerializerTest extends SerializerTestBase<LimitEvent> {
    /**
     * The fields the serializer writes, per class. A field added to LimitEvent or RecordSource fails
     * {@link #theSerializerKnowsEveryField()}: add it to LimitEventSerializer (and its copy), then here.
     */
    private static final List<String> EVENT_FIELDS = List.of("eventId", "type", "sequenceNumber", "createdAt",
            "userId", "userLimitId", "brandId", "currencyCode", "limitType", "period", "status", "value", "activeFrom",
            "activeUntil", "previousLimitValue", "amount", "previousProgress", "remainingAmount", "resetAmount",
            "unusedAmount", "resetPercentage", "nextResetTime", "raw", "source", "jumpedFrom", "splitWatermark",
            "verdict", "marker");
    /** Fields that only cross the network (transient): the POJO type of the held events' state leaves them out. */
    private static final List<String> NETWORK_ONLY_FIELDS = List.of("splitWatermark", "verdict", "marker");
    private static final List<String> SOURCE_FIELDS =
            List.of("stream", "shardId", "sequenceNumber", "file", "line", "element");

    private static final LimitEventSerializer SERIALIZER = LimitEventSerializer.INSTANCE;
    private static final TypeSerializer<LimitEvent> POJO_SERIALIZER =
            Descriptors.LIMIT_EVENT_TYPE.createSerializer(new ExecutionConfig());

    LimitEventSerializerTest() {
        // LimitEvent has no equals: the base class compares events field by field.
        super(new DeeplyEqualsChecker().withCustomCheck(
                (a, b) -> a instanceof LimitEvent && b instanceof LimitEvent,
                (a, b, checker) -> sameFields(a, b)));
    }

    @Override
    protected TypeSerializer<LimitEvent> createSerializer() {
        return SERIALIZER;
    }

    @Override
    protected int getLength() {
        return -1;
    }

    @Override
    protected Class<LimitEvent> getTypeClass() {
        return LimitEvent.class;
    }

    @Override
    protected LimitEvent[] getTestData() {
        return new LimitEvent[] {
            created(), progress(), reset(), allNullableFieldsNull(), nonAsciiStrings(), largeRaw(), everyFieldSet(),
            verdict(), LimitEvent.marker("user-\uD800", 41)
        };
    }

    @Test
    void createdProgressAndResetWithEveryFieldTheyCarryRoundTrip() throws IOException {
        LimitEvent created = created();
        LimitEvent progress = progress();
        LimitEvent reset = reset();
        assertThat(created).hasNoNullFieldsOrPropertiesExcept(
                "amount", "previousProgress", "remainingAmount", "resetAmount", "unusedAmount", "resetPercentage",
                "jumpedFrom", "verdict");
        assertThat(progress).hasNoNullFieldsOrPropertiesExcept("limitType", "period", "status", "value",
                "activeFrom", "activeUntil", "previousLimitValue", "resetAmount", "unusedAmount", "resetPercentage",
                "jumpedFrom", "verdict");
        assertThat(reset).hasNoNullFieldsOrPropertiesExcept("status", "value", "activeFrom", "activeUntil",
                "previousLimitValue", "amount", "previousProgress", "remainingAmount", "jumpedFrom", "verdict");

        for (LimitEvent e : List.of(created, progress, reset)) {
            assertThat(roundTrip(SERIALIZER, e)).as(e.toString()).usingRecursiveComparison().isEqualTo(e);
        }
    }

    @Test
    void anEventWithEveryNullableFieldNullRoundTrips() throws IOException {
        LimitEvent e = allNullableFieldsNull();

        assertThat(roundTrip(SERIALIZER, e)).usingRecursiveComparison().isEqualTo(e);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "0.00", "1.50", "500", "-0.001", "-120.50", "1E+3",
        "1234567890123456789012345678901234567890", "-1234567890123456789012345678901234567890.0001",
        // the unscaled value at the ends of a long, and one past them
        "9223372036854775807", "-9223372036854775808", "9223372036854775808", "-9223372036854775809",
        "922337203685477.5807", "-92233720368547758.09"})
    void decimalsKeepTheirValueAndScale(String decimal) throws IOException {
        LimitEvent e = new LimitEvent();
        e.value = new BigDecimal(decimal);
        e.resetPercentage = new BigDecimal(decimal).negate();

        LimitEvent back = roundTrip(SERIALIZER, e);

        assertThat(back.value).isEqualTo(new BigDecimal(decimal)).hasScaleOf(e.value.scale());
        assertThat(back.value.toString()).isEqualTo(e.value.toString());
        assertThat(back.resetPercentage).isEqualTo(e.resetPercentage).hasScaleOf(e.value.scale());
    }

    @Test
    void nonAsciiSurrogatePairsLoneSurrogatesEmptyAndLongStringsRoundTrip() throws IOException {
        LimitEvent e = nonAsciiStrings();

        LimitEvent back = roundTrip(SERIALIZER, e);

        assertThat(back).usingRecursiveComparison().isEqualTo(e);
        assertThat(back.brandId).isEqualTo("Zürich €");
        assertThat(back.currencyCode).isEmpty();
    }

    /** UTF-8 writes '?' for an unpaired surrogate: a string with both must not come back with two '?'. */
    @Test
    void questionMarksBesideLoneSurrogatesRoundTrip() throws IOException {
        LimitEvent e = created();
        e.eventId = "what?";
        e.userId = "a?\uDC00?";
        e.brandId = "\uD800";
        e.currencyCode = "??";
        e.source = RecordSource.kinesis("stream?", "shard-\uDBFF", "?");

        LimitEvent back = roundTrip(SERIALIZER, e);

        assertThat(back).usingRecursiveComparison().isEqualTo(e);
        assertThat(back.userId).isEqualTo("a?\uDC00?").hasSize(4);
        assertThat(back.brandId).isEqualTo("\uD800");
    }

    @Test
    void aLargeRawRecordRoundTrips() throws IOException {
        LimitEvent e = largeRaw();

        assertThat(roundTrip(SERIALIZER, e).raw).isEqualTo(e.raw).hasSize(100 * 1024);
    }

    @Test
    void everySourceShapeAndNoSourceRoundTrip() throws IOException {
        List<RecordSource> sources = Arrays.asList(RecordSource.kinesis("user-limits", "shardId-000000000007", "4965"),
                RecordSource.fileLine("events.ndjson", 12), RecordSource.fileElement("events.json", 0), null);
        for (RecordSource source : sources) {
            LimitEvent e = progress();
            e.source = source;

            assertThat(roundTrip(SERIALIZER, e).source).as(String.valueOf(source)).isEqualTo(source);
        }
    }

    @Test
    void theSampleFileEventsRoundTrip() throws IOException {
        JsonNode sample = Events.MAPPER.readTree(Files.readAllBytes(ProjectFiles.path("data/sample-events.json")));
        int events = 0;
        for (JsonNode node : sample) {
            ParsedRecord r = EventParser.parse(node.toString().getBytes(StandardCharsets.UTF_8),
                    RecordSource.fileElement("data/sample-events.json", events), 0);
            if (r.kind == ParsedRecord.Kind.EVENT) {
                assertThat(roundTrip(SERIALIZER, r.event)).as(node.toString())
                        .usingRecursiveComparison().isEqualTo(r.event);
                events++;
            }
        }
        assertThat(events).isEqualTo(10);
    }

    @Test
    void readsBackWhatThePojoSerializerReadsBack() throws IOException {
        for (LimitEvent e : getTestData()) {
            assertThat(roundTrip(SERIALIZER, e)).as(e.toString())
                    .usingRecursiveComparison().ignoringFields(NETWORK_ONLY_FIELDS.toArray(new String[0]))
                    .isEqualTo(roundTrip(POJO_SERIALIZER, e));
        }
    }

    /** Held events keep whether they are an unconfirmed jump; the router's per-record fields and markers are never stored. */
    @Test
    void thePojoTypeOfStateHoldsTheJumpButNotTheNetworkOnlyFields() throws IOException {
        LimitEvent e = progress();
        e.jumpedFrom = 1_672_531_200_000L;
        e.splitWatermark = 1_672_531_100_000L;
        e.verdict = JumpVerdict.REFUTED;
        e.marker = true;

        LimitEvent stored = roundTrip(POJO_SERIALIZER, e);

        assertThat(stored.jumpedFrom).isEqualTo(1_672_531_200_000L);
        assertThat(stored.splitWatermark).isEqualTo(Long.MIN_VALUE);
        assertThat(stored.verdict).isNull();
        assertThat(stored.marker).isFalse();
        LimitEvent sent = roundTrip(SERIALIZER, e);
        assertThat(sent.splitWatermark).isEqualTo(1_672_531_100_000L);
        assertThat(sent.verdict).isEqualTo(JumpVerdict.REFUTED);
        assertThat(sent.marker).isTrue();
    }

    @Test
    void copyIsDeepForRawAndSource() {
        LimitEvent original = created();

        LimitEvent copy = SERIALIZER.copy(original);

        assertThat(copy).usingRecursiveComparison().isEqualTo(original);
        assertThat(copy.raw).isNotSameAs(original.raw);
        assertThat(copy.source).isNotSameAs(original.source);
        byte[] raw = original.raw.clone();
        original.raw[0]++;
        original.source.shardId = "shardId-changed";
        assertThat(copy.raw).isEqualTo(raw);
        assertThat(copy.source.shardId).isEqualTo("shardId-000000000003");
    }

    @Test
    void theSnapshotReadBackRestoresACompatibleSerializer() throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, SERIALIZER.snapshotConfiguration());

        TypeSerializerSnapshot<LimitEvent> restored = TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(out.getCopyOfBuffer()), getClass().getClassLoader());

        assertThat(restored.getCurrentVersion()).isEqualTo(LimitEventSerializer.FORMAT_VERSION);
        assertThat(restored.restoreSerializer()).isEqualTo(SERIALIZER);
        assertThat(SERIALIZER.snapshotConfiguration().resolveSchemaCompatibility(restored).isCompatibleAsIs()).isTrue();
    }

    @Test
    void aSnapshotOfAnotherFormatVersionIsRejected() throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        // writeVersionedSnapshot's layout: the snapshot class, its version, then its (here empty) data.
        out.writeUTF(LimitEventSerializer.LimitEventSerializerSnapshot.class.getName());
        out.writeInt(LimitEventSerializer.FORMAT_VERSION + 1);

        assertThatThrownBy(() -> TypeSerializerSnapshot.readVersionedSnapshot(
                        new DataInputDeserializer(out.getCopyOfBuffer()), getClass().getClassLoader()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("format version " + (LimitEventSerializer.FORMAT_VERSION + 1));
    }

    /** Why the held events' state keeps the POJO serializer: a switch would not restore the savepoints. */
    @Test
    void stateWrittenByThePojoSerializerIsIncompatible() {
        assertThat(SERIALIZER.snapshotConfiguration()
                .resolveSchemaCompatibility(POJO_SERIALIZER.snapshotConfiguration()).isIncompatible()).isTrue();
    }

    @Test
    void theTypeInfoGivesThisSerializer() {
        LimitEventTypeInfo info = new LimitEventTypeInfo();

        assertThat(info.createSerializer(new ExecutionConfig())).isSameAs(SERIALIZER);
        assertThat(info.getTypeClass()).isEqualTo(LimitEvent.class);
        assertThat(info).isEqualTo(new LimitEventTypeInfo()).hasSameHashCodeAs(new LimitEventTypeInfo())
                .isNotEqualTo(Descriptors.LIMIT_EVENT_TYPE);
    }

    @Test
    void theKeyedOperatorReceivesEventsThroughThisSerializer() {
        JobConfig config = JobConfig.from(new Settings(Map.of("source.file", "events.json", "table.name", "limits"),
                key -> key));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        UserLimitsPipeline.configure(env, config);
        UserLimitsPipeline.Outputs outputs = UserLimitsPipeline.applyEvents(
                env.fromSequence(0, 0).map(i -> new ParsedRecord(), TypeInformation.of(ParsedRecord.class)), config, false);
        outputs.limits.addSink(new DiscardingSink<>());
        outputs.deadLetters.addSink(new DiscardingSink<>());

        StreamNode keyed = env.getStreamGraph().getStreamNodes().stream()
                .filter(n -> UserLimitsPipeline.PROCESSOR_UID.equals(n.getTransformationUID()))
                .findFirst().orElseThrow();

        assertThat(keyed.getTypeSerializersIn()).containsExactly(SERIALIZER);
    }

    @Test
    void theSerializerKnowsEveryField() {
        assertThat(FieldSamples.instanceFields(LimitEvent.class)).extracting(Field::getName)
                .containsExactlyInAnyOrderElementsOf(EVENT_FIELDS);
        assertThat(FieldSamples.instanceFields(RecordSource.class)).extracting(Field::getName)
                .containsExactlyInAnyOrderElementsOf(SOURCE_FIELDS);
    }

    /** Each field alone, with a value of its own: a field the format skips or mixes up fails here. */
    @ParameterizedTest
    @MethodSource("everyField")
    void everyFieldAloneRoundTripsAndIsCopied(Field field) throws Exception {
        LimitEvent e = new LimitEvent();
        if (field.getDeclaringClass() == RecordSource.class) {
            e.source = new RecordSource();
            field.set(e.source, sampleValue(field));
        } else {
            field.set(e, sampleValue(field));
        }

        assertThat(roundTrip(SERIALIZER, e)).usingRecursiveComparison().isEqualTo(e);
        assertThat(SERIALIZER.copy(e)).usingRecursiveComparison().isEqualTo(e);
    }

    @Test
    void everyFieldSetRoundTripsAndIsCopied() throws IOException {
        LimitEvent e = everyFieldSet();
        assertThat(e).hasNoNullFieldsOrProperties();
        assertThat(e.source).hasNoNullFieldsOrProperties();

        assertThat(roundTrip(SERIALIZER, e)).usingRecursiveComparison().isEqualTo(e);
        assertThat(SERIALIZER.copy(e)).usingRecursiveComparison().isEqualTo(e);
    }

    private static LimitEvent roundTrip(TypeSerializer<LimitEvent> serializer, LimitEvent e) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        serializer.serialize(e, out);
        DataInputDeserializer in = new DataInputDeserializer(out.getSharedBuffer(), 0, out.length());
        LimitEvent back = serializer.deserialize(in);
        assertThat(in.available()).as("bytes left unread").isZero();
        return back;
    }

    private static boolean sameFields(Object a, Object b) {
        try {
            assertThat(a).usingRecursiveComparison().isEqualTo(b);
            return true;
        } catch (AssertionError e) {
            return false;
        }
    }

    private static ObjectNode payload(ObjectNode event) {
        return (ObjectNode) event.get("payload");
    }

    private static LimitEvent created() {
        ObjectNode node =
                Events.created("ev-0002", "Qm7tLrX2pNc4ZaV8sKeD", "lim-day-01", 2, 1_718_000_000_410L, "500.00");
        payload(node).put("activeUntil", 1_750_000_000_000L).put("previousLimitValue", "400.5");
        LimitEvent e = Events.event(node);
        e.source = RecordSource.kinesis("user-limits", "shardId-000000000003",
                "49651234567890123456789012345678901234567890123456");
        return e;
    }

    private static LimitEvent progress() {
        ObjectNode node = Events.progress("ev-0005", "Qm7tLrX2pNc4ZaV8sKeD", "lim-week-01", 5, 1_718_000_001_000L,
                "120.50", "-20.25");
        payload(node).put("remainingAmount", "1899.75").put("nextResetTime", 1_718_604_800_460L);
        LimitEvent e = Events.event(node);
        e.source = RecordSource.fileLine("events.ndjson", 5);
        return e;
    }

    private static LimitEvent reset() {
        ObjectNode node = Events.reset("ev-0009", "Qm7tLrX2pNc4ZaV8sKeD", "lim-day-01", 9, 1_718_086_400_500L);
        payload(node).put("resetPercentage", "33.333");
        LimitEvent e = Events.event(node);
        e.source = RecordSource.fileElement("events.json", 8);
        return e;
    }

    private static LimitEvent allNullableFieldsNull() {
        LimitEvent e = new LimitEvent();
        e.sequenceNumber = Long.MAX_VALUE;
        e.createdAt = -1;
        return e;
    }

    private static LimitEvent verdict() {
        return LimitEvent.verdict("user-\uD800", "ev-7", JumpVerdict.CONFIRMED);
    }

    private static LimitEvent nonAsciiStrings() {
        LimitEvent e = created();
        e.eventId = "ev-😀-Ⅻ"; // a surrogate pair
        e.userId = "user-\uD83D"; // an unpaired surrogate, as a JSON escape can give
        e.brandId = "Zürich €";
        e.currencyCode = "";
        e.userLimitId = "長い".repeat(10_000); // longer than a 2-byte length of StringValue
        e.source = RecordSource.fileLine("données/événements.ndjson", 1);
        return e;
    }

    private static LimitEvent largeRaw() {
        LimitEvent e = progress();
        e.raw = new byte[100 * 1024];
        new Random(11).nextBytes(e.raw);
        return e;
    }

    private static LimitEvent everyFieldSet() {
        return FieldSamples.filled(new LimitEvent(), LimitEventSerializerTest::sampleValue);
    }

    private static Stream<Field> everyField() {
        return Stream.concat(FieldSamples.instanceFields(LimitEvent.class).stream(), FieldSamples.instanceFields(RecordSource.class).stream());
    }

    /** A value that no other field of the same type gets, so that two fields mixed up show. */
    private static Object sampleValue(Field f) throws IllegalAccessException {
        Object scalar = FieldSamples.scalar(f);
        if (scalar != null) {
            return scalar;
        }
        Class<?> type = f.getType();
        String name = f.getName();
        if (type == byte[].class) {
            return name.getBytes(StandardCharsets.UTF_8);
        }
        if (type == RecordSource.class) {
            RecordSource s = new RecordSource();
            for (Field sf : FieldSamples.instanceFields(RecordSource.class)) {
                sf.set(s, sampleValue(sf));
            }
            return s;
        }
        throw new AssertionError("no sample value for " + f + ": a field of a new type; write it in "
                + "LimitEventSerializer and give it a sample value here");
    }
}
