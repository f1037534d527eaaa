package com.rglimits.subscribe;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.base.sink.writer.AsyncSinkWriterStateSerializer;

/**
 * Checkpointed buffer of {@link SqsFifoSink}. Version 1, per entry: subscriber, queue URL, group,
 * message id, body (each an {@code int} length and UTF-8 bytes), then the {@code long} sequence
 * number.
 */
public final class DeliveryStateSerializer extends AsyncSinkWriterStateSerializer<Delivery> {
    static final int VERSION = 1;
    /** Sanity bound while reading: an SQS message is at most 256 KB. */
    private static final int MAX_STRING_BYTES = 1024 * 1024;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    protected void serializeRequestToStream(Delivery d, DataOutputStream out) throws IOException {
        writeString(out, d.subscriber);
        writeString(out, d.queueUrl);
        writeString(out, d.groupId);
        writeString(out, d.messageId);
        writeString(out, d.body);
        out.writeLong(d.sequenceNumber);
    }

    @Override
    protected Delivery deserializeRequestFromStream(long requestSize, DataInputStream in) throws IOException {
        Delivery d = new Delivery();
        d.subscriber = readString(in);
        d.queueUrl = readString(in);
        d.groupId = readString(in);
        d.messageId = readString(in);
        d.body = readString(in);
        d.sequenceNumber = in.readLong();
        return d;
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
