package com.rglimits.localaws;

import java.net.URI;
import java.util.Map;

/**
 * The Kinesis emulator kinesalite (npm, MIT), in memory, for the local stack and the tests only.
 * The connector's FLIP-27 source needs it behind an {@link EmulatorFront}; see {@link LocalEmulators}.
 *
 * <p>Emulator quirks handled here (see PLATFORM.md): CBOR must be off in every AWS SDK client that
 * talks to kinesalite ({@code aws.cborEnabled=false}, set by {@link #disableCbor()}), the default
 * shard limit is too low for repeated runs, and it does not understand {@code StreamARN}.
 */
public final class Kinesalite implements AutoCloseable {
    private final NodeEmulator emulator;

    private Kinesalite(NodeEmulator emulator) {
        this.emulator = emulator;
    }

    /** Installs if needed and starts on a free loopback port. */
    public static Kinesalite start() throws Exception {
        disableCbor();
        return new Kinesalite(NodeEmulator.start("kinesalite", 0, Map.of(
                "createStreamMs", 50, "deleteStreamMs", 50, "updateStreamMs", 50, "shardLimit", 1000)));
    }

    /** EMULATOR QUIRK: kinesalite cuts CBOR responses over ~16 KB. Real Kinesis needs nothing of this. */
    public static void disableCbor() {
        System.setProperty("aws.cborEnabled", "false");
    }

    /** kinesalite itself (StreamName requests only). */
    public URI endpoint() {
        return emulator.endpoint();
    }

    @Override
    public void close() {
        emulator.close();
    }
}
