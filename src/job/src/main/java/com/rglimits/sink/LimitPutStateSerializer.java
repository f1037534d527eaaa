package com.rglimits.sink;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Checkpointed buffer of {@link LimitsDynamoDbSink}: each entry is written as its item, explicitly,
 * no Java serialization of SDK objects.
 *
 * <p>Version 1, per entry: {@code int} attribute count, then per attribute the name, a type byte
 * ({@code 'S'} or {@code 'N'}) and the value; strings as {@code int} length plus UTF-8 bytes.
 * The key and the version are read back from the item.
 */
public final class LimitPutStateSerializer extends BoundedStateSerializer<LimitPut> {
    static final int VERSION = 1;
    private static final byte STRING = 'S';
    private static final byte NUMBER = 'N';
    /** Sanity bounds while reading: an item has a few dozen attributes at most, and 400 KB. */
    private static final int MAX_ATTRIBUTES = 10_000;
    private static final int MAX_STRING_BYTES = 400 * 1024;

    public LimitPutStateSerializer() {
        super(VERSION, MAX_STRING_BYTES);
    }

    @Override
    protected void serializeRequestToStream(LimitPut put, DataOutputStream out) throws IOException {
        Map<String, AttributeValue> item = put.item();
        out.writeInt(item.size());
        for (Map.Entry<String, AttributeValue> e : item.entrySet()) {
            AttributeValue v = e.getValue();
            writeString(out, e.getKey());
            if (v.s() != null) {
                out.writeByte(STRING);
                writeString(out, v.s());
            } else if (v.n() != null) {
                out.writeByte(NUMBER);
                writeString(out, v.n());
            } else {
                throw new IOException("cannot checkpoint attribute " + e.getKey() + " of " + put
                        + ": only S and N attributes are supported, got " + v);
            }
        }
    }

    @Override
    protected LimitPut deserializeRequestFromStream(long requestSize, DataInputStream in) throws IOException {
        int count = readCount(in, MAX_ATTRIBUTES, "attribute count");
        Map<String, AttributeValue> item = new HashMap<>(count * 2);
        for (int i = 0; i < count; i++) {
            String name = readString(in);
            byte type = in.readByte();
            String value = readString(in);
            if (type == STRING) {
                item.put(name, AttributeValue.builder().s(value).build());
            } else if (type == NUMBER) {
                item.put(name, AttributeValue.builder().n(value).build());
            } else {
                throw new IOException("corrupt sink state: unknown attribute type " + type + " for " + name);
            }
        }
        try {
            return LimitPut.of(item);
        } catch (RuntimeException e) {
            throw new IOException("corrupt sink state: " + e.getMessage(), e);
        }
    }
}
