package com.rglimits.event;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The decimal encoding of the hand-written serializers ({@link LimitEventSerializer},
 * {@code UserStateSerializer}): the {@code int} scale, then the unscaled value as
 * {@link BigInteger#toByteArray()} with an {@code int} length. Part of both formats: change it only
 * with both format versions.
 */
public final class WireDecimals {
    private WireDecimals() {}

    public static void write(BigDecimal d, DataOutputView out) throws IOException {
        out.writeInt(d.scale());
        byte[] unscaled = d.unscaledValue().toByteArray();
        out.writeInt(unscaled.length);
        out.write(unscaled);
    }

    public static BigDecimal read(DataInputView in) throws IOException {
        int scale = in.readInt();
        int length = in.readInt();
        if (length <= Long.BYTES) {
            // toByteArray is the shortest two's complement, so up to 8 bytes fit a long: read it
            // without a byte array or a BigInteger (the amounts of real events all take this path).
            long unscaled = in.readByte(); // sign-extends
            for (int i = 1; i < length; i++) {
                unscaled = (unscaled << 8) | in.readUnsignedByte();
            }
            return BigDecimal.valueOf(unscaled, scale);
        }
        byte[] unscaled = new byte[length];
        in.readFully(unscaled);
        return new BigDecimal(new BigInteger(unscaled), scale);
    }
}
