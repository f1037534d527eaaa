package com.rglimits.sink;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.connector.base.sink.writer.AsyncSinkWriterStateSerializer;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Checkpointed buffer of {@link LimitsDynamoDbSink}: each entry is written as its item, explicitly,
 * no Java serialization of SDK objects.
 *
 * <p>Version 1, per entry: {@code int} attribute count, then per attribute the name, a type byte
 * ({@code 'S'} or {@code 'N'}) and the value; strings as {@code int} length plus UTF-8 bytes.
 * The key and the version are read back from the item.
 */
public final class LimitPutStateSerializer extends AsyncSinkWriterStateSerializer<LimitPut> {
    static final int VERSION = 1;
    private static final byte STRING = 'S';
    private static final byte NUMBER = 'N';
    /** Sanity bound while reading: an item has a few dozen attributes at most (400 KB max size). */
    private static final int MAX_ATTRIBUTES = 10_000;
    private static final int MAX_STRING_BYTES = 400 * 1024;

    @Override
    public int getVersion() {
        return VERSION;
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
        int count = in.readInt();
        if (count < 0 || count > MAX_ATTRIBUTES) {
            throw new IOException("corrupt sink state: attribute count " + count);
        }
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

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static String readString(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > MAX_STRING_BYTES) {
            throw new IOException("corrupt sink state: string length " + length);
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
