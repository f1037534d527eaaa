package com.rglimits.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigDecimal;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The encodings of user-state format 3: each kind of string, number and decimal, and what it costs. */
class CompactWireTest {

    /** A string, and the bytes it takes (header included). */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "00005f0000000000000186a0|14", // lower hex: two digits to a byte, after a 2-byte header
        "00006A000000000000C35001|14", // upper hex
        "0123456789|6", // digits alone: hex
        "abc|3", // odd length: the last byte half used
        "aBc|4", // mixed case: UTF-8
        "1b2c3d4e-0001-4000-8000-00000000a0b1|17", // a UUID: 16 bytes
        "1B2C3D4E-0001-4000-8000-00000000A0B1|17",
        "1b2c3d4e-0001-4000-8000-00000000A0B1|38", // mixed case: UTF-8
        "1b2c3d4e0-001-4000-8000-00000000a0b1|38", // a dash out of place: UTF-8
        "1b2c3d4e-0001-4000-8000-00000000a0bg|38", // not a digit
        "ev-0040|8",
        "EUR|4",
        "Zürich €|12",
        "ev-😀-Ⅻ|12",
    })
    void stringsRoundTripInTheirBytes(String s, int bytes) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        CompactWire.writeString(s, out);

        assertThat(read(out)).isEqualTo(s);
        assertThat(out.length()).isEqualTo(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "user-\uD83D", "a?\uDC00?", "\uDC00\uD800", "?"})
    void emptyStringsLoneSurrogatesAndQuestionMarksRoundTrip(String s) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        CompactWire.writeString(s, out);

        assertThat(read(out)).isEqualTo(s).hasSize(s.length());
    }

    /** A number, and the bytes it takes: zig-zag, so that a small negative one is short too. */
    @ParameterizedTest
    @CsvSource({"0,1", "1,1", "-1,1", "63,1", "-64,1", "64,2", "-65,2", "1718000000000,6", "-1718000000000,6",
        "9223372036854775807,10", "-9223372036854775808,10"})
    void signedNumbersRoundTripInTheirBytes(long n, int bytes) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(16);
        CompactWire.writeSigned(n, out);

        assertThat(CompactWire.readSigned(new DataInputDeserializer(out.getCopyOfBuffer()))).isEqualTo(n);
        assertThat(out.length()).isEqualTo(bytes);
    }

    @ParameterizedTest
    @CsvSource({"0,2", "120.50,4", "-0.001,2", "1E+3,2", "9223372036854775807,11",
        "9223372036854775808,11", "-1234567890123456789012345678901234567890.0001,21"})
    void decimalsKeepValueAndScale(String decimal, int bytes) throws IOException {
        BigDecimal d = new BigDecimal(decimal);
        DataOutputSerializer out = new DataOutputSerializer(32);
        CompactWire.writeDecimal(d, out);

        BigDecimal back = CompactWire.readDecimal(new DataInputDeserializer(out.getCopyOfBuffer()));
        assertThat(back.toString()).isEqualTo(d.toString());
        assertThat(out.length()).isEqualTo(bytes);
    }

    @Test
    void anUnknownKindOfStringIsAnError() {
        assertThatThrownBy(() -> CompactWire.readString(new DataInputDeserializer(new byte[] {7})))
                .isInstanceOf(IOException.class)
                .hasMessage("unknown string kind 7 in a user-state value");
    }

    private static String read(DataOutputSerializer out) throws IOException {
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        String s = CompactWire.readString(in);
        assertThat(in.available()).as("bytes left unread").isZero();
        return s;
    }
}
