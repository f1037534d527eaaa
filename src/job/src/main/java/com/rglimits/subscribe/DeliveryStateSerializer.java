package com.rglimits.subscribe;

import com.rglimits.sink.BoundedStateSerializer;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * Checkpointed buffer of {@link SqsFifoSink}. Version 1, per entry: subscriber, queue URL, group,
 * message id, body (each an {@code int} length and UTF-8 bytes), then the {@code long} sequence
 * number.
 */
public final class DeliveryStateSerializer extends BoundedStateSerializer<Delivery> {
    static final int VERSION = 1;
    /** Sanity bound while reading: an SQS message is at most 256 KB. */
    private static final int MAX_STRING_BYTES = 1024 * 1024;

    public DeliveryStateSerializer() {
        super(VERSION, MAX_STRING_BYTES);
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
}
