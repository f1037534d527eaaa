package com.rglimits.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rglimits.deadletter.DeadLetterReason;
import com.rglimits.job.Accounting;
import com.rglimits.limit.LimitRules;
import com.rglimits.limit.RuleResult;
import com.rglimits.limit.UserLimit;
import com.rglimits.table.LimitItems;
import com.rglimits.testing.Events;
import com.rglimits.testing.GeneratedEvents;
import com.rglimits.testing.TestBeds;
import com.rglimits.tools.BootstrapSavepoint;
import com.rglimits.tools.InspectSavepoint;
import com.rglimits.tools.LimitExport;
import com.rglimits.tools.ToolException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The operator tools on real savepoints: of a real job run, and bootstrapped ones the real job starts from. */
class SavepointToolsIT extends SavepointTestBase {

    @Test
    void inspectWritesExactlyTheLimitsOfARealSavepointAndThePerUserState(@TempDir Path dir) throws Exception {
        GeneratedEvents generated = GeneratedEvents.generate(41, 6, 500, 3_000);
        StateTestJob job = newJob(generated, dir, TestBeds.uniqueName("limits-inspect"));
        job.recordsPerSecond = 400;
        int items = generated.expectedLimits.size();

        JobClient run = job.start(1, 2, null);
        try (TablePoller poller = new TablePoller(dynamoDb, job.table)) {
            await("a tenth of the limits", () -> poller.itemsSeen() >= items / 10);
        }
        // Mid-stream, not stopping: events are held (the watermark trails by the out-of-orderness bound).
        String running = run.triggerSavepoint(dir.resolve("savepoints").toUri().toString(), SavepointFormatType.CANONICAL)
                .get(60, TimeUnit.SECONDS);
        String nativeSavepoint = run.triggerSavepoint(dir.resolve("savepoints").toUri().toString(), SavepointFormatType.NATIVE)
                .get(60, TimeUnit.SECONDS);
        // Stop with drain: every held event is released and every buffered write reaches the table first.
        String drained = run.stopWithSavepoint(true, dir.resolve("savepoints").toUri().toString(), SavepointFormatType.CANONICAL)
                .get(60, TimeUnit.SECONDS);
        Accounting.Summary summary = Accounting.summary(run.getJobExecutionResult().get(60, TimeUnit.SECONDS));

        InspectSavepoint.Result midStream = InspectSavepoint.run(StreamExecutionEnvironment.getExecutionEnvironment(),
                new String[] {"--savepoint", running, "--out", dir.resolve("running.jsonl").toString()});
        assertThat(midStream.heldEvents).as("held events in a mid-stream savepoint").isPositive();
        assertThat(midStream.format).as("the job's canonical savepoints compressed")
                .isEqualTo(InspectSavepoint.StateFormat.CANONICAL_COMPRESSED);
        assertThat(midStream.seenEventIds).isPositive();
        InspectSavepoint.Result ofNative = InspectSavepoint.run(StreamExecutionEnvironment.getExecutionEnvironment(),
                new String[] {"--savepoint", nativeSavepoint, "--out", dir.resolve("native.jsonl").toString()});
        assertThat(ofNative.format).isEqualTo(InspectSavepoint.StateFormat.NATIVE);
        assertThat(ofNative.limits).as("limits in a native savepoint").isPositive();

        Path limitsFile = dir.resolve("limits.jsonl");
        InspectSavepoint.Result result = InspectSavepoint.run(StreamExecutionEnvironment.getExecutionEnvironment(),
                new String[] {"--savepoint", drained, "--out", limitsFile.toString()});
        Map<String, UserLimit> table = job.table();
        Map<String, UserLimit> inspected = byKey(readLimits(limitsFile));
        assertThat(inspected).hasSize(table.size()).isEqualTo(table);
        assertThat(result.limits).isEqualTo(table.size());
        assertThat(result.heldEvents).as("drained: nothing held").isZero();
        // The lines are the table's items, attribute for attribute (as LocalRun --export.file writes them).
        try (DynamoDbClient client = dynamoDb.client()) {
            Map<String, String> exported = new HashMap<>();
            com.rglimits.table.LimitTable.scanAll(client, job.table).forEach(item -> exported.put(
                    item.get(LimitItems.USER_ID).s() + "/" + item.get(LimitItems.USER_LIMIT_ID).s(),
                    com.rglimits.table.LimitTable.toJson(item)));
            for (String line : Files.readAllLines(limitsFile)) {
                JsonNode n = MAPPER.readTree(line);
                assertThat(line).isEqualTo(exported.get(n.get("userId").asText() + "/" + n.get("userLimitId").asText()));
            }
        }
        // Per-user state: one line per user who sent a limit event, with the cursor at or past the newest limit version.
        List<String> users = Files.readAllLines(dir.resolve("limits-users.jsonl"));
        assertThat(users).hasSize(6);
        long seen = 0;
        for (String line : users) {
            JsonNode u = MAPPER.readTree(line);
            String userId = u.get("userId").asText();
            List<UserLimit> ofUser = new ArrayList<>();
            table.values().stream().filter(l -> l.userId.equals(userId)).forEach(ofUser::add);
            assertThat(u.get("limits").asInt()).isEqualTo(ofUser.size());
            long newest = ofUser.stream().mapToLong(l -> l.lastSequenceNumber).max().orElse(-1);
            assertThat(u.get("lastSequenceNumber").asLong()).isGreaterThanOrEqualTo(newest);
            assertThat(u.get("heldEvents").asInt()).isZero();
            seen += u.get("seenEventIds").asLong();
        }
        // Every distinct event read so far is remembered by the dedup set (within its retention).
        assertThat(seen).isEqualTo(summary.applied + summary.deadLettered(DeadLetterReason.UNKNOWN_LIMIT)
                + summary.deadLettered(DeadLetterReason.LIMIT_ALREADY_EXISTS) + summary.deadLettered(DeadLetterReason.LATE_EVENT));
    }

