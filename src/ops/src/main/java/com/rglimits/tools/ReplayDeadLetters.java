package com.rglimits.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rglimits.aws.AwsClients;
import com.rglimits.aws.AwsSettings;
import com.rglimits.config.ConfigException;
import com.rglimits.config.ConfigReaders;
import com.rglimits.config.Settings;
import com.rglimits.console.Progress;
import com.rglimits.deadletter.DeadLetterReason;
import com.rglimits.kinesis.RecordPublisher;
import com.rglimits.kinesis.StreamReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * Publishes selected dead letters' original records back to the input stream, once their cause is
 * fixed: {@code --to STREAM} and either {@code --from-file DLQ.jsonl} or {@code --from-stream
 * DLQ_STREAM}; {@code --reason R[,R...]}, {@code --since MS}, {@code --until MS} (deadLetteredAt,
 * inclusive) select; {@code --rate N} records/s; {@code --dry-run} only counts; {@code aws.*} as
 * for the job. Records keep their eventId and sequenceNumber: see docs/operations.md for when a
 * replay takes effect.
 */
public final class ReplayDeadLetters {
    static final String FROM_FILE = "from-file";
    static final String FROM_STREAM = "from-stream";
    static final String TO = "to";
    static final String REASON = "reason";
    static final String SINCE = "since";
    static final String UNTIL = "until";
    static final String RATE = "rate";
    static final String DRY_RUN = "dry-run";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ReplayDeadLetters() {}

    /** Which dead letters to replay. */
    static final class Selection {
        final Set<DeadLetterReason> reasons;
        final long since;
        final long until;

        Selection(Set<DeadLetterReason> reasons, long since, long until) {
            this.reasons = reasons;
            this.since = since;
            this.until = until;
        }

        /** The original record of a dead letter (its JSON line) when it is selected, else null. */
        byte[] originalIfSelected(byte[] deadLetterJson, String where) throws ToolException {
            JsonNode d;
            try {
                d = MAPPER.readTree(deadLetterJson);
            } catch (IOException e) {
                throw new ToolException(where + ": not a dead letter (not JSON)");
            }
            JsonNode reason = d.get("reason");
            JsonNode at = d.get("deadLetteredAt");
            if (reason == null || at == null || !at.canConvertToLong()) {
                throw new ToolException(where + ": not a dead letter (no reason or deadLetteredAt)");
            }
            DeadLetterReason r;
            try {
                r = DeadLetterReason.valueOf(reason.asText());
            } catch (IllegalArgumentException e) {
                throw new ToolException(where + ": unknown reason " + reason.asText());
            }
            if (!reasons.contains(r) || at.asLong() < since || at.asLong() > until) {
                return null;
            }
            if (d.hasNonNull("record")) {
                return d.get("record").asText().getBytes(StandardCharsets.UTF_8);
            }
            if (d.hasNonNull("recordBase64")) {
                return Base64.getDecoder().decode(d.get("recordBase64").asText());
            }
            throw new ToolException(where + ": dead letter without record or recordBase64");
        }
    }

    /** What a replay did. */
    public static final class Result {
        public final int read;
        public final int replayed;
        public final String to;
        public final boolean dryRun;

        Result(int read, int replayed, String to, boolean dryRun) {
            this.read = read;
            this.replayed = replayed;
            this.to = to;
            this.dryRun = dryRun;
        }

        String line() {
            return (dryRun ? "would replay " : "replayed ") + replayed + " of " + read + " dead letters to " + to;
        }
    }

    public static void main(String[] args) {
        Tools.main(a -> System.out.println(run(a).line()), args);
    }

    public static Result run(String[] args) throws Exception {
        Settings s = ConfigReaders.fromArgs(args);
        String file = s.string(FROM_FILE, null);
        String stream = s.string(FROM_STREAM, null);
        if ((file == null) == (stream == null)) {
            throw new ConfigException("give exactly one of " + s.describe(FROM_FILE) + " and " + s.describe(FROM_STREAM));
        }
        String to = s.required(TO);
        Selection selection = new Selection(reasons(s), s.longValue(SINCE, 0, 0), s.longValue(UNTIL, Long.MAX_VALUE, 0));
        double rate = s.longValue(RATE, 0, 0);
        boolean dryRun = Boolean.parseBoolean(s.string(DRY_RUN, "false"));
        AwsSettings aws = AwsSettings.of(s.withPrefix(AwsSettings.PREFIX));
        s.rejectUnknown();

        try (KinesisClient kinesis = AwsClients.sync(aws, KinesisClient.builder())) {
            List<byte[]> deadLetters = file != null ? lines(Path.of(file)) : all(kinesis, stream);
            String origin = file != null ? file : "stream " + stream;
            List<byte[]> records = new ArrayList<>();
            for (int i = 0; i < deadLetters.size(); i++) {
                byte[] original = selection.originalIfSelected(deadLetters.get(i), origin + " #" + (i + 1));
                if (original != null) {
                    records.add(original);
                }
            }
            if (!dryRun) {
                try (Progress progress = Progress.start("replay to " + to, records.size(), "records")) {
                    RecordPublisher.publish(kinesis, to, records, rate, progress::stepTo);
                }
            }
            return new Result(deadLetters.size(), records.size(), to, dryRun);
        }
    }

    private static Set<DeadLetterReason> reasons(Settings s) {
        String given = s.string(REASON, null);
        if (given == null) {
            return EnumSet.allOf(DeadLetterReason.class);
        }
        Set<DeadLetterReason> reasons = EnumSet.noneOf(DeadLetterReason.class);
        for (String r : given.split(",")) {
            try {
                reasons.add(DeadLetterReason.valueOf(r.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(s.describe(REASON) + " must list reasons of "
                        + Arrays.toString(DeadLetterReason.values()) + ", got '" + r.trim() + "'");
            }
        }
        return reasons;
    }

    private static List<byte[]> lines(Path file) throws ToolException {
        List<byte[]> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    out.add(line.getBytes(StandardCharsets.UTF_8));
                }
            }
        } catch (IOException e) {
            throw new ToolException("cannot read " + file + ": " + e.getMessage());
        }
        return out;
    }

    /** Everything on the dead-letter stream, from its oldest record. */
    private static List<byte[]> all(KinesisClient kinesis, String stream) {
        List<byte[]> out = new ArrayList<>();
        new StreamReader(kinesis, stream).poll().forEach(r -> out.add(r.record.data().asByteArray()));
        return out;
    }
}
