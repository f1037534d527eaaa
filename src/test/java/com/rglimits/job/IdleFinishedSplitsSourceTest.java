package com.rglimits.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.junit.jupiter.api.Test;

/** A finished split's watermark output is marked idle just before the wrapped reader releases it. */
class IdleFinishedSplitsSourceTest {

    @Test
    void aFinishedSplitsOutputGoesIdleJustBeforeItIsReleased() throws Exception {
        RecordingOutput output = new RecordingOutput();
        SourceReader<Long, SourceSplit> reader = new IdleFinishedSplitsSource<>(new OneSplitSource()).createReader(null);

        assertThat(reader.pollNext(output)).isEqualTo(InputStatus.END_OF_INPUT);
        assertThat(output.events).containsExactly("record 1", "idle split-1", "release split-1");
    }

    /** One split, read in one poll: a record through the split's output, then the split finishes. */
    private static final class OneSplitSource implements Source<Long, SourceSplit, Void> {
        @Override
        public Boundedness getBoundedness() {
            return Boundedness.BOUNDED;
        }

        @Override
        public SourceReader<Long, SourceSplit> createReader(SourceReaderContext context) {
            return new SourceReader<>() {
                @Override
                public void start() {}

                @Override
                public InputStatus pollNext(ReaderOutput<Long> output) {
                    output.createOutputForSplit("split-1").collect(1L);
                    output.releaseOutputForSplit("split-1");
                    return InputStatus.END_OF_INPUT;
                }

                @Override
                public List<SourceSplit> snapshotState(long checkpointId) {
                    return List.of();
                }

                @Override
                public CompletableFuture<Void> isAvailable() {
                    return CompletableFuture.completedFuture(null);
                }

                @Override
                public void addSplits(List<SourceSplit> splits) {}

                @Override
                public void notifyNoMoreSplits() {}

                @Override
                public void close() {}
            };
        }

        @Override
        public SplitEnumerator<SourceSplit, Void> createEnumerator(SplitEnumeratorContext<SourceSplit> context) {
            throw new UnsupportedOperationException();
        }

        @Override
        public SplitEnumerator<SourceSplit, Void> restoreEnumerator(SplitEnumeratorContext<SourceSplit> context, Void state) {
            throw new UnsupportedOperationException();
        }

        @Override
        public SimpleVersionedSerializer<SourceSplit> getSplitSerializer() {
            throw new UnsupportedOperationException();
        }

        @Override
        public SimpleVersionedSerializer<Void> getEnumeratorCheckpointSerializer() {
            throw new UnsupportedOperationException();
        }
    }

    /** Records what a reader does to its output, in order. */
    private static final class RecordingOutput implements ReaderOutput<Long> {
        final List<String> events = new ArrayList<>();

        @Override
        public SourceOutput<Long> createOutputForSplit(String splitId) {
            return new SourceOutput<>() {
                @Override
                public void collect(Long record) {
                    events.add("record " + record);
                }

                @Override
                public void collect(Long record, long timestamp) {
                    collect(record);
                }

                @Override
                public void emitWatermark(Watermark watermark) {
                    events.add("watermark " + splitId);
                }

                @Override
                public void markIdle() {
                    events.add("idle " + splitId);
                }

                @Override
                public void markActive() {
                    events.add("active " + splitId);
                }
            };
        }

        @Override
        public void releaseOutputForSplit(String splitId) {
            events.add("release " + splitId);
        }

        @Override
        public void collect(Long record) {
            events.add("record " + record);
        }

        @Override
        public void collect(Long record, long timestamp) {
            collect(record);
        }

        @Override
        public void emitWatermark(Watermark watermark) {
            events.add("watermark");
        }

        @Override
        public void markIdle() {
            events.add("idle");
        }

        @Override
        public void markActive() {
            events.add("active");
        }
    }
}