    @Test
    void aBootstrappedSavepointLetsTheJobApplyUpdatesWhoseCreatedEventsAreGone(@TempDir Path dir) throws Exception {
        // History: the replaced system applied CREATED and some updates; only its table is left.
        Random random = new Random(5);
        List<ObjectNode> history = new ArrayList<>();
        List<ObjectNode> live = new ArrayList<>();
        long time = 1_718_000_000_000L;
        Map<String, BigDecimal> progress = new HashMap<>();
        List<String> limitKeys = new ArrayList<>();
        for (int u = 0; u < 8; u++) {
            String user = "user-" + u;
            long seq = 100;
            for (int l = 0; l < 5; l++) {
                String limitId = "lim-" + l;
                history.add(Events.created(user + "-c" + l, user, limitId, seq++, time + seq, (1000 + l) + ".00"));
                progress.put(user + "/" + limitId, BigDecimal.ZERO);
                limitKeys.add(user + "/" + limitId);
            }
            for (int i = 0; i < 10; i++) {
                history.add(progressEvent(user + "-h" + i, user, "lim-" + random.nextInt(5), seq++, time + seq, random, progress));
            }
        }
        // The live stream: updates only, in order per user, plus one stale event per user (its seq is behind the cursor).
        Map<String, Long> cursor = new HashMap<>();
        history.forEach(e -> cursor.merge(e.get("aggregateId").asText(), e.get("sequenceNumber").asLong(), Math::max));
        for (int i = 0; i < 40; i++) {
            for (int u = 0; u < 8; u++) {
                String user = "user-" + u;
                long seq = cursor.get(user) + 1 + i;
                String limitId = "lim-" + random.nextInt(5);
                live.add(i % 7 == 3
                        ? Events.reset(user + "-r" + i, user, limitId, seq, time + 10_000 + seq * 10)
                        : progressEvent(user + "-p" + i, user, limitId, seq, time + 10_000 + seq * 10, random, progress));
            }
        }
        for (int u = 0; u < 8; u++) {
            String user = "user-" + u;
            live.add(Events.progress(user + "-stale", user, "lim-0", cursor.get(user) - 1, time + 20_000_000, "0", "5"));
        }
        Map<String, UserLimit> before = model(history, new TreeMap<>());
        Map<String, UserLimit> expected = model(live, new TreeMap<>(before));

        // The export of the old table (DynamoDB JSON for one user, as an AWS table export writes it).
        Path export = dir.resolve("export.jsonl");
        StringBuilder lines = new StringBuilder();
        for (UserLimit l : before.values()) {
            lines.append(l.userId.equals("user-7") ? dynamoDbJson(l) : LimitExport.toJson(l)).append("\n");
        }
        Files.writeString(export, lines.toString());
        // The migrated table holds the old items; the job must carry on from them.
        String table = TestBeds.uniqueName("limits-bootstrap");
        Path events = dir.resolve("live.ndjson");
        StringBuilder ndjson = new StringBuilder();
        live.forEach(e -> ndjson.append(e).append('\n'));
        Files.writeString(events, ndjson.toString());
        try (DynamoDbClient client = dynamoDb.client()) {
            com.rglimits.table.LimitTable.create(client, table);
            before.values().forEach(l -> client.putItem(b -> b.tableName(table).item(LimitItems.toItem(l))));
        }

        Path savepoint = dir.resolve("bootstrapped");
        BootstrapSavepoint.Result written = BootstrapSavepoint.run(StreamExecutionEnvironment.getExecutionEnvironment(),
                new String[] {"--limits", export.toString(), "--out", savepoint.toString(), "--max-parallelism", "128"});
        assertThat(written.limits).isEqualTo(40);
        assertThat(written.users).isEqualTo(8);

        // Round trip: the savepoint holds exactly the exported limits, and each user's cursor.
        Path inspected = dir.resolve("inspected.jsonl");
        InspectSavepoint.Result bootstrapped = InspectSavepoint.run(StreamExecutionEnvironment.getExecutionEnvironment(),
                new String[] {"--savepoint", savepoint.toString(), "--out", inspected.toString()});
        assertThat(bootstrapped.format).as("compressed as the job's own canonical savepoints")
                .isEqualTo(InspectSavepoint.StateFormat.CANONICAL_COMPRESSED);
        assertThat(byKey(readLimits(inspected))).isEqualTo(before);
        for (String line : Files.readAllLines(dir.resolve("inspected-users.jsonl"))) {
            JsonNode u = MAPPER.readTree(line);
            assertThat(u.get("lastSequenceNumber").asLong()).isEqualTo(cursor.get(u.get("userId").asText()));
        }

        // The real job from the bootstrapped savepoint, at a parallelism the bootstrap never saw.
        StateTestJob job = new StateTestJob(events, dir.resolve("out"), dynamoDb, table);
        job.recordsPerSecond = 5_000;
        JobClient run = job.start(1, 3, savepoint.toString());
        Accounting.Summary summary = Accounting.summary(run.getJobExecutionResult().get(120, TimeUnit.SECONDS));
        assertThat(summary.deadLettered(DeadLetterReason.UNKNOWN_LIMIT)).as(summary.deadLetterLine()).isZero();
        assertThat(summary.deadLettered(DeadLetterReason.LATE_EVENT)).as("stale events behind the bootstrapped cursor").isEqualTo(8);
        assertThat(summary.applied).isEqualTo(live.size() - 8);
        assertThat(job.table()).isEqualTo(expected);
    }

