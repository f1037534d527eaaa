package com.rglimits.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rglimits.config.JobConfig;
import com.rglimits.config.JobOptions;
import com.rglimits.config.RuntimeSettings;
import com.rglimits.sink.LimitsDynamoDbSink;
import com.rglimits.testing.ProjectFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.configuration.ConfigOption;
import org.junit.jupiter.api.Test;

/**
 * {@code kda-application.json} and the IAM policies in {@code src/deploy} against the job's own
 * configuration code and against each other, so they cannot drift apart.
 */
class DeploymentFilesTest {
    private static final Path APPLICATION = ProjectFiles.path("kda-application.json");
    private static final Path POLICY = ProjectFiles.path("src/deploy/iam-policy.json");
    private static final Path TRUST = ProjectFiles.path("src/deploy/trust-policy.json");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The property groups the job reads on the managed service. */
    private static final Set<String> GROUPS = Set.of("source", "aws", "table", "dlq", "ordering", "dedup", "sink", "subscribers");

    private static JsonNode application() throws IOException {
        return JSON.readTree(APPLICATION.toFile());
    }

    private static JobConfig config() {
        return JobConfig.from(RuntimeSettings.fromFile(APPLICATION));
    }

    @Test
    void thePropertyGroupsPassTheJobsOwnConfigurationCode() {
        // The same call the job makes on the service, on the file's property groups.
        JobConfig config = config();
        assertThat(config.runtimeManaged()).isTrue();
        assertThat(config.sourceStream()).startsWith("arn:aws:kinesis:");
        assertThat(config.dlqStream()).isNotBlank();
        assertThat(config.awsProperties()).containsKey("aws.region");
        // The sink validates region and credentials settings at build time, as on the service.
        assertThat(LimitsDynamoDbSink.fromConfig(config).tableName()).isEqualTo(config.tableName());
    }

    @Test
    void thePropertyGroupsAreExactlyTheJobsGroupsAndShowEverySetting() throws Exception {
        Map<String, Properties> groups = RuntimeSettings.readPropertyGroups(APPLICATION);
        assertThat(groups.keySet()).containsExactlyInAnyOrderElementsOf(GROUPS);
        Set<String> given = new TreeSet<>();
        groups.forEach((g, p) -> p.stringPropertyNames().forEach(k -> given.add(g + "." + k)));
        Set<String> expected = new TreeSet<>();
        Set<String> deprecated = new TreeSet<>();
        for (ConfigOption<?> option : JobOptions.ALL) {
            if (GROUPS.contains(option.key().substring(0, option.key().indexOf('.')))) {
                expected.add(option.key());
            }
            option.deprecatedKeys().forEach(deprecated::add);
        }
        expected.remove(JobOptions.SOURCE_INITPOS_TIMESTAMP.key()); // only with AT_TIMESTAMP
        // Local runs only.
        expected.removeAll(List.of(JobOptions.SOURCE_FILE.key(), JobOptions.DLQ_FILE.key(), JobOptions.SUBSCRIBERS_SQS_ENDPOINT.key()));
        // On the service the credentials are the application's role, and the endpoints the region's.
        expected.removeAll(List.of(JobOptions.AWS_ENDPOINT.key(), JobOptions.AWS_CREDENTIALS_PROVIDER.key(),
                JobOptions.AWS_ACCESS_KEY_ID.key(), JobOptions.AWS_SECRET_KEY.key()));
        assertThat(given).as("every setting the job reads on the service, with its production value")
                .containsAll(expected);
        assertThat(given).as("current names only").doesNotContainAnyElementsOf(deprecated);
    }

    @Test
    void theServiceOwnsCheckpointingParallelismAndSnapshots() throws IOException {
        JsonNode app = application();
        assertThat(app.path("RuntimeEnvironment").asText()).isEqualTo("FLINK-1_19");
        JsonNode flink = app.at("/ApplicationConfiguration/FlinkApplicationConfiguration");
        assertThat(flink.at("/CheckpointConfiguration/ConfigurationType").asText()).isIn("DEFAULT", "CUSTOM");
        if (flink.at("/CheckpointConfiguration/ConfigurationType").asText().equals("CUSTOM")) {
            assertThat(flink.at("/CheckpointConfiguration/CheckpointingEnabled").asBoolean()).isTrue();
        }
        assertThat(flink.at("/ParallelismConfiguration/Parallelism").asInt()).isPositive();
        assertThat(flink.at("/ParallelismConfiguration/ParallelismPerKPU").asInt()).isPositive();
        assertThat(flink.at("/MonitoringConfiguration/MetricsLevel").asText())
                .as("operator metrics reach CloudWatch with an operator dimension").isIn("OPERATOR", "PARALLELISM");
        assertThat(app.at("/ApplicationConfiguration/ApplicationSnapshotConfiguration/SnapshotsEnabled").asBoolean()).isTrue();
        assertThat(app.at("/ApplicationConfiguration/ApplicationCodeConfiguration/CodeContentType").asText()).isEqualTo("ZIPFILE");
        assertThat(app.at("/CloudWatchLoggingOptions/0/LogStreamARN").asText()).startsWith("arn:aws:logs:");
    }

