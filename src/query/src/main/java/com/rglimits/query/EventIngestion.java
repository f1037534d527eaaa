package com.rglimits.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rglimits.event.EventParser;
import com.rglimits.event.ParsedRecord;
import com.rglimits.file.RawRecord;
import com.rglimits.file.RecordSplitter;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;

/**
 * {@code POST /events} (events scope): for producers that cannot use the Kinesis SDK. A JSON array
 * or NDJSON of up to {@value #MAX_EVENTS} records (split as events files are, {@link RecordSplitter}),
 * each checked by the job's own parser with the job's bound on {@code createdAt}; the valid ones
 * (and records of other types, which the job skips as it would from Kinesis) are put to the input
 * stream with one PutRecords, partition key the user id, in the request's order; a record whose
 * eventId an earlier record of the request has is not put again. Answers 202 with one result per
 * record. A record the job would dead-letter as INVALID_EVENT is refused here with the job's error.
 */
final class EventIngestion {
    /** PutRecords' own limits: 500 records, 5 MiB per request. */
    static final int MAX_EVENTS = 500;
    static final int MAX_BODY = 5 * 1024 * 1024;
    /** Attempts of the records Kinesis answers as failed (throttled, internal failure) before they are reported failed. */
    private static final int ATTEMPTS = 3;

    private static final System.Logger LOG = System.getLogger(EventIngestion.class.getName());

    private final ObjectMapper mapper = new ObjectMapper();
    private final KinesisClient kinesis;
    private final String stream;
    private final long maxAheadMs;

    EventIngestion(KinesisClient kinesis, String stream, long maxAheadMs) {
        this.kinesis = kinesis;
        this.stream = stream;
        this.maxAheadMs = maxAheadMs;
    }

