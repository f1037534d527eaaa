package com.rglimits.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import java.util.Locale;

/** A record read into Jackson's tree: every field, with what a rejection says about a value of the wrong type. */
final class TreeFields extends RecordFields {
    private final JsonNode root;

    TreeFields(JsonNode root) {
        this.root = root;
    }

    @Override
    String text(RecordField field, String expected) throws InvalidEventException {
        JsonNode node = present(field);
        if (node == null) {
            return null;
        }
        if (!node.isTextual()) {
            throw wrongType(field, expected, node);
        }
        return node.textValue();
    }

    @Override
    Long integer(RecordField field) throws InvalidEventException {
        JsonNode node = present(field);
        if (node == null) {
            return null;
        }
        if (!isLong(node)) {
            throw wrongType(field, "an integer", node);
        }
        return node.longValue();
    }

    @Override
    boolean object(RecordField field) throws InvalidEventException {
        JsonNode node = present(field);
        if (node != null && !node.isObject()) {
            throw wrongType(field, "an object", node);
        }
        return node != null;
    }

    @Override
    String stringOrNull(RecordField field) {
        JsonNode node = node(field);
        return node != null && node.isTextual() ? node.textValue() : null;
    }

    @Override
    Long integerOrNull(RecordField field) {
        JsonNode node = node(field);
        return node != null && isLong(node) ? node.longValue() : null;
    }

    private static boolean isLong(JsonNode node) {
        return node.isIntegralNumber() && node.canConvertToLong();
    }

    private JsonNode node(RecordField field) {
        JsonNode parent = field.inPayload ? root.get(RecordField.PAYLOAD.name) : root;
        return parent == null ? null : parent.get(field.name);
    }

    /** JSON null counts as absent. */
    private JsonNode present(RecordField field) {
        JsonNode node = node(field);
        return node == null || node.isNull() ? null : node;
    }

    private static InvalidEventException wrongType(RecordField field, String expected, JsonNode actual) {
        return new InvalidEventException("field '" + field.path + "' must be " + expected + ", got " + describe(actual));
    }

    static String describe(JsonNode node) {
        JsonNodeType t = node.getNodeType();
        switch (t) {
            case STRING:
                return "string \"" + EventParser.abbreviate(node.textValue()) + "\"";
            case NUMBER:
                return "number " + node.asText();
            case BOOLEAN:
                return "boolean " + node.asText();
            default:
                return t.name().toLowerCase(Locale.ROOT);
        }
    }
}
