package com.rglimits.localstack;

import com.rglimits.aws.AwsClients;
import com.rglimits.config.ConfigException;
import com.rglimits.config.ConfigReaders;
import com.rglimits.config.Settings;
import com.rglimits.localaws.LocalAws;
import java.net.URI;
import java.util.List;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * A subscriber's consumer for trying the feed out: long-polls its SQS FIFO queue, prints each
 * message (one JSON object per line, on stdout) and deletes it.
 *
 * <pre>
 * mvn -q compile exec:java@subscriber -Dexec.args="--subscriber payments [--sqs.endpoint URL] [--max N]"
 * mvn -q compile exec:java@subscriber -Dexec.args="--queue-url URL ..."
 * </pre>
 * {@code --subscriber NAME} reads the queue the query service created for it
 * ({@code user-limits-NAME.fifo}); {@code --max N} stops after N messages (default: until Ctrl-C).
 * Against the local stack's ElasticMQ by default; credentials and region as the local emulators'.
 */
public final class Subscriber {
    private Subscriber() {}

    public static void main(String[] args) {
        Settings s;
        String queueUrl;
        String subscriber;
        URI endpoint;
        long max;
        try {
            s = ConfigReaders.fromArgs(args);
            queueUrl = s.string("queue-url", null);
            subscriber = s.string("subscriber", null);
            endpoint = URI.create(s.string("sqs.endpoint", "http://127.0.0.1:" + LocalStack.DEFAULT_SQS_PORT));
            max = s.longValue("max", 0, 0);
            s.rejectUnknown();
            if ((queueUrl == null) == (subscriber == null)) {
                throw new ConfigException("give exactly one of --subscriber NAME and --queue-url URL");
            }
        } catch (ConfigException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
            return;
        }
        try (SqsClient sqs = AwsClients.sync(LocalAws.awsSettings(endpoint), SqsClient.builder())) {
            String url = queueUrl != null ? queueUrl
                    : sqs.getQueueUrl(b -> b.queueName("user-limits-" + subscriber + ".fifo")).queueUrl();
            System.err.println("reading " + url + " (Ctrl-C stops)");
            long seen = 0;
            while (max == 0 || seen < max) {
                List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(20)
                        .messageSystemAttributeNames(MessageSystemAttributeName.MESSAGE_GROUP_ID)).messages();
                for (Message m : messages) {
                    System.out.println(m.body());
                    sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(m.receiptHandle()));
                    seen++;
                }
                System.out.flush();
            }
        } catch (QueueDoesNotExistException e) {
            System.err.println("error: no such queue" + (subscriber != null ? " for subscriber " + subscriber
                    + " (register it: PUT /subscribers/" + subscriber + ")" : ""));
            System.exit(2);
        }
    }
}
