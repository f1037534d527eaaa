package com.rglimits.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rglimits.config.ConfigException;
import com.rglimits.deadletter.DeadLetter;
import com.rglimits.deadletter.DeadLetterJson;
import com.rglimits.deadletter.DeadLetterReason;
import com.rglimits.event.RecordSource;
import com.rglimits.kinesis.RecordPublisher;
import com.rglimits.kinesis.StreamReader;
import com.rglimits.localaws.StreamAdmin;
import com.rglimits.testing.KinesisBed;
import com.rglimits.testing.TestBeds;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/** The dead-letter replay tool against kinesalite: the selected records, byte for byte, keyed by user. */
class ReplayDeadLettersIT {
    private static KinesisBed emulators;
    private static KinesisClient kinesis;

    @BeforeAll
    static void start() throws Exception {
        emulators = TestBeds.kinesis();
        kinesis = emulators.kinesisClient();
    }

    @AfterAll
    static void closeClient() {
        kinesis.close();
    }

    private static DeadLetter letter(DeadLetterReason reason, byte[] record, String userId, long at) {
        DeadLetter d = new DeadLetter();
        d.reason = reason;
        d.error = "test";
        d.record = record;
        d.userId = userId;
        d.source = RecordSource.kinesis("in", "shardId-000000000000", "1");
        d.deadLetteredAt = at;
        return d;
    }

    private static byte[] event(String eventId, String userId) {
        return ("{\"eventId\":\"" + eventId + "\",\"type\":\"USER_LIMIT_RESET\",\"aggregateId\":\"" + userId
                + "\",\"payload\":{\"userId\":\"" + userId + "\"}}").getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> args(String... pairs) {
        List<String> a = new ArrayList<>(List.of(pairs));
        emulators.awsProperties().forEach((k, v) -> {
            a.add("--" + k);
            a.add((String) v);
        });
        return a;
    }

    private static Map<String, String> readBack(String stream) {
        Map<String, String> byPartitionKey = new TreeMap<>();
        new StreamReader(kinesis, stream).poll().forEach(r ->
                byPartitionKey.put(r.record.partitionKey(), new String(r.record.data().asByteArray(), StandardCharsets.UTF_8)));
        return byPartitionKey;
    }

    @Test
    void replaysTheSelectedDeadLettersFromTheDeadLetterStream() throws Exception {
        String dlq = "dlq-" + System.nanoTime();
        String input = "in-" + System.nanoTime();
        StreamAdmin.createStream(kinesis, dlq, 1, Duration.ofSeconds(30));
        StreamAdmin.createStream(kinesis, input, 2, Duration.ofSeconds(30));
        byte[] notUtf8 = {(byte) 0xff, '{', 'x'};
        List<byte[]> letters = List.of(
                DeadLetterJson.toJson(letter(DeadLetterReason.UNKNOWN_LIMIT, event("e1", "u1"), "u1", 1_000)),
                DeadLetterJson.toJson(letter(DeadLetterReason.UNKNOWN_LIMIT, event("e2", "u2"), "u2", 5_000)),
                DeadLetterJson.toJson(letter(DeadLetterReason.LATE_EVENT, event("e3", "u3"), "u3", 2_000)),
                DeadLetterJson.toJson(letter(DeadLetterReason.INVALID_EVENT, notUtf8, null, 2_000)),
                DeadLetterJson.toJson(letter(DeadLetterReason.UNKNOWN_LIMIT, event("e4", "u4"), "u4", 9_000)))
                .stream().map(j -> j.getBytes(StandardCharsets.UTF_8)).collect(java.util.stream.Collectors.toList());
        RecordPublisher.publish(kinesis, dlq, letters, 0);

        ReplayDeadLetters.Result result = ReplayDeadLetters.run(args("--from-stream", dlq, "--to", input,
                "--reason", "UNKNOWN_LIMIT,invalid_event", "--since", "1000", "--until", "5000").toArray(new String[0]));

        assertThat(result.read).isEqualTo(5);
        assertThat(result.replayed).isEqualTo(3);
        Map<String, String> replayed = readBack(input);
        assertThat(replayed).hasSize(3)
                .containsEntry("u1", new String(event("e1", "u1"), StandardCharsets.UTF_8))
                .containsEntry("u2", new String(event("e2", "u2"), StandardCharsets.UTF_8));
        List<byte[]> raw = new ArrayList<>();
        new StreamReader(kinesis, input).poll().forEach(r -> raw.add(r.record.data().asByteArray()));
        assertThat(raw).anySatisfy(b -> assertThat(b).isEqualTo(notUtf8));
    }

    @Test
    void replaysFromAFileAndADryRunPublishesNothing(@TempDir Path dir) throws Exception {
        String input = "in-" + System.nanoTime();
        StreamAdmin.createStream(kinesis, input, 1, Duration.ofSeconds(30));
        Path file = dir.resolve("dlq.jsonl");
        Files.writeString(file, DeadLetterJson.toJson(letter(DeadLetterReason.UNKNOWN_LIMIT, event("e1", "u1"), "u1", 1)) + "\n\n"
                + DeadLetterJson.toJson(letter(DeadLetterReason.LATE_EVENT, event("e2", "u2"), "u2", 1)) + "\n");

        ReplayDeadLetters.Result dry = ReplayDeadLetters.run(
                args("--from-file", file.toString(), "--to", input, "--dry-run", "true").toArray(new String[0]));
        assertThat(dry.line()).isEqualTo("would replay 2 of 2 dead letters to " + input);
        assertThat(readBack(input)).isEmpty();

        ReplayDeadLetters.run(args("--from-file", file.toString(), "--to", input, "--reason", "LATE_EVENT").toArray(new String[0]));
        assertThat(readBack(input)).containsOnlyKeys("u2");
    }

    @Test
    void badInputIsAOneLineError(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("dlq.jsonl");
        Files.writeString(file, "{\"reason\":\"LATE_EVENT\"}\n");
        assertThatThrownBy(() -> ReplayDeadLetters.run(new String[] {"--from-file", file.toString(), "--to", "x",
                "--aws.region", "us-east-1"}))
                .isInstanceOf(ToolException.class)
                .hasMessage(file + " #1: not a dead letter (no reason or deadLetteredAt)");
        assertThatThrownBy(() -> ReplayDeadLetters.run(new String[] {"--to", "x"}))
                .isInstanceOf(ConfigException.class)
                .hasMessage("give exactly one of option --from-file and option --from-stream");
        assertThatThrownBy(() -> ReplayDeadLetters.run(new String[] {"--from-file", "f", "--to", "x", "--reason", "LOST"}))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("option --reason must list reasons of [INVALID_EVENT");
    }
}
