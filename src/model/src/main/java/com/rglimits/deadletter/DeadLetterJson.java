package com.rglimits.deadletter;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rglimits.event.RecordSource;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** The JSON form of a dead letter, as EVENTS.md gives it: one object, absent fields left out. */
public final class DeadLetterJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private DeadLetterJson() {}

    public static String toJson(DeadLetter d) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("reason", d.reason.name());
        o.put("error", d.error);
        String text = utf8OrNull(d.record);
        if (text != null) {
            o.put("record", text);
        } else {
            o.put("recordBase64", Base64.getEncoder().encodeToString(d.record));
        }
        putIfPresent(o, "eventId", d.eventId);
        putIfPresent(o, "type", d.type);
        putIfPresent(o, "userId", d.userId);
        if (d.sequenceNumber != null) {
            o.put("sequenceNumber", d.sequenceNumber);
        }
        if (d.source != null) {
            o.set("source", source(d.source));
        }
        o.put("deadLetteredAt", d.deadLetteredAt);
        return o.toString();
    }

    private static ObjectNode source(RecordSource s) {
        ObjectNode o = MAPPER.createObjectNode();
        putIfPresent(o, "stream", s.stream);
        putIfPresent(o, "shardId", s.shardId);
        putIfPresent(o, "sequenceNumber", s.sequenceNumber);
        putIfPresent(o, "file", s.file);
        if (s.line != null) {
            o.put("line", s.line);
        }
        if (s.element != null) {
            o.put("element", s.element);
        }
        return o;
    }

    private static void putIfPresent(ObjectNode o, String name, String value) {
        if (value != null) {
            o.put(name, value);
        }
    }

    private static String utf8OrNull(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
