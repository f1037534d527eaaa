package com.rglimits.event;

import java.util.Objects;

/**
 * Where a record was read from, so that a dead letter can point back at it: a Kinesis stream,
 * shard and sequence number, or a local file and line (or array element).
 */
public class RecordSource {
    public String stream;
    public String shardId;
    public String sequenceNumber;
    public String file;
    public Long line;
    public Long element;

    public RecordSource() {}

    public static RecordSource kinesis(String stream, String shardId, String sequenceNumber) {
        RecordSource s = new RecordSource();
        s.stream = stream;
        s.shardId = shardId;
        s.sequenceNumber = sequenceNumber;
        return s;
    }

    public static RecordSource fileLine(String file, long line) {
        RecordSource s = new RecordSource();
        s.file = file;
        s.line = line;
        return s;
    }

    public static RecordSource fileElement(String file, long element) {
        RecordSource s = new RecordSource();
        s.file = file;
        s.element = element;
        return s;
    }

    /** The input split it was read from: the stream's shard, or the file. */
    public String split() {
        return file != null ? file : stream + "/" + shardId;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof RecordSource)) {
            return false;
        }
        RecordSource that = (RecordSource) o;
        return Objects.equals(stream, that.stream)
                && Objects.equals(shardId, that.shardId)
                && Objects.equals(sequenceNumber, that.sequenceNumber)
                && Objects.equals(file, that.file)
                && Objects.equals(line, that.line)
                && Objects.equals(element, that.element);
    }

    @Override
    public int hashCode() {
        return Objects.hash(stream, shardId, sequenceNumber, file, line, element);
    }

    @Override
    public String toString() {
        return file != null
                ? file + (line != null ? ":" + line : "[" + element + "]")
                : stream + "/" + shardId + "/" + sequenceNumber;
    }
}
