package com.rglimits.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * A record read in one pass of Jackson's streaming parser, keeping only the fields the contract reads:
 * most of the parse's garbage and time is the tree's nodes and maps. It answers only where the answer is
 * certain to be the tree's: any value it would have to describe (JSON null, a wrong type, a field given
 * twice) makes it decline, and {@link EventParser} reads the record again as a tree, which says why.
 * Every other string and number is decoded as the tree decodes it, so that broken UTF-8 or a value over
 * Jackson's limits anywhere in the record fails here too.
 */
final class StreamedFields extends RecordFields {
    /** Thrown for a value this read does not judge; without a stack trace, and shared. */
    private static final InvalidEventException DECLINED = new InvalidEventException("declined: read it as a tree");

    private static final int FIELDS = RecordField.values().length;

    private final String[] strings = new String[FIELDS];
    private final long[] integers = new long[FIELDS];
    /** Bits by ordinal: the fields given, and those given with a value this read does not judge. */
    private int given;
    private int odd;

    private StreamedFields() {}

    /** The record's fields, or null when it is not one well-formed JSON object. */
    static StreamedFields read(JsonFactory factory, byte[] raw) {
        try (JsonParser parser = factory.createParser(raw)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            StreamedFields fields = new StreamedFields();
            fields.readObject(parser, false);
            return parser.nextToken() == null ? fields : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** The fields of an object whose START_OBJECT was the last token, through its END_OBJECT. */
    private void readObject(JsonParser parser, boolean payload) throws IOException {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            RecordField field = RecordField.named(parser.currentName(), payload);
            JsonToken value = parser.nextToken();
            if (field == null) {
                skip(parser, value);
            } else {
                take(field, parser, value);
            }
        }
    }

    private void take(RecordField field, JsonParser parser, JsonToken value) throws IOException {
        int bit = 1 << field.ordinal();
        if ((given & bit) != 0) {
            odd |= bit;
        }
        given |= bit;
        switch (field.kind) {
            case STRING:
                if (value == JsonToken.VALUE_STRING) {
                    strings[field.ordinal()] = parser.getText();
                    return;
                }
                break;
            case INTEGER:
                if (value == JsonToken.VALUE_NUMBER_INT && parser.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
                    integers[field.ordinal()] = parser.getLongValue();
                    return;
                }
                break;
            case OBJECT:
                if (value == JsonToken.START_OBJECT) {
                    if (field == RecordField.PAYLOAD) {
                        readObject(parser, true);
                    } else {
                        skip(parser, value);
                    }
                    return;
                }
                break;
            default:
                throw new IllegalStateException("unhandled kind " + field.kind);
        }
        odd |= bit;
        skip(parser, value);
    }

    /** Past a value the contract does not read, decoding its strings and numbers as the tree would. */
    private static void skip(JsonParser parser, JsonToken value) throws IOException {
        int depth = 0;
        for (JsonToken t = value; ; t = parser.nextToken()) {
            switch (t) {
                case START_OBJECT:
                case START_ARRAY:
                    depth++;
                    break;
                case END_OBJECT:
                case END_ARRAY:
                    depth--;
                    break;
                case VALUE_STRING:
                    parser.getText();
                    break;
                case VALUE_NUMBER_INT:
                case VALUE_NUMBER_FLOAT:
                    parser.getNumberValue();
                    break;
                default:
                    break;
            }
            if (depth == 0) {
                return;
            }
        }
    }

    /** Whether the field, and the payload it may sit in, were given once each with a value of their kind. */
    private void check(RecordField field) throws InvalidEventException {
        int bits = 1 << field.ordinal() | (field.inPayload ? 1 << RecordField.PAYLOAD.ordinal() : 0);
        if ((odd & bits) != 0) {
            throw DECLINED;
        }
    }

    private boolean given(RecordField field) {
        return (given & 1 << field.ordinal()) != 0;
    }

    @Override
    String text(RecordField field, String expected) throws InvalidEventException {
        check(field);
        return strings[field.ordinal()];
    }

    @Override
    Long integer(RecordField field) throws InvalidEventException {
        check(field);
        return given(field) ? integers[field.ordinal()] : null;
    }

    @Override
    boolean object(RecordField field) throws InvalidEventException {
        check(field);
        return given(field);
    }

    @Override
    String stringOrNull(RecordField field) throws InvalidEventException {
        return text(field, null);
    }

    @Override
    Long integerOrNull(RecordField field) throws InvalidEventException {
        return integer(field);
    }
}
