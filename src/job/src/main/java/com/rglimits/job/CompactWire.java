package com.rglimits.job;

import com.rglimits.event.WireStrings;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * The compact encodings of {@link UserStateSerializer}'s format 3, for a value that is read and
 * written once per event at millions of users, where every byte is read from disk, flushed and
 * compacted again: numbers as variable-length integers, and the identifiers that upstream services
 * generate (hex digits, UUIDs) as their bytes rather than their characters. Part of that format:
 * change it only with a new format version.
 */
final class CompactWire {
    // The kinds of string, in the low three bits of its header.
    private static final int UTF8 = 0;
    private static final int LOWER_HEX = 1;
    private static final int UPPER_HEX = 2;
    private static final int LOWER_UUID = 3;
    private static final int UPPER_UUID = 4;
    /** A string UTF-8 cannot carry unchanged (an unpaired surrogate): {@link StringValue}'s UTF-16 code units. */
    private static final int UTF16 = 5;
    private static final int KIND_BITS = 3;

    // The cases of hex digits a string can be read in.
    private static final int NONE = 0;
    private static final int LOWER = 1;
    private static final int UPPER = 2;
    /** Digits alone, which both cases can carry. */
    private static final int EITHER = LOWER | UPPER;

    private static final int UUID_LENGTH = 36;
    private static final char[] LOWER_DIGITS = "0123456789abcdef".toCharArray();
    private static final char[] UPPER_DIGITS = "0123456789ABCDEF".toCharArray();

    private CompactWire() {}

    /** Zig-zag, so that small negative numbers (a timestamp before another) are short too. */
    static void writeSigned(long n, DataOutputView out) throws IOException {
        WireStrings.writeVarLong((n << 1) ^ (n >> 63), out);
    }

    static long readSigned(DataInputView in) throws IOException {
        long z = WireStrings.readVarLong(in);
        return (z >>> 1) ^ -(z & 1);
    }

