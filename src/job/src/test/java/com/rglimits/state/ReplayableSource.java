package com.rglimits.state;

import com.rglimits.event.EventParser;
import com.rglimits.event.ParsedRecord;
import com.rglimits.file.RawRecord;
import com.rglimits.file.RecordSplitter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;

/**
 * A FLIP-27 source over an events file that plays it at a bounded rate, so a job can be stopped,
 * savepointed and failed mid-stream. Its position (the index of the next record) is part of every
 * checkpoint and savepoint, like a Kinesis shard's sequence number: a restored job continues exactly
 * after the last record of the snapshot. Records are parsed at the source, as the real sources do.
 * Run it with parallelism 1 (one split: the records of a user stay in stream order).
 */
final class ReplayableSource {
    /** Per events file, how many of its records a source has emitted so far (the highest position reached). */
    private static final Map<String, AtomicLong> POSITIONS = new ConcurrentHashMap<>();

    private ReplayableSource() {}

    /**
     * How far the sources over this file have read (highest position; 0 before the first record).
     * The jobs run in this JVM's MiniCluster and load this class from the same class loader, so tests
     * can stop a run at a point of the stream rather than after some time.
     */
    static long position(Path file) {
        AtomicLong p = POSITIONS.get(file.toString());
        return p == null ? 0 : p.get();
    }

    static DataGeneratorSource<ParsedRecord> of(Path file, long records, RateLimiterStrategy rate) {
        return new DataGeneratorSource<>(new Records(file.toString()), records, rate, TypeInformation.of(ParsedRecord.class));
    }

    private static final class Records implements GeneratorFunction<Long, ParsedRecord> {
        private static final long serialVersionUID = 1L;
        private final String file;
        private transient List<RawRecord> records;
        private transient AtomicLong position;

        Records(String file) {
            this.file = file;
        }

        @Override
        public void open(SourceReaderContext readerContext) throws Exception {
            records = RecordSplitter.split(Files.readAllBytes(Path.of(file)), file);
            position = POSITIONS.computeIfAbsent(file, f -> new AtomicLong());
        }

        @Override
        public ParsedRecord map(Long index) {
            RawRecord raw = records.get(index.intValue());
            position.accumulateAndGet(index + 1, Math::max);
            return EventParser.parse(raw.bytes(), raw.source(), System.currentTimeMillis());
        }
    }
}
