package com.rglimits.localstack;

import com.rglimits.aws.AwsClients;
import com.rglimits.config.ConfigException;
import com.rglimits.config.ConfigReaders;
import com.rglimits.config.Settings;
import com.rglimits.localaws.LocalAws;
import java.io.PrintStream;
import java.net.URI;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkClientException;
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
 * Against the running local stack's ElasticMQ by default ({@link LocalStackEndpoints}); credentials
 * and region as the local emulators'. Errors are one {@code error:} line, exit status 2.
 */
public final class Subscriber {
    private Subscriber() {}

    public static void main(String[] args) {
        int status = run(args, System.out, System.err);
        if (status != 0) {
            System.exit(status);
        }
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Settings s;
        String queueUrl;
        String subscriber;
        URI endpoint;
        long max;
        try {
            s = ConfigReaders.fromArgs(args);
            queueUrl = s.string("queue-url", null);
            subscriber = s.string("subscriber", null);
            String given = s.string("sqs.endpoint", null);
            endpoint = given != null ? URI.create(given) : LocalStackEndpoints.current(LocalStackEndpoints.FILE).sqs;
            max = s.longValue("max", 0, 0);
            s.rejectUnknown();
            if ((queueUrl == null) == (subscriber == null)) {
                throw new ConfigException("give exactly one of --subscriber NAME and --queue-url URL");
            }
        } catch (ConfigException | IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return 2;
        }
        try (SqsClient sqs = AwsClients.sync(LocalAws.awsSettings(endpoint), SqsClient.builder())) {
            String url = queueUrl != null ? queueUrl
                    : sqs.getQueueUrl(b -> b.queueName("user-limits-" + subscriber + ".fifo")).queueUrl();
            err.println("reading " + url + " (Ctrl-C stops)");
            long seen = 0;
            while (max == 0 || seen < max) {
                List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(20)
                        .messageSystemAttributeNames(MessageSystemAttributeName.MESSAGE_GROUP_ID)).messages();
                for (Message m : messages) {
                    out.println(m.body());
                    sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(m.receiptHandle()));
                    seen++;
                }
                out.flush();
            }
            return 0;
        } catch (QueueDoesNotExistException e) {
            err.println("error: no such queue" + (subscriber != null ? " for subscriber " + subscriber
                    + " (register it: PUT /subscribers/" + subscriber + ")" : ""));
            return 2;
        } catch (SdkClientException e) {
            // Nothing answers there: most often a local stack started with another --sqs-port.
            err.println("error: SQS does not answer at " + endpoint + " (" + firstLine(e) + "); give the endpoint the"
                    + " local stack printed (\"SQS (ElasticMQ): ...\"): --sqs.endpoint http://127.0.0.1:PORT");
            return 2;
        }
    }

    private static String firstLine(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = String.valueOf(t.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
