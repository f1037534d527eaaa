package com.rglimits.state;

import static org.assertj.core.api.Assertions.assertThat;

import com.rglimits.config.JobOptions;
import com.rglimits.localaws.ElasticMq;
import com.rglimits.subscribe.MessageKind;
import com.rglimits.subscribe.Thresholds;
import com.rglimits.table.SubscriptionItems;
import com.rglimits.table.UndeliveredItems;
import com.rglimits.testing.GeneratedEvents;
import com.rglimits.testing.Subscribers;
import com.rglimits.testing.TestBeds;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The subscriber feed across restores and rescaling: processed at parallelism 2, stopped with a
 * savepoint, continued at 4, stopped again, finished at 1. The feed's keyed state (previous
 * progress) and broadcast state (subscriptions) move with the savepoints; each subscriber's queue
 * must hold exactly the in-order model's messages, per user in order, each once.
 */
class SubscriberRescalingIT extends SavepointTestBase {
    private static ElasticMq elasticMq;
    private static SqsClient sqs;

    @BeforeAll
    static void startSqs() throws Exception {
        elasticMq = TestBeds.elasticMq();
        sqs = elasticMq.client();
    }

    @AfterAll
    static void closeClient() {
        sqs.close();
    }

    @Test
    void messagesStayExactAndInOrderAcrossSavepointsAtTwoFourAndOne(@TempDir Path dir) throws Exception {
        GeneratedEvents generated = GeneratedEvents.generate(23, 8, 300, 3_000);
        StateTestJob job = newJob(generated, dir, TestBeds.uniqueName("limits-subscribers"));
        job.recordsPerSecond = 600;
        String everything = ElasticMq.createFifoQueue(sqs, TestBeds.uniqueName("rescale-everything") + ".fifo");
        String alerts = ElasticMq.createFifoQueue(sqs, TestBeds.uniqueName("rescale-alerts") + ".fifo");
        String subscriptions = TestBeds.uniqueName("rescale-subscriptions");
        String undelivered = TestBeds.uniqueName("rescale-undelivered");
        try (DynamoDbClient dynamo = dynamoDb.client()) {
            SubscriptionItems.create(dynamo, subscriptions);
            UndeliveredItems.create(dynamo, undelivered);
            Subscribers.subscriber(dynamo, subscriptions, "everything", everything);
            Subscribers.subscription(dynamo, subscriptions, "everything", SubscriptionItems.ALL_USERS, null, null);
            Subscribers.subscriber(dynamo, subscriptions, "alerts", alerts);
            Subscribers.subscription(dynamo, subscriptions, "alerts", SubscriptionItems.ALL_USERS, null,
                    "LIMIT_THRESHOLD_REACHED");
        }
        job.settings.put(JobOptions.SUBSCRIBERS_TABLE.key(), subscriptions);
        job.settings.put(JobOptions.SUBSCRIBERS_UNDELIVERED_TABLE.key(), undelivered);
        job.settings.put(JobOptions.SUBSCRIBERS_SQS_ENDPOINT.key(), elasticMq.endpoint().toString());
        job.settings.put(JobOptions.SUBSCRIBERS_THRESHOLDS.key(), "2,5,10");

        JobClient run1 = job.start(1, 2, null);
        await("a quarter of the stream read", () -> job.recordsRead() >= job.records / 4);
        String savepoint1 = StateTestJob.stopWithSavepoint(run1, dir.resolve("savepoints"));
        run1.getJobExecutionResult().get(60, TimeUnit.SECONDS);

        JobClient run2 = job.start(2, 4, savepoint1);
        await("half of the stream read", () -> job.recordsRead() >= job.records / 2);
        String savepoint2 = StateTestJob.stopWithSavepoint(run2, dir.resolve("savepoints"));
        run2.getJobExecutionResult().get(60, TimeUnit.SECONDS);

        job.start(3, 1, savepoint2).getJobExecutionResult().get(120, TimeUnit.SECONDS);

        Thresholds thresholds = Thresholds.parse("2,5,10");
        Map<String, List<String>> thresholdOnly =
                Subscribers.expected(generated.expectedVersions, thresholds, MessageKind.LIMIT_THRESHOLD_REACHED);
        assertThat(thresholdOnly.values().stream().mapToLong(List::size).sum()).isGreaterThan(10);
        assertThat(Subscribers.receivedByUser(sqs, everything))
                .isEqualTo(Subscribers.expected(generated.expectedVersions, thresholds, null));
        assertThat(Subscribers.receivedByUser(sqs, alerts)).isEqualTo(thresholdOnly);
        assertExactResult(job, generated);
    }
}
