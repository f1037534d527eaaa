package com.rglimits.bench;

import com.rglimits.config.ConfigException;
import com.rglimits.config.ConfigReaders;
import com.rglimits.config.Settings;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the benchmark's generated events as an NDJSON file, to try the local run or the
 * producer at scale: {@code --events N --users N --out FILE}.
 */
public final class WriteEvents {
    private WriteEvents() {}

    public static void main(String[] args) {
        try {
            Settings s = ConfigReaders.fromArgs(args);
            int events = s.intValue("events", 100_000, 1);
            int users = s.intValue("users", 10_000, 1);
            Path out = Path.of(s.required("out"));
            s.rejectUnknown();
            write(BenchEvents.generate(events, users), out);
            System.out.println("wrote " + events + " events of " + users + " users to " + out);
        } catch (ConfigException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
        } catch (IOException e) {
            System.err.println("error: cannot write: " + e.getMessage());
            System.exit(1);
        }
    }

    static void write(BenchEvents events, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            for (byte[] record : events.records) {
                out.write(record);
                out.write('\n');
            }
        }
    }
}
