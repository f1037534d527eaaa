package com.rglimits.event;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * The string encoding of the hand-written serializers ({@link LimitEventSerializer},
 * {@code UserStateSerializer}): the UTF-8 bytes after a variable-length count of them plus one, or,
 * for a string UTF-8 cannot carry unchanged (an unpaired surrogate), a zero and the string with
 * {@link StringValue} (UTF-16 code units). Part of both formats: change it only with both format versions.
 */
public final class WireStrings {
    private WireStrings() {}

    /**
     * The JDK encodes and decodes an ASCII string's UTF-8 as a copy of its bytes; {@link StringValue}
     * goes character by character, which was most of LimitEventSerializer's time.
     */
    public static void write(String s, DataOutputView out) throws IOException {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        if (count(utf8) == count(s)) {
            writeLength(utf8.length + 1, out);
            out.write(utf8);
        } else {
            writeLength(0, out);
            StringValue.writeString(s, out);
        }
    }

    public static String read(DataInputView in) throws IOException {
        int length = readLength(in);
        if (length == 0) {
            return StringValue.readString(in);
        }
        byte[] utf8 = new byte[length - 1];
        in.readFully(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }

    /**
     * UTF-8 encoding replaces an unpaired surrogate with '?': as many '?' in the bytes as in the
     * string means nothing was replaced. Most strings have none, and the string is not scanned then.
     */
    private static int count(byte[] utf8) {
        int n = 0;
        for (byte b : utf8) {
            n += b == '?' ? 1 : 0;
        }
        return n;
    }

    private static int count(String s) {
        int n = 0;
        for (int i = s.indexOf('?'); i >= 0; i = s.indexOf('?', i + 1)) {
            n++;
        }
        return n;
    }

    /**
     * A non-negative count (a string's length here, a list's size in UserStateSerializer): seven
     * bits per byte, low first, the high bit set on every byte but the last.
     */
    public static void writeLength(int n, DataOutputView out) throws IOException {
        writeVarLong(Integer.toUnsignedLong(n), out);
    }

    public static int readLength(DataInputView in) throws IOException {
        return (int) readVarLong(in);
    }

    /** The same encoding for a long (user-state format 3 writes its numbers so, zig-zag where they may be negative). */
    public static void writeVarLong(long n, DataOutputView out) throws IOException {
        while ((n & ~0x7FL) != 0) {
            out.writeByte((int) (n & 0x7F) | 0x80);
            n >>>= 7;
        }
        out.writeByte((int) n);
    }

    public static long readVarLong(DataInputView in) throws IOException {
        long n = 0;
        for (int shift = 0; ; shift += 7) {
            int b = in.readUnsignedByte();
            n |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return n;
            }
        }
    }
}
