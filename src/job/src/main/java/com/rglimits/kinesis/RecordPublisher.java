package com.rglimits.kinesis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongConsumer;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * Publishes records to a Kinesis stream with PutRecords: partition key the user id (else the
 * aggregateId, else the eventId, else a hash of the record), in batches of at most 500 records and
 * 5 MB, failed entries retried, at a chosen rate. The local stack's producer and the dead-letter
 * replay tool publish through it.
 */
public final class RecordPublisher {
    static final int MAX_BATCH_RECORDS = 500;
    static final int MAX_BATCH_BYTES = 5 * 1024 * 1024;
    private static final int MAX_ATTEMPTS = 20;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private RecordPublisher() {}

    /** Where one published record landed. */
    public static final class Sent {
        public final int index;
        public final String shardId;
        public final String sequenceNumber;

        Sent(int index, String shardId, String sequenceNumber) {
            this.index = index;
            this.shardId = shardId;
            this.sequenceNumber = sequenceNumber;
        }

        @Override
        public String toString() {
            return "#" + index + "@" + shardId + "/" + sequenceNumber;
        }
    }

    /**
     * Publishes every record, in order per partition key, retrying the entries that PutRecords
     * reports as failed; at most {@code ratePerSecond} records a second (0: no limit).
     */
    public static List<Sent> publish(KinesisClient kinesis, String stream, List<byte[]> records, double ratePerSecond) {
        return publish(kinesis, stream, records, ratePerSecond, published -> { });
    }

    /** As {@link #publish(KinesisClient, String, List, double)}, telling {@code progress} how many are published after each batch. */
    public static List<Sent> publish(KinesisClient kinesis, String stream, List<byte[]> records, double ratePerSecond,
            LongConsumer progress) {
        Sent[] results = new Sent[records.size()];
        int batchLimit = ratePerSecond > 0 ? (int) Math.max(1, Math.min(MAX_BATCH_RECORDS, ratePerSecond)) : MAX_BATCH_RECORDS;
        long start = System.nanoTime();
        int next = 0;
        while (next < records.size()) {
            List<Integer> batch = new ArrayList<>();
            int bytes = 0;
            while (next < records.size() && batch.size() < batchLimit) {
                byte[] r = records.get(next);
                String key = partitionKey(r);
                int size = r.length + key.getBytes(StandardCharsets.UTF_8).length;
                if (!batch.isEmpty() && bytes + size > MAX_BATCH_BYTES) {
                    break;
                }
                batch.add(next++);
                bytes += size;
            }
            send(kinesis, stream, records, batch, results);
            progress.accept(next);
            if (ratePerSecond > 0) {
                long due = start + (long) (next / ratePerSecond * 1e9);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    sleep(wait / 1_000_000);
                }
            }
        }
        return Arrays.asList(results);
    }

    private static void send(KinesisClient kinesis, String stream, List<byte[]> records, List<Integer> batch, Sent[] results) {
        List<Integer> pending = batch;
        for (int attempt = 1; !pending.isEmpty(); attempt++) {
            if (attempt > MAX_ATTEMPTS) {
                throw new IllegalStateException(pending.size() + " records could not be published after " + MAX_ATTEMPTS + " attempts");
            }
            List<PutRecordsRequestEntry> entries = new ArrayList<>(pending.size());
            for (int i : pending) {
                byte[] r = records.get(i);
                entries.add(PutRecordsRequestEntry.builder()
                        .data(SdkBytes.fromByteArray(r))
                        .partitionKey(partitionKey(r))
                        .build());
            }
            PutRecordsRequest.Builder request = PutRecordsRequest.builder().records(entries);
            if (KinesisStreams.isArn(stream)) {
                request.streamARN(stream);
            } else {
                request.streamName(stream);
            }
            PutRecordsResponse response = kinesis.putRecords(request.build());
            List<Integer> failed = new ArrayList<>();
            List<PutRecordsResultEntry> entryResults = response.records();
            for (int k = 0; k < pending.size(); k++) {
                PutRecordsResultEntry e = entryResults.get(k);
                if (e.errorCode() != null) {
                    failed.add(pending.get(k));
                } else {
                    results[pending.get(k)] = new Sent(pending.get(k), e.shardId(), e.sequenceNumber());
                }
            }
            pending = failed;
            if (!pending.isEmpty()) {
                sleep(Math.min(2_000, 50L << Math.min(attempt, 6)));
            }
        }
    }

    /** The user id of the record where it can be read; else aggregateId, eventId, or a hash of the bytes. */
    public static String partitionKey(byte[] record) {
        try {
            JsonNode root = MAPPER.readTree(record);
            if (root != null && root.isObject()) {
                for (JsonNode candidate : new JsonNode[] {
                        root.path("payload").path("userId"), root.path("aggregateId"), root.path("eventId")}) {
                    if (candidate.isTextual() && !candidate.textValue().isEmpty()) {
                        String key = candidate.textValue();
                        return key.length() <= 256 ? key : key.substring(0, 256);
                    }
                }
            }
        } catch (Exception notJson) {
            // fall through to the hash
        }
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(record);
            StringBuilder sb = new StringBuilder("record-");
            for (int i = 0; i < 16; i++) {
                sb.append(String.format("%02x", d[i]));
            }
            return sb.toString();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing", e);
        }
    }
}
