package com.rglimits.event;

import static com.rglimits.testing.Events.created;
import static com.rglimits.testing.Events.progress;
import static com.rglimits.testing.Events.reset;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rglimits.testing.Events;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EventParserTest {
    private static final RecordSource SOURCE = RecordSource.kinesis("in", "shardId-000000000001", "4958");

    private static ParsedRecord parse(String json) {
        return EventParser.parse(json.getBytes(StandardCharsets.UTF_8), SOURCE, 42L);
    }

    /**
     * The hand-written check accepts exactly what the contract's pattern {@code -?[0-9]+(\.[0-9]+)?}
     * accepts: every string of up to five characters over digits, signs, points, an exponent, a space
     * and a non-ASCII digit.
     */
    @Test
    void plainDecimalsAreExactlyTheContractsPattern() {
        java.util.regex.Pattern contract = java.util.regex.Pattern.compile("-?[0-9]+(\\.[0-9]+)?");
        char[] alphabet = {'0', '7', '-', '+', '.', 'e', ' ', '\u0663'};
        int checked = 0;
        int accepted = 0;
        for (int length = 0; length <= 5; length++) {
            int[] digits = new int[length];
            while (true) {
                char[] text = new char[length];
                for (int i = 0; i < length; i++) {
                    text[i] = alphabet[digits[i]];
                }
                String candidate = new String(text);
                boolean expected = contract.matcher(candidate).matches();
                assertThat(EventParser.isPlainDecimal(candidate)).as("\"%s\"", candidate).isEqualTo(expected);
                checked++;
                accepted += expected ? 1 : 0;
                int i = length - 1;
                while (i >= 0 && ++digits[i] == alphabet.length) {
                    digits[i--] = 0;
                }
                if (i < 0) {
                    break;
                }
            }
        }
        assertThat(checked).isEqualTo(1 + 8 + 64 + 512 + 4096 + 32768);
        assertThat(accepted).isGreaterThan(100);
    }

    @Test
    void parsesCreatedWithEveryField() {
        ObjectNode node = created("e1", "u1", "lim-1", 7, 1_000, "500.25");
        ((ObjectNode) node.get("payload")).put("activeUntil", 9_000).put("previousLimitValue", "400");
        ParsedRecord r = Events.parse(node);

        assertThat(r.kind).isEqualTo(ParsedRecord.Kind.EVENT);
        LimitEvent e = r.event;
        assertThat(e.type).isEqualTo(EventType.USER_LIMIT_CREATED);
        assertThat(e.eventId).isEqualTo("e1");
        assertThat(e.userId).isEqualTo("u1");
        assertThat(e.userLimitId).isEqualTo("lim-1");
        assertThat(e.sequenceNumber).isEqualTo(7);
        assertThat(e.createdAt).isEqualTo(1_000);
        assertThat(e.brandId).isEqualTo(Events.BRAND);
        assertThat(e.currencyCode).isEqualTo("EUR");
        assertThat(e.limitType).isEqualTo(LimitType.DEPOSIT);
        assertThat(e.period).isEqualTo(LimitPeriod.DAY);
        assertThat(e.status).isEqualTo(LimitStatus.ACTIVE);
        assertThat(e.value).isEqualTo(new BigDecimal("500.25"));
        assertThat(e.activeFrom).isEqualTo(990L);
        assertThat(e.activeUntil).isEqualTo(9_000L);
        assertThat(e.nextResetTime).isEqualTo(1_000 + 86_400_000L);
        assertThat(e.previousLimitValue).isEqualTo(new BigDecimal("400"));
        assertThat(e.raw).isEqualTo(Events.bytes(node));
    }

    @Test
    void parsesProgressAndReset() {
        LimitEvent p = Events.event(progress("e2", "u1", "lim-1", 8, 2_000, "120.50", "79.50"));
        assertThat(p.type).isEqualTo(EventType.USER_LIMIT_PROGRESS_CHANGED);
        assertThat(p.previousProgress).isEqualTo(new BigDecimal("120.50"));
        assertThat(p.amount).isEqualTo(new BigDecimal("79.50"));
        assertThat(p.nextResetTime).isNull();

        LimitEvent r = Events.event(reset("e3", "u1", "lim-1", 9, 3_000));
        assertThat(r.type).isEqualTo(EventType.USER_LIMIT_RESET);
        assertThat(r.limitType).isEqualTo(LimitType.DEPOSIT);
        assertThat(r.resetAmount).isEqualTo(new BigDecimal("0"));
        assertThat(r.nextResetTime).isEqualTo(3_000 + 86_400_000L);
    }

    @Test
    void skipsOtherTypesWithTheirEventTime() {
        ParsedRecord r = parse("{\"eventId\":\"x\",\"type\":\"LIMIT_USER_CREATED\",\"createdAt\":55,\"payload\":{}}");
        assertThat(r.kind).isEqualTo(ParsedRecord.Kind.SKIPPED);
        assertThat(r.skippedType).isEqualTo("LIMIT_USER_CREATED");
        assertThat(r.eventTime()).isEqualTo(55L);
    }

    private static final long NOW = 1_800_000_000_000L;
    private static final long MAX_AHEAD = 300_000;

    private static ParsedRecord parseAt(ObjectNode node) {
        return EventParser.parse(Events.bytes(node), SOURCE, NOW, MAX_AHEAD);
    }

    @Test
    void createdAtUpToTheBoundAheadOfTheProcessingTimeIsAccepted() {
        ParsedRecord r = parseAt(created("e1", "u1", "lim-1", 7, NOW + MAX_AHEAD, "5"));
        assertThat(r.kind).isEqualTo(ParsedRecord.Kind.EVENT);
        assertThat(r.eventTime()).isEqualTo(NOW + MAX_AHEAD);
        assertThat(r.createdAtAhead).isFalse();
    }

    @Test
    void createdAtBeyondTheBoundIsAnInvalidEventWithoutEventTime() {
        ObjectNode node = progress("e1", "u1", "lim-1", 7, NOW + MAX_AHEAD + 1, "0", "5");
        ParsedRecord r = parseAt(node);
        assertThat(r.kind).isEqualTo(ParsedRecord.Kind.INVALID);
        assertThat(r.createdAtAhead).isTrue();
        assertThat(r.eventTime()).as("must not move the watermark").isEqualTo(Long.MIN_VALUE);
        Rejection d = r.invalid;
        assertThat(d.error).isEqualTo("field 'createdAt' is 300001 ms ahead of the processing time (at most 300000 ms allowed)");
        assertThat(d.record).isEqualTo(Events.bytes(node));
        assertThat(d.eventId).isEqualTo("e1");
        assertThat(d.userId).isEqualTo("u1");
        assertThat(d.sequenceNumber).isEqualTo(7L);
        assertThat(d.source).isEqualTo(SOURCE);
        assertThat(d.rejectedAt).isEqualTo(NOW);

        assertThat(parseAt(created("e2", "u1", "lim-1", 8, NOW + 31_536_000_000L, "5")).invalid.error)
                .isEqualTo("field 'createdAt' is 31536000000 ms ahead of the processing time (at most 300000 ms allowed)");
    }

    @Test
    void anotherProblemOfTheRecordIsReportedRatherThanItsCreatedAt() {
        ObjectNode node = created("e1", "u1", "lim-1", 7, NOW + 31_536_000_000L, "5");
        node.put("sequenceNumber", -1);
        ParsedRecord r = parseAt(node);
        assertThat(r.invalid.error).isEqualTo("field 'sequenceNumber' must be >= 0, got -1");
        assertThat(r.createdAtAhead).isFalse();
    }

    @Test
    void otherTypesBeyondTheBoundAreSkippedWithoutEventTime() {
        ParsedRecord atBound = parseAt(Events.envelope("x1", "LIMIT_USER_CREATED", "u1", 3, NOW + MAX_AHEAD));
        assertThat(atBound.kind).isEqualTo(ParsedRecord.Kind.SKIPPED);
        assertThat(atBound.eventTime()).isEqualTo(NOW + MAX_AHEAD);
        assertThat(atBound.createdAtAhead).isFalse();

        ParsedRecord beyond = parseAt(Events.envelope("x2", "LIMIT_USER_CREATED", "u1", 3, NOW + MAX_AHEAD + 1));
        assertThat(beyond.kind).isEqualTo(ParsedRecord.Kind.SKIPPED);
        assertThat(beyond.skippedType).isEqualTo("LIMIT_USER_CREATED");
        assertThat(beyond.eventTime()).isEqualTo(Long.MIN_VALUE);
        assertThat(beyond.createdAtAhead).isTrue();
    }

    @Test
    void thereIsNoBoundInThePastAndNoneWithoutOne() {
        assertThat(parseAt(created("e1", "u1", "lim-1", 7, Long.MIN_VALUE, "5")).kind).isEqualTo(ParsedRecord.Kind.EVENT);
        assertThat(parseAt(created("e2", "u1", "lim-1", 7, 1_718_000_000_000L, "5")).kind).isEqualTo(ParsedRecord.Kind.EVENT);
        assertThat(EventParser.parse(Events.bytes(created("e3", "u1", "lim-1", 7, Long.MAX_VALUE, "5")), SOURCE, NOW).kind)
                .isEqualTo(ParsedRecord.Kind.EVENT);
    }

    @Test
    void ignoresUnknownFieldsAnywhere() {
        ObjectNode node = created("e1", "u1", "lim-1", 7, 1_000, "5");
        node.put("somethingNew", true);
        ((ObjectNode) node.get("payload")).putObject("nested").put("x", 1);
        assertThat(Events.parse(node).kind).isEqualTo(ParsedRecord.Kind.EVENT);
    }

    @Test
    void sampleFileEventsAllParse() throws Exception {
        byte[] data = java.nio.file.Files.readAllBytes(com.rglimits.testing.ProjectFiles.path("data/sample-events.json"));
        var array = Events.MAPPER.readTree(data);
        int events = 0;
        int skipped = 0;
        for (var node : array) {
            ParsedRecord r = EventParser.parse(node.toString().getBytes(StandardCharsets.UTF_8), SOURCE, 0);
            assertThat(r.kind).as(node.toString()).isNotEqualTo(ParsedRecord.Kind.INVALID);
            if (r.kind == ParsedRecord.Kind.EVENT) {
                events++;
            } else {
                skipped++;
            }
        }
        assertThat(events).isEqualTo(10);
        assertThat(skipped).isEqualTo(2);
    }

    static Stream<Arguments> invalidRecords() {
        return Stream.of(
                raw("not JSON", "{\"eventId\": ", "record is not valid JSON: Unexpected end-of-input within/between Object entries"),
                raw("trailing garbage", "{\"eventId\":\"a\"} x", "record is not valid JSON: Unrecognized token 'x': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')"),
                raw("empty record", "   ", "record is empty"),
                raw("array, not an object", "[1,2]", "record is not a JSON object but array"),
                raw("string, not an object", "\"hello\"", "record is not a JSON object but string \"hello\""),
                raw("type missing", "{\"eventId\":\"a\"}", "field 'type' is missing"),
                raw("type not a string", "{\"eventId\":\"a\",\"type\":5}", "field 'type' must be a string, got number 5"),
                edit("eventId missing", n -> n.remove("eventId"), "field 'eventId' is missing"),
                edit("eventId blank", n -> n.put("eventId", "  "), "field 'eventId' is blank"),
                edit("eventId null", n -> n.putNull("eventId"), "field 'eventId' is missing"),
                edit("sequenceNumber missing", n -> n.remove("sequenceNumber"), "field 'sequenceNumber' is missing"),
                edit("sequenceNumber negative", n -> n.put("sequenceNumber", -1), "field 'sequenceNumber' must be >= 0, got -1"),
                edit("sequenceNumber string", n -> n.put("sequenceNumber", "5"), "field 'sequenceNumber' must be an integer, got string \"5\""),
                edit("sequenceNumber fraction", n -> n.put("sequenceNumber", 5.5), "field 'sequenceNumber' must be an integer, got number 5.5"),
                edit("createdAt missing", n -> n.remove("createdAt"), "field 'createdAt' is missing"),
                edit("createdAt string", n -> n.put("createdAt", "2024-06-10"), "field 'createdAt' must be an integer, got string \"2024-06-10\""),
                edit("payload missing", n -> n.remove("payload"), "field 'payload' is missing"),
                edit("payload not an object", n -> n.put("payload", "x"), "field 'payload' must be an object, got string \"x\""),
                edit("context not an object", n -> n.put("context", 3), "field 'context' must be an object, got number 3"),
                edit("source not a string", n -> n.put("source", 3), "field 'source' must be a string, got number 3"),
                edit("aggregateId differs", n -> n.put("aggregateId", "other"), "field 'aggregateId' (other) differs from 'payload.userId' (u1)"),
                payload("userId missing", p -> p.remove("userId"), "field 'payload.userId' is missing"),
                payload("userLimitId blank", p -> p.put("userLimitId", ""), "field 'payload.userLimitId' is blank"),
                payload("brandId missing", p -> p.remove("brandId"), "field 'payload.brandId' is missing"),
                payload("currencyCode not a string", p -> p.put("currencyCode", 978), "field 'payload.currencyCode' must be a string, got number 978"),
                payload("type outside its list", p -> p.put("type", "WITHDRAWAL"),
                        "field 'payload.type' has value \"WITHDRAWAL\", not one of [BALANCE, BET, DEPOSIT, LOSS, SESSION]"),
                payload("period outside its list", p -> p.put("period", "YEAR"),
                        "field 'payload.period' has value \"YEAR\", not one of [CALENDAR_DAY, CALENDAR_WEEK, CALENDAR_MONTH, DAY, WEEK, MONTH, INDEFINITE, INSTANCE]"),
                payload("status outside its list", p -> p.put("status", "PAUSED"),
                        "field 'payload.status' has value \"PAUSED\", not one of [ACTIVE, CANCELED, FUTURE, IN_COOLDOWN]"),
                payload("value not a decimal", p -> p.put("value", "12,5"), "field 'payload.value' is not a decimal: \"12,5\""),
                payload("value exponent", p -> p.put("value", "1e3"), "field 'payload.value' is not a decimal: \"1e3\""),
                payload("value a JSON number", p -> p.put("value", 200), "field 'payload.value' must be a decimal string, got number 200"),
                payload("value negative", p -> p.put("value", "-1"), "field 'payload.value' must be >= 0, got -1"),
                payload("activeFrom missing", p -> p.remove("activeFrom"), "field 'payload.activeFrom' is missing"),
                payload("nextResetTime not an integer", p -> p.put("nextResetTime", "soon"),
                        "field 'payload.nextResetTime' must be an integer, got string \"soon\""),
                payload("previousLimitValue not a decimal", p -> p.put("previousLimitValue", "abc"),
                        "field 'payload.previousLimitValue' is not a decimal: \"abc\""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidRecords")
    void rejectsInvalidRecords(String name, String json, String expectedError) {
        ParsedRecord r = parse(json);
        assertThat(r.kind).isEqualTo(ParsedRecord.Kind.INVALID);
        Rejection d = r.invalid;
        assertThat(d.error).isEqualTo(expectedError);
        assertThat(new String(d.record, StandardCharsets.UTF_8)).isEqualTo(json);
        assertThat(d.source).isEqualTo(SOURCE);
        assertThat(d.rejectedAt).isEqualTo(42L);
    }

    @Test
    void progressAndResetPayloadRules() {
        ObjectNode p = progress("e", "u1", "l", 1, 1, "0", "x");
        assertThat(Events.parse(p).invalid.error).isEqualTo("field 'payload.amount' is not a decimal: \"x\"");
        p = progress("e", "u1", "l", 1, 1, "0", "1");
        ((ObjectNode) p.get("payload")).remove("previousProgress");
        assertThat(Events.parse(p).invalid.error).isEqualTo("field 'payload.previousProgress' is missing");
        ObjectNode r = reset("e", "u1", "l", 1, 1);
        ((ObjectNode) r.get("payload")).remove("unusedAmount");
        assertThat(Events.parse(r).invalid.error).isEqualTo("field 'payload.unusedAmount' is missing");
        r = reset("e", "u1", "l", 1, 1);
        ((ObjectNode) r.get("payload")).put("period", "FORTNIGHT");
        assertThat(Events.parse(r).invalid.error).startsWith("field 'payload.period' has value \"FORTNIGHT\"");
    }

    @Test
    void rejectionKeepsWhatCouldBeRead() {
        ObjectNode node = created("e9", "u7", "lim-1", 12, 1_000, "oops");
        Rejection d = Events.parse(node).invalid;
        assertThat(d.eventId).isEqualTo("e9");
        assertThat(d.type).isEqualTo("USER_LIMIT_CREATED");
        assertThat(d.userId).isEqualTo("u7");
        assertThat(d.sequenceNumber).isEqualTo(12L);
    }

    @Test
    void invalidUtf8IsADeadLetterWithTheOriginalBytes() {
        byte[] bytes = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        ParsedRecord r = EventParser.parse(bytes, SOURCE, 1);
        assertThat(r.kind).isEqualTo(ParsedRecord.Kind.INVALID);
        assertThat(r.invalid.error).startsWith("record is not valid JSON");
        assertThat(r.invalid.record).isEqualTo(bytes);
    }

    private static Arguments raw(String name, String json, String error) {
        return Arguments.of(name, json, error);
    }

    private static Arguments edit(String name, Consumer<ObjectNode> change, String error) {
        ObjectNode node = created("e1", "u1", "lim-1", 7, 1_000, "500");
        change.accept(node);
        return Arguments.of(name, node.toString(), error);
    }

    private static Arguments payload(String name, Consumer<ObjectNode> change, String error) {
        return edit(name, n -> change.accept((ObjectNode) n.get("payload")), error);
    }
}