    /**
     * A header (its kind in the low three bits, the length above them, left out for a UUID), then:
     * hex digits of one case two to a byte (an odd last digit in a byte of its own); a UUID of one
     * case as its 16 bytes; any other string as its UTF-8 bytes, or as UTF-16 code units when UTF-8
     * cannot carry it unchanged.
     */
    static void writeString(String s, DataOutputView out) throws IOException {
        int length = s.length();
        int uuidCase = length == UUID_LENGTH ? uuidCase(s) : NONE;
        if (uuidCase != NONE) {
            WireStrings.writeVarLong(uuidCase == LOWER ? LOWER_UUID : UPPER_UUID, out);
            for (int i = 0; i < UUID_LENGTH; ) {
                if (s.charAt(i) == '-') {
                    i++;
                    continue;
                }
                out.writeByte(digit(s.charAt(i)) << 4 | digit(s.charAt(i + 1)));
                i += 2;
            }
            return;
        }
        int hexCase = hexCase(s);
        if (hexCase != NONE) {
            WireStrings.writeVarLong((long) length << KIND_BITS | (hexCase == LOWER ? LOWER_HEX : UPPER_HEX), out);
            for (int i = 0; i < length; i += 2) {
                out.writeByte(digit(s.charAt(i)) << 4 | (i + 1 < length ? digit(s.charAt(i + 1)) : 0));
            }
            return;
        }
        if (!hasUnpairedSurrogate(s)) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            WireStrings.writeVarLong((long) utf8.length << KIND_BITS | UTF8, out);
            out.write(utf8);
        } else {
            WireStrings.writeVarLong(UTF16, out);
            StringValue.writeString(s, out);
        }
    }

    static String readString(DataInputView in) throws IOException {
        long header = WireStrings.readVarLong(in);
        int kind = (int) (header & ((1 << KIND_BITS) - 1));
        int length = (int) (header >>> KIND_BITS);
        switch (kind) {
            case UTF8:
                byte[] utf8 = new byte[length];
                in.readFully(utf8);
                return new String(utf8, StandardCharsets.UTF_8);
            case LOWER_HEX:
            case UPPER_HEX:
                return readHex(in, length, kind == LOWER_HEX ? LOWER_DIGITS : UPPER_DIGITS);
            case LOWER_UUID:
            case UPPER_UUID:
                return readUuid(in, kind == LOWER_UUID ? LOWER_DIGITS : UPPER_DIGITS);
            case UTF16:
                return StringValue.readString(in);
            default:
                throw new IOException("unknown string kind " + kind + " in a user-state value");
        }
    }

    /** What UTF-8 would replace with '?'. */
    private static boolean hasUnpairedSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    private static String readHex(DataInputView in, int length, char[] digits) throws IOException {
        char[] chars = new char[length];
        for (int i = 0; i < length; i += 2) {
            int b = in.readUnsignedByte();
            chars[i] = digits[b >>> 4];
            if (i + 1 < length) {
                chars[i + 1] = digits[b & 0xF];
            }
        }
        return new String(chars);
    }

    private static String readUuid(DataInputView in, char[] digits) throws IOException {
        char[] chars = new char[UUID_LENGTH];
        for (int i = 0; i < UUID_LENGTH; ) {
            if (isUuidDash(i)) {
                chars[i++] = '-';
                continue;
            }
            int b = in.readUnsignedByte();
            chars[i] = digits[b >>> 4];
            chars[i + 1] = digits[b & 0xF];
            i += 2;
        }
        return new String(chars);
    }

    /** Whether the string is hex digits of one case, and which; an empty string is not. */
    private static int hexCase(String s) {
        int cases = s.isEmpty() ? NONE : EITHER;
        for (int i = 0; i < s.length() && cases != NONE; i++) {
            cases &= caseOf(s.charAt(i));
        }
        return cases == EITHER ? LOWER : cases;
    }

    /** Whether a 36-character string is a UUID (8-4-4-4-12 hex digits) of one case, and which. */
    private static int uuidCase(String s) {
        int cases = EITHER;
        for (int i = 0; i < UUID_LENGTH && cases != NONE; i++) {
            char c = s.charAt(i);
            if (isUuidDash(i)) {
                cases = c == '-' ? cases : NONE;
            } else {
                cases &= caseOf(c);
            }
        }
        return cases == EITHER ? LOWER : cases;
    }

    private static boolean isUuidDash(int i) {
        return i == 8 || i == 13 || i == 18 || i == 23;
    }

    /** The cases a hex digit can be written in: a decimal digit either, a letter its own, anything else none. */
    private static int caseOf(char c) {
        if (c >= '0' && c <= '9') {
            return EITHER;
        }
        if (c >= 'a' && c <= 'f') {
            return LOWER;
        }
        return c >= 'A' && c <= 'F' ? UPPER : NONE;
    }

    private static int digit(char c) {
        return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
    }

    /**
     * The scale and whether the unscaled value fits a long, in one header; then that value zig-zag, or
     * its two's complement bytes after their count.
     */
    static void writeDecimal(BigDecimal d, DataOutputView out) throws IOException {
        BigInteger unscaled = d.unscaledValue();
        boolean big = unscaled.bitLength() > 63;
        writeSigned((long) d.scale() << 1 | (big ? 1 : 0), out);
        if (big) {
            byte[] bytes = unscaled.toByteArray();
            WireStrings.writeLength(bytes.length, out);
            out.write(bytes);
        } else {
            writeSigned(unscaled.longValue(), out);
        }
    }

    static BigDecimal readDecimal(DataInputView in) throws IOException {
        long header = readSigned(in);
        int scale = (int) (header >> 1);
        if ((header & 1) == 0) {
            return BigDecimal.valueOf(readSigned(in), scale);
        }
        byte[] bytes = new byte[WireStrings.readLength(in)];
        in.readFully(bytes);
        return new BigDecimal(new BigInteger(bytes), scale);
    }
}
