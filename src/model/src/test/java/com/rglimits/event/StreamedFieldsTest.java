package com.rglimits.event;

import static com.rglimits.testing.Events.created;
import static com.rglimits.testing.Events.progress;
import static com.rglimits.testing.Events.reset;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rglimits.testing.Events;
import com.rglimits.testing.ProjectFiles;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The parser reads a record in one streaming pass and falls back to Jackson's tree where that pass
 * declines. The pass must give exactly what the tree gives wherever it answers, and answer for the
 * records of a real stream.
 */
class StreamedFieldsTest {
    private static final RecordSource SOURCE = RecordSource.kinesis("in", "shardId-000000000001", "4958");
    private static final long NOW = 1_800_000_000_000L;
    private static final long MAX_AHEAD = 300_000;

    private static ParsedRecord streamed(byte[] raw) {
        return EventParser.parseStreamed(raw, SOURCE, NOW, MAX_AHEAD);
    }

    private static ParsedRecord tree(byte[] raw) {
        return EventParser.parseTree(raw, SOURCE, NOW, MAX_AHEAD);
    }

    private static void assertSameRecord(ParsedRecord actual, ParsedRecord expected, String record) {
        assertThat(actual).as(record)
                .usingRecursiveComparison()
                .withEqualsForType(BigDecimal::equals, BigDecimal.class)
                .isEqualTo(expected);
    }

