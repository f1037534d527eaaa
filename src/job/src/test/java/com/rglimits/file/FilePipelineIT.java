package com.rglimits.file;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rglimits.config.JobConfig;
import com.rglimits.config.JobOptions;
import com.rglimits.config.Settings;
import com.rglimits.deadletter.DeadLetterReason;
import com.rglimits.job.Accounting;
import com.rglimits.limit.UserLimit;
import com.rglimits.localaws.Dynalite;
import com.rglimits.table.LimitItems;
import com.rglimits.table.LimitTable;
import com.rglimits.testing.GeneratedEvents;
import com.rglimits.testing.TestBeds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The whole pipeline in a MiniCluster over a generated stream, into the real DynamoDB engine. */
class FilePipelineIT {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static Dynalite dynamoDb;
    private static DynamoDbClient client;

    @BeforeAll
    static void startDynamoDb() throws Exception {
        dynamoDb = TestBeds.dynalite();
        client = dynamoDb.client();
    }

    @AfterAll
    static void closeClient() {
        client.close();
    }

    @Test
    void tableEqualsTheInOrderResultAndEveryRecordIsAccountedFor(@TempDir Path dir) throws Exception {
        GeneratedEvents generated = GeneratedEvents.generate(7, 8, 2_000, 4_000);
        Path input = dir.resolve("events.ndjson");
        Files.write(input, generated.ndjson());
        Path dlqParts = dir.resolve("dlq");
        String table = TestBeds.uniqueName("limits-pipeline-test");
        LimitTable.create(client, table);

        Map<String, String> settings = new HashMap<>();
        dynamoDb.awsProperties().forEach((k, v) -> settings.put((String) k, (String) v));
        settings.put(JobOptions.SOURCE_FILE.key(), input.toString());
        settings.put(JobOptions.TABLE_NAME.key(), table);
        settings.put(JobOptions.PARALLELISM.key(), "2");
        settings.put(JobOptions.CHECKPOINT_INTERVAL.key(), "500");
        // Deterministic on a slow machine: only the watermark releases events here (the processing-time bound has its own test).
        settings.put(JobOptions.MAX_HOLD.key(), "600000");
        JobConfig config = JobConfig.from(new Settings(settings, key -> key));

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        FileJob.build(env, config, input, dlqParts);
        Accounting.Summary summary = Accounting.summary(env.execute("pipeline test"));

        Map<String, UserLimit> actual = new TreeMap<>();
        LimitTable.scanAll(client, table).forEach(item -> {
            UserLimit l = LimitItems.fromItem(item);
            actual.put(l.userId + "/" + l.userLimitId, l);
            assertThat(item.get(LimitItems.REMAINING).s()).isEqualTo(l.value.subtract(l.progress).toPlainString());
        });
        assertThat(actual).hasSize(generated.expectedLimits.size()).isEqualTo(generated.expectedLimits);

        Path dlqFile = dir.resolve("dead-letters.jsonl");
        FileJob.collectDeadLetters(dlqParts, dlqFile);
        List<JsonNode> deadLetters = Files.readAllLines(dlqFile).stream().map(FilePipelineIT::json).collect(Collectors.toList());
        Map<String, DeadLetterReason> byEventId = new HashMap<>();
        for (JsonNode d : deadLetters) {
            if (!d.get("reason").asText().equals("INVALID_EVENT")) {
                assertThat(byEventId.put(d.get("eventId").asText(), DeadLetterReason.valueOf(d.get("reason").asText())))
                        .as("one dead letter per event").isNull();
                assertThat(d.get("record").asText()).contains(d.get("eventId").asText());
                assertThat(d.get("source").get("file").asText()).isEqualTo(input.toString());
            }
        }
        assertThat(byEventId).isEqualTo(generated.expectedDeadLetters);
        assertThat(deadLetters.stream().filter(d -> d.get("reason").asText().equals("INVALID_EVENT")).count())
                .isEqualTo(generated.invalid);

        assertThat(summary.records).isEqualTo(generated.records.size());
        assertThat(summary.applied).isEqualTo(generated.expectedApplied);
        assertThat(summary.duplicates).isEqualTo(generated.redeliveries);
        assertThat(summary.skipped).isEqualTo(generated.skipped);
        assertThat(summary.deadLettered).isEqualTo(deadLetters.size());
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            assertThat(summary.deadLettered(reason)).as(reason.name()).isEqualTo(generated.expectedDeadLetterCount(reason));
        }
        assertThat(summary.balances()).as(summary.line()).isTrue();
        assertThat(summary.deadLettered(DeadLetterReason.LATE_EVENT)).isPositive();
        assertThat(summary.deadLettered(DeadLetterReason.UNKNOWN_LIMIT)).isPositive();
        assertThat(summary.deadLettered(DeadLetterReason.LIMIT_ALREADY_EXISTS)).isPositive();
        assertThat(summary.duplicates).isPositive();
    }

    private static JsonNode json(String line) {
        try {
            return MAPPER.readTree(line);
        } catch (Exception e) {
            throw new AssertionError("dead letter line is not JSON: " + line, e);
        }
    }
}
