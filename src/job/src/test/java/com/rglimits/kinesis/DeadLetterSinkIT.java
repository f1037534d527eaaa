package com.rglimits.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rglimits.config.JobConfig;
import com.rglimits.config.JobOptions;
import com.rglimits.config.Settings;
import com.rglimits.deadletter.DeadLetter;
import com.rglimits.deadletter.DeadLetterReason;
import com.rglimits.event.RecordSource;
import com.rglimits.job.Descriptors;
import com.rglimits.localaws.StreamAdmin;
import com.rglimits.testing.KinesisBed;
import com.rglimits.testing.TestBeds;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/** The dead-letter sink against kinesalite: JSON per record, partition key the user id, then the event id. */
class DeadLetterSinkIT {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(1).setConfiguration(new Configuration()).build());

    @Test
    void writesJsonDeadLettersWithPartitionKeys() throws Exception {
        KinesisBed emulators = TestBeds.kinesis();
        try (KinesisClient kinesis = emulators.kinesisClient()) {
            String dlq = "dlq-" + System.nanoTime();
            String dlqArn = StreamAdmin.createStream(kinesis, dlq, 2, Duration.ofSeconds(30));
            List<DeadLetter> letters = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                DeadLetter d = new DeadLetter();
                d.reason = DeadLetterReason.values()[i % 4];
                d.error = "error " + i;
                d.record = ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8);
                d.userId = i % 3 == 0 ? null : "user-" + i;
                d.eventId = i % 3 == 0 && i % 2 == 0 ? null : "ev-" + i;
                d.source = RecordSource.kinesis("events", "shardId-000000000001", "4955" + i);
                d.deadLetteredAt = 1_000 + i;
                letters.add(d);
            }
            // The stream given by ARN: the sink addresses it by ARN, as against real Kinesis.
            Map<String, String> values = new HashMap<>();
            emulators.awsProperties().forEach((k, v) -> values.put((String) k, (String) v));
            values.put(JobOptions.SOURCE_STREAM.key(), "unused");
            values.put(JobOptions.DLQ_STREAM.key(), dlqArn);
            JobConfig config = JobConfig.from(new Settings(values, k -> k));

            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(1);
            env.fromData(Descriptors.DEAD_LETTER_TYPE, letters.toArray(new DeadLetter[0]))
                    .sinkTo(DeadLetterSinkFactory.create(config));
            env.execute("dead letters to kinesis");

            StreamReader reader = new StreamReader(kinesis, dlq);
            List<StreamReader.Read> read = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (read.size() < letters.size() && System.nanoTime() < deadline) {
                read.addAll(reader.poll());
                Thread.sleep(100);
            }
            assertThat(read).hasSize(letters.size());
            ObjectMapper mapper = new ObjectMapper();
            for (StreamReader.Read r : read) {
                JsonNode json = mapper.readTree(r.record.data().asByteArray());
                int n = mapper.readTree(json.get("record").asText()).get("n").asInt();
                DeadLetter d = letters.get(n);
                assertThat(json.get("reason").asText()).isEqualTo(d.reason.name());
                assertThat(json.get("source").get("shardId").asText()).isEqualTo("shardId-000000000001");
                String expectedKey = d.userId != null ? d.userId
                        : d.eventId != null ? d.eventId : DeadLetterSinkFactory.partitionKey(d);
                assertThat(r.record.partitionKey()).isEqualTo(expectedKey);
            }
        }
    }
}