    private static byte[] utf8(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    /** The sample file's records, and every field each type can carry, in other orders and with unknown fields. */
    private static List<byte[]> validRecords() throws Exception {
        List<byte[]> records = new ArrayList<>();
        for (JsonNode node : Events.MAPPER.readTree(Files.readAllBytes(ProjectFiles.path("data/sample-events.json")))) {
            records.add(utf8(node.toString()));
        }
        ObjectNode everyField = created("e1", "u1", "lim-1", 7, 1_000, "500.25");
        ((ObjectNode) everyField.get("payload")).put("activeUntil", 9_000).put("previousLimitValue", "400");
        records.add(Events.bytes(everyField));
        ObjectNode withRemaining = progress("e2", "u1", "lim-1", 8, 2_000, "120.50", "79.50");
        ((ObjectNode) withRemaining.get("payload")).put("remainingAmount", "0.01");
        records.add(Events.bytes(withRemaining));
        ObjectNode withPercentage = reset("e3", "u1", "lim-1", 9, 3_000);
        ((ObjectNode) withPercentage.get("payload")).put("resetPercentage", "12.5");
        records.add(Events.bytes(withPercentage));
        records.add(Events.bytes(Events.envelope("x1", "LIMIT_USER_CREATED", "u1", 3, 4_000)));
        records.add(utf8("{\"eventId\":\"x2\",\"type\":\"SESSION_STARTED\",\"payload\":{\"userId\":\"u2\"},\"sequenceNumber\":4}"));
        records.add(utf8("{\"type\":\"OTHER\",\"eventId\":\"x3\"}"));
        ObjectNode unknownEverywhere = created("é-1", "ü\uD83D\uDE00", "lim-\u00e9", 10, 5_000, "0.00");
        unknownEverywhere.putArray("tags").add(1).add(2.5e300).add(true).addNull().addObject().put("k", "v");
        unknownEverywhere.putObject("context").put("correlationId", "c-1").putArray("path").add("a");
        ((ObjectNode) unknownEverywhere.get("payload")).put("jurisdiction", "MGA").put("weight", -0.5);
        records.add(Events.bytes(unknownEverywhere));
        records.add(utf8("{\"payload\":{\"value\":\"1\",\"status\":\"FUTURE\",\"period\":\"MONTH\",\"type\":\"LOSS\","
                + "\"activeFrom\":0,\"currencyCode\":\"GBP\",\"brandId\":\"b\",\"userLimitId\":\"l\",\"userId\":\"u\"},"
                + "\"createdAt\":-5,\"sequenceNumber\":0,\"eventId\":\"e\\u0041\",\"type\":\"USER_LIMIT_CREATED\"}"));
        return records;
    }

    @Test
    void everyValidRecordIsReadInOnePassAsTheTreeReadsIt() throws Exception {
        List<byte[]> records = validRecords();
        for (byte[] raw : records) {
            String record = new String(raw, StandardCharsets.UTF_8);
            ParsedRecord streamed = streamed(raw);
            assertThat(streamed).as(record).isNotNull();
            assertThat(streamed.kind).as(record).isNotEqualTo(ParsedRecord.Kind.INVALID);
            assertSameRecord(streamed, tree(raw), record);
        }
        assertThat(records).hasSize(20);
    }

    /** Every record the parser's tests reject, and values whose reading the pass leaves to the tree. */
    @Test
    void whatTheTreeMustJudgeIsLeftToIt() {
        List<byte[]> records = new ArrayList<>();
        EventParserTest.invalidRecords().forEach(a -> records.add(utf8((String) a.get()[1])));
        String valid = created("e1", "u1", "lim-1", 7, 1_000, "500").toString();
        String body = valid.substring(1);
        byte[] eventIdTwice = utf8("{\"eventId\":\"e0\"," + body);
        records.add(eventIdTwice);
        records.add(utf8("{\"payload\":{\"userId\":\"u1\"}," + body));
        records.add(utf8("{\"sequenceNumber\":7.0," + body.replace("\"sequenceNumber\":7,", "")));
        records.add(utf8("{\"sequenceNumber\":92233720368547758070," + body.replace("\"sequenceNumber\":7,", "")));
        records.add(utf8(valid.replace("\"lim-1\"", "null")));
        records.add(utf8(valid + " " + valid));
        records.add(Events.bytes(created("e2", "u1", "lim-1", 7, NOW + MAX_AHEAD + 1, "5")));
        records.add(utf8("{\"eventId\":\"x\",\"type\":\"LIMIT_USER_CREATED\",\"createdAt\":\"soon\",\"payload\":{}}"));
        records.add(utf8("{\"eventId\":\"x\",\"type\":\"LIMIT_USER_CREATED\",\"payload\":[\"u1\"]}"));
        byte[] brokenUtf8 = utf8("{\"note\":\"??\"," + body);
        brokenUtf8[9] = (byte) 0xC3;
        brokenUtf8[10] = (byte) 0x28;
        records.add(brokenUtf8);
        byte[] deep = utf8("{\"deep\":" + "[".repeat(2_000) + "]".repeat(2_000) + "," + body);
        records.add(deep);
        for (byte[] raw : records) {
            assertThat(streamed(raw)).as(new String(raw, StandardCharsets.UTF_8)).isNull();
        }
        assertThat(EventParser.parse(eventIdTwice, SOURCE, NOW, MAX_AHEAD).event.eventId)
                .as("the tree keeps the last of a field given twice").isEqualTo("e1");
        assertThat(EventParser.parse(brokenUtf8, SOURCE, NOW, MAX_AHEAD).invalid.error)
                .startsWith("record is not valid JSON: Invalid UTF-8");
        assertThat(EventParser.parse(deep, SOURCE, NOW, MAX_AHEAD).invalid.error)
                .startsWith("record is not valid JSON: Document nesting depth (1001) exceeds the maximum allowed");
    }

    /**
     * Valid records with bytes deleted, inserted, replaced or repeated: wherever the pass answers, it
     * answers what the tree does. Both outcomes must be common, or this would test nothing.
     */
    @Test
    void damagedRecordsReadTheSameEitherWay() throws Exception {
        List<byte[]> valid = validRecords();
        byte[] alphabet = utf8("{}[]\":,.-+0123456789eE \\ntrufals\u00e9");
        Random random = new Random(26);
        int answered = 0;
        int declined = 0;
        for (int i = 0; i < 15_000; i++) {
            byte[] raw = damage(valid.get(random.nextInt(valid.size())), alphabet, random);
            String record = new String(raw, StandardCharsets.UTF_8);
            ParsedRecord streamed = streamed(raw);
            ParsedRecord tree = tree(raw);
            if (streamed == null) {
                declined++;
                continue;
            }
            answered++;
            assertSameRecord(streamed, tree, record);
            assertSameRecord(EventParser.parse(raw, SOURCE, NOW, MAX_AHEAD), tree, record);
        }
        assertThat(answered).isGreaterThan(2_000);
        assertThat(declined).isGreaterThan(2_000);
    }

    private static byte[] damage(byte[] raw, byte[] alphabet, Random random) {
        byte[] out = raw.clone();
        for (int edits = 1 + random.nextInt(2); edits > 0; edits--) {
            int at = random.nextInt(out.length);
            switch (random.nextInt(4)) {
                case 0:
                    out = splice(out, at, 1 + random.nextInt(4), new byte[0]);
                    break;
                case 1:
                    out = splice(out, at, 0, new byte[] {alphabet[random.nextInt(alphabet.length)]});
                    break;
                case 2:
                    out[at] = alphabet[random.nextInt(alphabet.length)];
                    break;
                default:
                    int length = Math.min(out.length - at, 1 + random.nextInt(40));
                    byte[] repeated = new byte[length];
                    System.arraycopy(out, at, repeated, 0, length);
                    out = splice(out, at, 0, repeated);
                    break;
            }
        }
        return out;
    }

    private static byte[] splice(byte[] raw, int at, int remove, byte[] insert) {
        int removed = Math.min(remove, raw.length - at);
        byte[] out = new byte[raw.length - removed + insert.length];
        System.arraycopy(raw, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(raw, at + removed, out, at + insert.length, raw.length - at - removed);
        return out;
    }
}