    @Test
    void bootstrapReportsEveryBadLineWithItsNumberAndWritesNothing(@TempDir Path dir) throws Exception {
        UserLimit l = LimitExport.parse("{\"userId\":\"u\",\"userLimitId\":\"a\",\"brandId\":\"b\",\"currencyCode\":\"EUR\","
                + "\"type\":\"DEPOSIT\",\"period\":\"DAY\",\"status\":\"ACTIVE\",\"value\":\"10\",\"progress\":\"2.5\","
                + "\"createdAt\":1,\"updatedAt\":2,\"lastEventId\":\"e\",\"lastSequenceNumber\":3}");
        String good = LimitExport.toJson(l);
        Path export = dir.resolve("export.jsonl");
        Files.writeString(export, good + "\n"
                + "\n"
                + "{not json\n"
                + good.replace("\"value\":\"10\"", "\"value\":\"ten\"") + "\n"
                + good + "\n"
                + good.replace("\"type\":\"DEPOSIT\"", "\"type\":\"WAGER\"").replace("\"userLimitId\":\"a\"", "\"userLimitId\":\"b\"") + "\n"
                + good.replace("\"remaining\":\"7.5\"", "\"remaining\":\"8\"").replace("\"userLimitId\":\"a\"", "\"userLimitId\":\"c\"") + "\n"
                + good.replace(",\"lastSequenceNumber\":3", "").replace("\"userLimitId\":\"a\"", "\"userLimitId\":\"d\"") + "\n",
                StandardCharsets.UTF_8);
        Path out = dir.resolve("sp");
        assertThatThrownBy(() -> BootstrapSavepoint.run(StreamExecutionEnvironment.getExecutionEnvironment(),
                new String[] {"--limits", export.toString(), "--out", out.toString()}))
                .isInstanceOf(ToolException.class)
                .hasMessage("6 bad lines in " + export + ", no savepoint written:\n"
                        + export + ":3: not JSON: Unexpected character ('n' (code 110)): was expecting double-quote to start field name\n"
                        + export + ":4: 'value' is not a decimal string: ten\n"
                        + export + ":5: limit u/a is already on line 1\n"
                        + export + ":6: 'type' is not one of [BALANCE, BET, DEPOSIT, LOSS, SESSION]: WAGER\n"
                        + export + ":7: 'remaining' is 8 but value - progress is 7.5\n"
                        + export + ":8: 'lastSequenceNumber' is missing");
        assertThat(out).doesNotExist();
        assertThatThrownBy(() -> InspectSavepoint.run(StreamExecutionEnvironment.getExecutionEnvironment(),
                new String[] {"--savepoint", dir.resolve("nothing").toString(), "--out", dir.resolve("x.jsonl").toString()}))
                .isInstanceOf(ToolException.class)
                .hasMessage("savepoint " + dir.resolve("nothing") + " does not exist");
        Files.createDirectories(dir.resolve("full"));
        Files.writeString(dir.resolve("full").resolve("f"), "x");
        assertThatThrownBy(() -> BootstrapSavepoint.run(StreamExecutionEnvironment.getExecutionEnvironment(),
                new String[] {"--limits", export.toString(), "--out", dir.resolve("full").toString()}))
                .isInstanceOf(ToolException.class);
    }

