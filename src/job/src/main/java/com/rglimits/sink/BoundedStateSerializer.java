package com.rglimits.sink;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.base.sink.writer.AsyncSinkWriterStateSerializer;

/**
 * The checkpointed buffer of a sink on {@code AsyncSinkBase}: Flink's frame (the entries with
 * their sizes, {@link AsyncSinkWriterStateSerializer}) around entries each sink writes itself, with
 * the I/O they share: strings as an {@code int} length and UTF-8 bytes, and every length and count
 * checked against a bound while reading, so that corrupt state fails the restore with an
 * {@link IOException} instead of allocating whatever a broken length asks for.
 */
public abstract class BoundedStateSerializer<T extends Serializable> extends AsyncSinkWriterStateSerializer<T> {
    private final int version;
    private final int maxStringBytes;

    /**
     * @param version the version of the entries' format, stored with the state
     * @param maxStringBytes the longest string an entry can hold, in UTF-8 bytes
     */
    protected BoundedStateSerializer(int version, int maxStringBytes) {
        this.version = version;
        this.maxStringBytes = maxStringBytes;
    }

    @Override
    public final int getVersion() {
        return version;
    }

    protected static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    protected final String readString(DataInputStream in) throws IOException {
        byte[] bytes = new byte[readCount(in, maxStringBytes, "string length")];
        in.readFully(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** An {@code int} from 0 to {@code max}. */
    protected static int readCount(DataInputStream in, int max, String what) throws IOException {
        int count = in.readInt();
        if (count < 0 || count > max) {
            throw new IOException("corrupt sink state: " + what + " " + count);
        }
        return count;
    }
}
