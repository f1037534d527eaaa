package com.rglimits.deadletter;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.serialization.Encoder;

/** Writes dead letters as JSON Lines, for the file sink of local runs. */
public class DeadLetterEncoder implements Encoder<DeadLetter> {
    private static final long serialVersionUID = 1L;

    @Override
    public void encode(DeadLetter deadLetter, OutputStream stream) throws IOException {
        stream.write(DeadLetterJson.toJson(deadLetter).getBytes(StandardCharsets.UTF_8));
        stream.write('\n');
    }
}