    private static ObjectNode progressEvent(String eventId, String user, String limitId, long seq, long createdAt, Random random,
            Map<String, BigDecimal> progress) {
        BigDecimal previous = progress.get(user + "/" + limitId);
        BigDecimal amount = new BigDecimal(random.nextInt(10_000)).movePointLeft(2);
        progress.put(user + "/" + limitId, previous.add(amount));
        return Events.progress(eventId, user, limitId, seq, createdAt, previous.toPlainString(), amount.toPlainString());
    }

    private static Map<String, UserLimit> model(List<ObjectNode> events, Map<String, UserLimit> limits) {
        Map<String, Long> last = new HashMap<>();
        limits.values().forEach(l -> last.merge(l.userId, l.lastSequenceNumber, Math::max));
        for (ObjectNode node : events) {
            var e = Events.event(node);
            Long cursor = last.get(e.userId);
            if (cursor != null && e.sequenceNumber <= cursor) {
                continue;
            }
            last.put(e.userId, e.sequenceNumber);
            RuleResult r = LimitRules.apply(limits.get(e.userId + "/" + e.userLimitId), e);
            if (r.isApplied()) {
                limits.put(e.userId + "/" + e.userLimitId, r.limit());
            }
        }
        return limits;
    }

    private static String dynamoDbJson(UserLimit l) {
        ObjectNode item = MAPPER.createObjectNode();
        LimitItems.toItem(l).forEach((k, v) -> {
            if (v.s() != null) {
                item.putObject(k).put("S", v.s());
            } else {
                item.putObject(k).put("N", v.n());
            }
        });
        ObjectNode line = MAPPER.createObjectNode();
        line.set("Item", item);
        return line.toString();
    }

    private static List<UserLimit> readLimits(Path file) throws Exception {
        List<UserLimit> limits = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            limits.add(LimitExport.parse(line));
        }
        return limits;
    }

    private static Map<String, UserLimit> byKey(List<UserLimit> limits) {
        Map<String, UserLimit> m = new TreeMap<>();
        limits.forEach(l -> assertThat(m.put(l.userId + "/" + l.userLimitId, l)).isNull());
        return m;
    }
}
