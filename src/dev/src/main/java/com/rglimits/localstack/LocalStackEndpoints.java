package com.rglimits.localstack;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Where the running local stack serves, written by it when it is up and removed when it stops,
 * so that the producer, the watcher and the subscriber tool (started from the same directory)
 * follow its {@code --port} and {@code --sqs-port} without being told; their own options still win.
 */
final class LocalStackEndpoints {
    /** Relative to the project directory, where the stack (exec:exec) and the tools (exec:java) run. */
    static final Path FILE = Path.of("target", "local-stack", "endpoints.properties");
    private static final String AWS = "aws.endpoint";
    private static final String SQS = "sqs.endpoint";

    final URI aws;
    final URI sqs;

    LocalStackEndpoints(URI aws, URI sqs) {
        this.aws = aws;
        this.sqs = sqs;
    }

    /** The stack's defaults: what a stack started without port options serves. */
    static LocalStackEndpoints defaults() {
        return new LocalStackEndpoints(URI.create("http://127.0.0.1:" + LocalStack.DEFAULT_PORT),
                URI.create("http://127.0.0.1:" + LocalStack.DEFAULT_SQS_PORT));
    }

    /** The running stack's, as it wrote them in {@code file}; the defaults when there is none. */
    static LocalStackEndpoints current(Path file) {
        if (!Files.isRegularFile(file)) {
            return defaults();
        }
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        LocalStackEndpoints d = defaults();
        return new LocalStackEndpoints(URI.create(p.getProperty(AWS, d.aws.toString())),
                URI.create(p.getProperty(SQS, d.sqs.toString())));
    }

    void write(Path file) {
        Properties p = new Properties();
        p.setProperty(AWS, aws.toString());
        p.setProperty(SQS, sqs.toString());
        try {
            Files.createDirectories(file.getParent());
            try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                p.store(out, "written by the running local stack (LocalStack), removed when it stops");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
