package com.rglimits.localstack;

import com.rglimits.aws.AwsClients;
import com.rglimits.aws.AwsSettings;
import com.rglimits.config.ConfigException;
import com.rglimits.aws.AwsSettings;
import com.rglimits.config.ConfigReaders;
import com.rglimits.config.JobOptions;
import com.rglimits.config.Settings;
import com.rglimits.console.Progress;
import com.rglimits.file.RecordSplitter;
import com.rglimits.kinesis.RecordPublisher;
import com.rglimits.localaws.Kinesalite;
import com.rglimits.localaws.LocalEmulators;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * Publishes an events file (JSON array or NDJSON, split by {@link RecordSplitter}) to a Kinesis
 * stream through {@link RecordPublisher}, at a chosen rate, with progress on stderr.
 *
 * <pre>
 * mvn -q compile exec:java@producer -Dexec.args="--file data/sample-events.json --rate 50"
 * </pre>
 * Settings (same keys as the job): {@code file} (required), {@code rate} records per second
 * (default 100; 0 = as fast as possible), {@code source.stream} (default the local stack's input
 * stream), {@code aws.*} (default the local stack's endpoint), {@code config} a properties file.
 */
public final class Producer {
    private Producer() {}

    public static void main(String[] args) throws Exception {
        Kinesalite.disableCbor(); // the local stack's emulator; harmless against real Kinesis
        Settings s = ConfigReaders.fromArgs(args);
        Path file = Path.of(s.required("file"));
        double rate = s.longValue("rate", 100, 0);
        String stream = s.string(JobOptions.SOURCE_STREAM.key(), LocalStack.INPUT_STREAM);
        Properties aws = LocalEmulators.awsProperties(java.net.URI.create("http://127.0.0.1:" + LocalStack.DEFAULT_PORT));
        aws.putAll(s.withPrefix(AwsSettings.PREFIX));
        s.rejectUnknown();
        List<byte[]> records = RecordSplitter.read(file);
        try (KinesisClient kinesis = AwsClients.sync(AwsSettings.of(aws), KinesisClient.builder())) {
            long start = System.nanoTime();
            List<RecordPublisher.Sent> sent;
            try (Progress progress = Progress.start("publish " + file.getFileName(), records.size(), "records")) {
                sent = RecordPublisher.publish(kinesis, stream, records, rate, progress::stepTo);
            }
            System.out.printf("published %d records from %s to %s in %.1f s%n",
                    sent.size(), file, stream, (System.nanoTime() - start) / 1e9);
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            System.exit(2);
        }
    }
}
