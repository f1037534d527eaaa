package com.rglimits.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rglimits.testing.ProjectFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The query service's IAM policy ({@code src/deploy/query-iam-policy.json}) grants exactly the AWS
 * calls its code makes, each on the service's own resources only: the policy of its role on AWS.
 * The calls are read from the code (every call on its DynamoDB, SQS and Kinesis clients), so a new
 * call without its grant fails here.
 */
class QueryPolicyTest {
    private static final Path POLICY = ProjectFiles.path("src/deploy/query-iam-policy.json");
    private static final Path SOURCES = ProjectFiles.path("src/query/src/main/java");
    private static final String ACCOUNT = "arn:aws:%s:eu-west-1:111122223333:";
    private static final String LIMITS = String.format(ACCOUNT, "dynamodb") + "table/user-limits";
    private static final String SUBSCRIPTIONS = String.format(ACCOUNT, "dynamodb") + "table/user-limits-subscriptions";
    /** SubscriptionHandler.QUEUE_PREFIX: the queues it creates. */
    private static final String QUEUES = String.format(ACCOUNT, "sqs") + SubscriptionHandler.QUEUE_PREFIX + "*.fifo";
    private static final String INPUT = String.format(ACCOUNT, "kinesis") + "stream/user-limit-events";

    /** Per client field name in the code: its service, and the SDK methods that are no AWS call. */
    private static final Map<String, String> CLIENTS = Map.of("client", "dynamodb", "sqs", "sqs", "kinesis", "kinesis");
    private static final Set<String> NOT_CALLS = Set.of("close", "serviceClientConfiguration");

    /** What each call is for, and on which resources (reading limits vs managing subscriptions). */
    private static Map<String, Set<String>> needed() {
        Map<String, Set<String>> needed = new TreeMap<>();
        needed.put("dynamodb:GetItem", Set.of(LIMITS, SUBSCRIPTIONS));
        needed.put("dynamodb:Query", Set.of(LIMITS, SUBSCRIPTIONS));
        needed.put("dynamodb:PutItem", Set.of(SUBSCRIPTIONS));
        needed.put("dynamodb:DeleteItem", Set.of(SUBSCRIPTIONS));
        needed.put("sqs:CreateQueue", Set.of(QUEUES));
        needed.put("sqs:GetQueueAttributes", Set.of(QUEUES));
        needed.put("sqs:SetQueueAttributes", Set.of(QUEUES));
        needed.put("kinesis:PutRecords", Set.of(INPUT));
        return needed;
    }

    @Test
    void thePolicyGrantsExactlyTheCallsOfTheCodeOnTheServicesOwnResources() throws IOException {
        Map<String, Set<String>> granted = new TreeMap<>();
        JsonNode policy = new ObjectMapper().readTree(POLICY.toFile());
        assertThat(policy.path("Version").asText()).isEqualTo("2012-10-17");
        for (JsonNode statement : policy.path("Statement")) {
            assertThat(statement.path("Effect").asText()).isEqualTo("Allow");
            assertThat(statement.has("NotAction") || statement.has("NotResource") || statement.has("Condition")).isFalse();
            for (JsonNode action : statement.path("Action")) {
                assertThat(action.asText()).as("no wildcard actions").doesNotContain("*");
                granted.computeIfAbsent(action.asText(), a -> new TreeSet<>()).add(statement.path("Resource").asText());
            }
        }
        assertThat(granted).isEqualTo(needed());
        assertThat(calledActions()).as("the calls in the code").isEqualTo(needed().keySet());
    }

    /** {@code client.getItem(}, {@code sqs.createQueue(}, ... in the service's code, as IAM actions. */
    private static Set<String> calledActions() throws IOException {
        Pattern call = Pattern.compile("\\b(" + String.join("|", CLIENTS.keySet()) + ")\\.([a-z][A-Za-z]*)\\(");
        Set<String> actions = new TreeSet<>();
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(SOURCES)) {
            walk.filter(p -> p.toString().endsWith(".java")).forEach(files::add);
        }
        Map<String, String> renamed = new HashMap<>(Map.of("queryPaginator", "query"));
        for (Path file : files) {
            Matcher m = call.matcher(Files.readString(file));
            while (m.find()) {
                String method = renamed.getOrDefault(m.group(2), m.group(2));
                if (!NOT_CALLS.contains(method)) {
                    actions.add(CLIENTS.get(m.group(1)) + ":" + Character.toUpperCase(method.charAt(0)) + method.substring(1));
                }
            }
        }
        return actions;
    }
}
