package com.rglimits.file;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rglimits.config.JobConfig;
import com.rglimits.deadletter.DeadLetter;
import com.rglimits.deadletter.DeadLetterEncoder;
import com.rglimits.event.ParsedRecord;
import com.rglimits.job.UserLimitsPipeline;
import com.rglimits.sink.LimitsDynamoDbSink;
import com.rglimits.subscribe.SubscriberConnectors;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.BasePathBucketAssigner;
import org.apache.flink.streaming.api.functions.sink.filesystem.rollingpolicies.OnCheckpointRollingPolicy;
import org.apache.flink.util.FileUtils;

/**
 * The job over an events file (local runs, backfills, tests): the same graph as in production, read
 * from a bounded file, limits to DynamoDB through the production sink, dead letters as JSON Lines.
 */
public final class FileJob {
    private static final ObjectMapper JSON = new ObjectMapper();

    private FileJob() {}

    /** Adds the job to the environment; dead letters go to part files under {@code deadLetterParts}. */
    public static void build(StreamExecutionEnvironment env, JobConfig config, Path input, Path deadLetterParts) {
        UserLimitsPipeline.configure(env, config);
        FileSource<ParsedRecord> source = FileSource
                .forRecordStreamFormat(new EventFileFormat(input.toString(), config.maxAheadMs()),
                        new org.apache.flink.core.fs.Path(input.toUri()))
                .build();
        FileSink<DeadLetter> deadLetters = FileSink
                .forRowFormat(new org.apache.flink.core.fs.Path(deadLetterParts.toUri()), new DeadLetterEncoder())
                .withBucketAssigner(new BasePathBucketAssigner<>())
                .withRollingPolicy(OnCheckpointRollingPolicy.build())
                .build();
        UserLimitsPipeline.build(env, source, LimitsDynamoDbSink.fromConfig(config), deadLetters,
                SubscriberConnectors.fromConfig(config, true), config);
    }

    /**
     * The file sink writes one part file per subtask and checkpoint; users get one file, in the order
     * of the records in the events file (which subtask wrote a dead letter, and when, varies). The
     * parts are removed.
     */
    public static void collectDeadLetters(Path parts, Path target) throws IOException {
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(parts)) {
            try (Stream<Path> s = Files.list(parts)) {
                s.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().forEach(files::add);
            }
        }
        List<String> lines = new ArrayList<>();
        for (Path f : files) {
            lines.addAll(Files.readAllLines(f, StandardCharsets.UTF_8));
        }
        lines.sort(Comparator.comparingLong(FileJob::position));
        try (BufferedWriter out = Files.newBufferedWriter(target, StandardCharsets.UTF_8)) {
            for (String line : lines) {
                out.write(line);
                out.write('\n');
            }
        }
        // Flink may still be discarding old checkpoints in the background: this tolerates files vanishing.
        FileUtils.deleteDirectory(parts.toFile());
    }

    /** Where in the events file the dead letter's record was: its line, or its array element. */
    private static long position(String deadLetterJson) {
        try {
            JsonNode source = JSON.readTree(deadLetterJson).path("source");
            return source.has("line") ? source.get("line").asLong() : source.path("element").asLong(Long.MAX_VALUE);
        } catch (IOException e) {
            throw new UncheckedIOException("dead letter line is not JSON: " + deadLetterJson, e);
        }
    }
}
