package com.rglimits.localaws;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EmulatorFrontTest {
    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void frontTurnsStreamArnIntoStreamName() {
        String body = "{\"StreamARN\":\"arn:aws:kinesis:us-east-1:000000000000:stream/events\",\"Limit\":5}";
        assertThat(text(EmulatorFront.rewrite(body.getBytes(StandardCharsets.UTF_8), "application/x-amz-json-1.1")))
                .isEqualTo("{\"Limit\":5,\"StreamName\":\"events\"}");
        assertThat(text(EmulatorFront.rewrite("{\"StreamName\":\"s\"}".getBytes(StandardCharsets.UTF_8), "application/x-amz-json-1.1")))
                .isEqualTo("{\"StreamName\":\"s\"}");
        byte[] cbor = {(byte) 0xbf, 1, 2};
        assertThat(EmulatorFront.rewrite(cbor, "application/x-amz-cbor-1.1")).isSameAs(cbor);
    }
}