    @Test
    void thePolicyGrantsOnlyWhatTheJobCallsOnlyOnItsOwnResources() throws IOException {
        JsonNode app = application();
        JobConfig config = config();
        String region = config.awsProperties().getProperty("aws.region");
        String account = config.sourceStream().split(":")[4];
        String dlqArn = config.dlqStream().startsWith("arn:")
                ? config.dlqStream()
                : "arn:aws:kinesis:" + region + ":" + account + ":stream/" + config.dlqStream();
        String code = app.at("/ApplicationConfiguration/ApplicationCodeConfiguration/CodeContent/S3ContentLocation/BucketARN").asText()
                + "/" + app.at("/ApplicationConfiguration/ApplicationCodeConfiguration/CodeContent/S3ContentLocation/FileKey").asText();
        String logStream = app.at("/CloudWatchLoggingOptions/0/LogStreamARN").asText();
        String logGroup = logStream.substring(0, logStream.indexOf(":log-stream:"));

        Map<String, Set<String>> allowed = new HashMap<>();
        allowed.put("s3:GetObject", Set.of(code));
        allowed.put("s3:GetObjectVersion", Set.of(code));
        for (String read : List.of("kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:ListShards",
                "kinesis:GetShardIterator", "kinesis:GetRecords")) {
            allowed.put(read, Set.of(config.sourceStream()));
        }
        allowed.put("kinesis:PutRecord", Set.of(dlqArn));
        allowed.put("kinesis:PutRecords", Set.of(dlqArn));
        String tables = "arn:aws:dynamodb:" + region + ":" + account + ":table/";
        allowed.put("dynamodb:PutItem", Set.of(tables + config.tableName(), tables + config.undeliveredTable()));
        allowed.put("dynamodb:Scan", Set.of(tables + config.subscriptionsTable()));
        // The control stream marks subscriptions active (activeAt).
        allowed.put("dynamodb:UpdateItem", Set.of(tables + config.subscriptionsTable()));
        // Queues the subscription API creates are named user-limits-NAME.fifo (docs/subscribers.md).
        allowed.put("sqs:SendMessage", Set.of("arn:aws:sqs:" + region + ":" + account + ":user-limits-*.fifo"));
        allowed.put("logs:PutLogEvents", Set.of(logStream));
        allowed.put("logs:DescribeLogStreams", Set.of(logGroup + ":log-stream:*"));
        allowed.put("logs:DescribeLogGroups", Set.of("arn:aws:logs:" + region + ":" + account + ":log-group:*"));
        allowed.put("cloudwatch:PutMetricData", Set.of("*"));

        Map<String, Set<String>> granted = new HashMap<>();
        JsonNode policy = JSON.readTree(POLICY.toFile());
        assertThat(policy.path("Version").asText()).isEqualTo("2012-10-17");
        for (JsonNode statement : policy.path("Statement")) {
            assertThat(statement.path("Effect").asText()).isEqualTo("Allow");
            assertThat(statement.has("NotAction")).isFalse();
            assertThat(statement.has("NotResource")).isFalse();
            List<String> actions = strings(statement.path("Action"));
            List<String> resources = strings(statement.path("Resource"));
            for (String action : actions) {
                assertThat(action).as("no wildcard actions").doesNotContain("*");
                assertThat(allowed).as("an action the job needs").containsKey(action);
                for (String resource : resources) {
                    assertThat(allowed.get(action)).as(action + " on " + resource).contains(resource);
                    granted.computeIfAbsent(action, a -> new TreeSet<>()).add(resource);
                }
                if (resources.contains("*")) {
                    assertThat(action).isEqualTo("cloudwatch:PutMetricData");
                    assertThat(statement.at("/Condition/StringEquals/cloudwatch:namespace").asText())
                            .isEqualTo("AWS/KinesisAnalytics");
                }
            }
        }
        assertThat(granted.keySet()).as("every needed action is granted").containsExactlyInAnyOrderElementsOf(allowed.keySet());
    }

    @Test
    void theTrustPolicyLetsOnlyThisApplicationAssumeTheRole() throws IOException {
        JsonNode app = application();
        JobConfig config = config();
        String region = config.awsProperties().getProperty("aws.region");
        String account = config.sourceStream().split(":")[4];
        assertThat(app.path("ServiceExecutionRole").asText()).startsWith("arn:aws:iam::" + account + ":role/");
        JsonNode statement = JSON.readTree(TRUST.toFile()).path("Statement").get(0);
        assertThat(statement.at("/Principal/Service").asText()).isEqualTo("kinesisanalytics.amazonaws.com");
        assertThat(statement.path("Action").asText()).isEqualTo("sts:AssumeRole");
        assertThat(statement.at("/Condition/StringEquals/aws:SourceAccount").asText()).isEqualTo(account);
        assertThat(statement.at("/Condition/ArnLike/aws:SourceArn").asText()).isEqualTo(
                "arn:aws:kinesisanalytics:" + region + ":" + account + ":application/" + app.path("ApplicationName").asText());
    }

    private static List<String> strings(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(n -> out.add(n.asText()));
        } else if (node.isTextual()) {
            out.add(node.asText());
        }
        assertThat(out).as("a statement's actions and resources").isNotEmpty();
        return out;
    }
}
