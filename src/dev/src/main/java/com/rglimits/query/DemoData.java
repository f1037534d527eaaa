package com.rglimits.query;

import com.rglimits.event.LimitPeriod;
import com.rglimits.event.LimitStatus;
import com.rglimits.event.LimitType;
import com.rglimits.limit.UserLimit;
import com.rglimits.table.LimitItems;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Generated limits for local runs and load measurements: users {@code user-000000} ...
 * with 1 to 4 limits each, the same for the same user number on every run.
 */
public final class DemoData {
    private static final int BATCH = 25; // BatchWriteItem's maximum
    private static final int WRITERS = 4;
    private static final long BASE_TIME = 1_718_000_000_000L;

    private DemoData() {}

    public static String userId(int user) {
        return String.format("user-%06d", user);
    }

    /** The limits of one demo user, derived from the user number alone. */
    static List<UserLimit> limitsOf(int user) {
        Random random = new Random(user * 0x9E3779B97F4A7C15L);
        LimitType[] types = LimitType.values();
        int count = 1 + random.nextInt(4);
        int firstType = random.nextInt(types.length);
        List<UserLimit> limits = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            UserLimit l = new UserLimit();
            l.userId = userId(user);
            l.type = types[(firstType + i) % types.length];
            l.period = LimitPeriod.values()[random.nextInt(LimitPeriod.values().length)];
            l.status = random.nextInt(10) < 7 ? LimitStatus.ACTIVE
                    : LimitStatus.values()[random.nextInt(LimitStatus.values().length)];
            l.userLimitId = "lim-" + l.type.name().toLowerCase(Locale.ROOT) + "-" + (i + 1);
            l.brandId = "brand-" + (1 + random.nextInt(3));
            l.currencyCode = "EUR";
            // One in twenty limits is 0 (a self-exclusion style limit): no percentage for those.
            l.value = random.nextInt(20) == 0 ? BigDecimal.ZERO : BigDecimal.valueOf(1_000 + random.nextInt(999_000), 2);
            l.progress = l.value.signum() == 0 ? BigDecimal.ZERO
                    : BigDecimal.valueOf((long) (random.nextDouble() * 1.1 * l.value.unscaledValue().longValue()), 2);
            l.activeFrom = BASE_TIME + random.nextInt(86_400_000);
            l.nextResetTime = l.period == LimitPeriod.INDEFINITE ? null : l.activeFrom + 86_400_000L;
            l.createdAt = l.activeFrom - 1_000;
            l.updatedAt = l.createdAt + random.nextInt(3_600_000);
            l.lastSequenceNumber = 1 + random.nextInt(1_000);
            l.lastEventId = "demo-" + user + "-" + i + "-" + l.lastSequenceNumber;
            limits.add(l);
        }
        return limits;
    }

    /**
     * Writes the limits of users 0 to users-1 with BatchWriteItem from a few threads, retrying
     * unprocessed items; reports the number of users written after each batch.
     */
    public static void load(DynamoDbClient client, String tableName, int users, IntConsumer progress) throws Exception {
        ExecutorService writers = Executors.newFixedThreadPool(WRITERS);
        try {
            AtomicInteger next = new AtomicInteger();
            AtomicInteger written = new AtomicInteger();
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                done.add(writers.submit(() -> {
                    List<WriteRequest> batch = new ArrayList<>(BATCH);
                    int usersInBatch = 0;
                    int user;
                    while ((user = next.getAndIncrement()) < users) {
                        for (UserLimit l : limitsOf(user)) {
                            batch.add(WriteRequest.builder()
                                    .putRequest(PutRequest.builder().item(LimitItems.toItem(l)).build()).build());
                        }
                        usersInBatch++;
                        // A user has at most 4 limits: flushing once above 21 keeps every batch within 25.
                        if (batch.size() > BATCH - 4) {
                            write(client, tableName, batch);
                            progress.accept(written.addAndGet(usersInBatch));
                            batch.clear();
                            usersInBatch = 0;
                        }
                    }
                    write(client, tableName, batch);
                    progress.accept(written.addAndGet(usersInBatch));
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            writers.shutdownNow();
        }
    }

    private static void write(DynamoDbClient client, String tableName, List<WriteRequest> batch) throws InterruptedException {
        List<WriteRequest> pending = new ArrayList<>(batch);
        for (int attempt = 0; !pending.isEmpty(); attempt++) {
            if (attempt > 0) {
                Thread.sleep(Math.min(1_000, 20L << attempt));
            }
            List<WriteRequest> requests = pending;
            BatchWriteItemResponse response = client.batchWriteItem(b -> b.requestItems(Map.of(tableName, requests)));
            pending = response.unprocessedItems().getOrDefault(tableName, List.of()).stream().collect(Collectors.toList());
        }
    }
}
