package com.rglimits.file;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.rglimits.event.RecordSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Splits an events file into records, keeping each record's original bytes: a JSON array gives
 * one record per element; anything else is read as one record per line (NDJSON), blank lines
 * ignored. A broken line is just a bad record. When an array is broken, the rest of the file from
 * the broken element on becomes one last record, so it is dead-lettered rather than lost. A UTF-8
 * byte order mark at the start (as Windows tools write it) is not part of any record.
 *
 * <p>The one set of rules for events files: the local run reads them with it, the producer and the
 * tools publish what it splits.
 */
public final class RecordSplitter {
    private static final JsonFactory JSON = new JsonFactory();
    private static final byte[] BYTE_ORDER_MARK = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private final byte[] data;
    private final String fileName;
    private final JsonParser arrayParser;
    private int position;
    private long index;
    private boolean done;

    public RecordSplitter(byte[] data, String fileName) throws IOException {
        this.data = hasByteOrderMark(data) ? Arrays.copyOfRange(data, BYTE_ORDER_MARK.length, data.length) : data;
        this.fileName = fileName;
        int first = skipWhitespace(this.data, 0);
        if (first < this.data.length && this.data[first] == '[') {
            arrayParser = JSON.createParser(this.data);
            arrayParser.nextToken();
        } else {
            arrayParser = null;
        }
    }

    /** Every record of the file, in order. */
    public static List<RawRecord> split(byte[] data, String fileName) throws IOException {
        RecordSplitter splitter = new RecordSplitter(data, fileName);
        List<RawRecord> records = new ArrayList<>();
        for (RawRecord r = splitter.next(); r != null; r = splitter.next()) {
            records.add(r);
        }
        return records;
    }

    /** Every record of the file, in order, as its original bytes. */
    public static List<byte[]> read(Path file) throws IOException {
        List<byte[]> records = new ArrayList<>();
        split(Files.readAllBytes(file), file.toString()).forEach(r -> records.add(r.bytes()));
        return records;
    }

    /** How many records the file holds. */
    public static long count(Path file) throws IOException {
        RecordSplitter splitter = new RecordSplitter(Files.readAllBytes(file), file.toString());
        long n = 0;
        while (splitter.next() != null) {
            n++;
        }
        return n;
    }

    private static boolean hasByteOrderMark(byte[] data) {
        return data.length >= BYTE_ORDER_MARK.length && data[0] == BYTE_ORDER_MARK[0] && data[1] == BYTE_ORDER_MARK[1]
                && data[2] == BYTE_ORDER_MARK[2];
    }

    /** The next record, or null at the end of the file. */
    public RawRecord next() {
        if (done) {
            return null;
        }
        return arrayParser != null ? nextElement() : nextLine();
    }

    private RawRecord nextLine() {
        while (position < data.length) {
            int start = position;
            int end = start;
            while (end < data.length && data[end] != '\n') {
                end++;
            }
            position = end + 1;
            index++;
            int contentEnd = end > start && data[end - 1] == '\r' ? end - 1 : end;
            if (skipWhitespace(data, start) < contentEnd) {
                return new RawRecord(Arrays.copyOfRange(data, start, contentEnd), RecordSource.fileLine(fileName, index));
            }
        }
        done = true;
        return null;
    }

    private RawRecord nextElement() {
        int start = -1;
        try {
            JsonToken token = arrayParser.nextToken();
            if (token == null || token == JsonToken.END_ARRAY) {
                return trailingContentOrEnd();
            }
            start = (int) arrayParser.currentTokenLocation().getByteOffset();
            if (token.isScalarValue()) {
                arrayParser.finishToken(); // a string is read lazily: read it to its end
            } else {
                arrayParser.skipChildren();
            }
            int end = (int) arrayParser.currentLocation().getByteOffset();
            return new RawRecord(Arrays.copyOfRange(data, start, end), RecordSource.fileElement(fileName, index++));
        } catch (IOException e) {
            done = true;
            int from = start >= 0 ? start : (int) arrayParser.currentTokenLocation().getByteOffset();
            return new RawRecord(Arrays.copyOfRange(data, Math.max(0, from), data.length),
                    RecordSource.fileElement(fileName, index++));
        }
    }

    /** Anything but white space after the closing bracket is one more (bad) record. */
    private RawRecord trailingContentOrEnd() {
        done = true;
        int after = (int) arrayParser.currentLocation().getByteOffset();
        int content = skipWhitespace(data, after);
        return content < data.length
                ? new RawRecord(Arrays.copyOfRange(data, content, data.length), RecordSource.fileElement(fileName, index++))
                : null;
    }

    private static int skipWhitespace(byte[] data, int from) {
        int i = from;
        while (i < data.length && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n')) {
            i++;
        }
        return i;
    }
}
