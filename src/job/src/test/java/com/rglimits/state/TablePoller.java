package com.rglimits.state;

import com.rglimits.localaws.Dynalite;
import com.rglimits.table.LimitItems;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Scans the table over and over while jobs run, as a reader of the table would, and records every
 * item's version (lastSequenceNumber): an item seen at a version lower than one seen before is a
 * table that moved backwards.
 */
final class TablePoller implements AutoCloseable {
    private final DynamoDbClient client;
    private final String table;
    private final Map<String, Long> highest = new HashMap<>();
    private final List<String> backwards = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long scans;
    private volatile long versionChanges;
    private volatile Throwable error;

    TablePoller(Dynalite dynamoDb, String table) {
        this.client = dynamoDb.client();
        this.table = table;
        thread = new Thread(this::loop, "table-poller-" + table);
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        try {
            while (running) {
                scanOnce();
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            error = t;
        }
    }

    private void scanOnce() {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        client.scanPaginator(b -> b.tableName(table)).items().forEach(items::add);
        synchronized (this) {
            for (Map<String, AttributeValue> item : items) {
                String key = item.get(LimitItems.USER_ID).s() + "/" + item.get(LimitItems.USER_LIMIT_ID).s();
                long seq = Long.parseLong(item.get(LimitItems.LAST_SEQUENCE_NUMBER).n());
                Long before = highest.get(key);
                if (before != null && seq < before) {
                    backwards.add(key + " went from version " + before + " back to " + seq);
                } else if (before == null || seq > before) {
                    highest.put(key, seq);
                    versionChanges++;
                }
            }
            scans++;
        }
    }

    synchronized int itemsSeen() {
        return highest.size();
    }

    long scans() {
        return scans;
    }

    long versionChanges() {
        return versionChanges;
    }

    synchronized List<String> backwards() {
        return new ArrayList<>(backwards);
    }

    /** Stops after one last full scan. */
    @Override
    public void close() throws Exception {
        if (!running) {
            return;
        }
        running = false;
        thread.join(30_000);
        scanOnce();
        client.close();
        if (error != null) {
            throw new AssertionError("table poller failed", error);
        }
    }
}