    void handle(HttpServerExchange exchange) {
        if (!exchange.getRequestMethod().equals(Methods.POST)) {
            exchange.getResponseHeaders().put(Headers.ALLOW, "POST");
            throw new ApiException(405, "method_not_allowed", "only POST is allowed here");
        }
        List<RawRecord> records;
        try {
            records = RecordSplitter.split(RequestBody.read(exchange, MAX_BODY), "request");
        } catch (IOException e) {
            throw ApiException.badRequest("the body could not be split into records: " + e.getMessage());
        }
        if (records.isEmpty()) {
            throw ApiException.badRequest("the body holds no events (a JSON array or one JSON event per line)");
        }
        if (records.size() > MAX_EVENTS) {
            throw new ApiException(413, "too_large", "at most " + MAX_EVENTS + " events per request, got " + records.size());
        }
        long now = System.currentTimeMillis();
        ObjectNode[] results = new ObjectNode[records.size()];
        List<Integer> toPut = new ArrayList<>();
        List<PutRecordsRequestEntry> entries = new ArrayList<>();
        Map<String, Integer> firstByEventId = new HashMap<>();
        for (int i = 0; i < records.size(); i++) {
            byte[] bytes = records.get(i).bytes();
            ParsedRecord parsed = EventParser.parse(bytes, records.get(i).source(), now, maxAheadMs);
            ObjectNode result = mapper.createObjectNode().put("index", i);
            results[i] = result;
            if (parsed.kind == ParsedRecord.Kind.INVALID) {
                putIfPresent(result, "eventId", parsed.invalid.eventId);
                result.put("status", "rejected").put("reason", "INVALID_EVENT").put("error", parsed.invalid.error);
                continue;
            }
            String eventId = parsed.kind == ParsedRecord.Kind.EVENT ? parsed.event.eventId : eventIdOf(bytes);
            putIfPresent(result, "eventId", eventId);
            Integer first = eventId == null ? null : firstByEventId.putIfAbsent(eventId, i);
            if (first != null) {
                result.put("status", "duplicate").put("duplicateOf", first);
                continue;
            }
            String key = parsed.kind == ParsedRecord.Kind.EVENT ? parsed.event.userId : parsed.skippedKey;
            toPut.add(i);
            entries.add(PutRecordsRequestEntry.builder()
                    .data(SdkBytes.fromByteArray(bytes))
                    // A record of another type without any id still needs a key: its content spreads such records.
                    .partitionKey(key != null ? key : Integer.toHexString(java.util.Arrays.hashCode(bytes)))
                    .build());
        }
        put(exchange, entries, toPut, results);
        ObjectNode body = mapper.createObjectNode();
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String status : new String[] {"accepted", "rejected", "duplicate", "failed"}) {
            counts.put(status, 0);
        }
        ArrayNode list = mapper.createArrayNode();
        for (ObjectNode r : results) {
            counts.merge(r.get("status").asText(), 1, Integer::sum);
            list.add(r);
        }
        body.put("received", records.size());
        counts.forEach(body::put);
        body.set("results", list);
        send(exchange, body);
    }

    /** Puts the entries, retrying those Kinesis answers as failed, and writes each one's result. */
    private void put(HttpServerExchange exchange, List<PutRecordsRequestEntry> entries, List<Integer> indexes,
            ObjectNode[] results) {
        List<PutRecordsRequestEntry> pending = entries;
        List<Integer> pendingIndexes = indexes;
        for (int attempt = 1; !pending.isEmpty(); attempt++) {
            List<PutRecordsRequestEntry> send = pending;
            List<PutRecordsResultEntry> answers = putRecords(send, exchange);
            List<PutRecordsRequestEntry> retry = new ArrayList<>();
            List<Integer> retryIndexes = new ArrayList<>();
            for (int j = 0; j < answers.size(); j++) {
                PutRecordsResultEntry answer = answers.get(j);
                ObjectNode result = results[pendingIndexes.get(j)];
                if (answer.errorCode() == null) {
                    result.put("status", "accepted").put("shardId", answer.shardId()).put("sequenceNumber", answer.sequenceNumber());
                } else if (attempt < ATTEMPTS) {
                    retry.add(pending.get(j));
                    retryIndexes.add(pendingIndexes.get(j));
                } else {
                    result.put("status", "failed").put("error", answer.errorCode() + ": " + answer.errorMessage());
                }
            }
            if (!retry.isEmpty()) {
                sleep(50L << attempt);
            }
            pending = retry;
            pendingIndexes = retryIndexes;
        }
    }

    /**
     * One PutRecords. When it fails as a whole the request is 503 even if an earlier attempt put
     * some of its records: the producer sends the batch again, and the job drops the copies by eventId.
     */
    private List<PutRecordsResultEntry> putRecords(List<PutRecordsRequestEntry> entries, HttpServerExchange exchange) {
        try {
            return kinesis.putRecords(b -> b.streamName(stream).records(entries)).records();
        } catch (SdkClientException | ResourceNotFoundException e) {
            throw unavailable(exchange, e);
        } catch (AwsServiceException e) {
            if (e.isThrottlingException() || e.statusCode() >= 500) {
                throw unavailable(exchange, e);
            }
            throw e;
        }
    }

    private static ApiException unavailable(HttpServerExchange exchange, RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "Kinesis unavailable: " + e.getMessage());
        exchange.getResponseHeaders().put(Headers.RETRY_AFTER, "1");
        return new ApiException(503, "unavailable", "the input stream is unavailable, retry later");
    }

    private String eventIdOf(byte[] bytes) {
        try {
            JsonNode id = mapper.readTree(bytes).get("eventId");
            return id != null && id.isTextual() ? id.textValue() : null;
        } catch (IOException e) {
            return null; // parsed as a record already: cannot happen
        }
    }

    private static void putIfPresent(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }

    private static void sleep(long ms) {
        try {
            TimeUnit.MILLISECONDS.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void send(HttpServerExchange exchange, ObjectNode body) {
        try {
            exchange.setStatusCode(202);
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
            exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
            exchange.getResponseSender().send(mapper.writeValueAsString(body));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
