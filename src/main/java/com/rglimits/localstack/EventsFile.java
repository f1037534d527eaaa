package com.rglimits.localstack;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Splits an events file into records, each with its exact original bytes: a JSON array (one
 * record per element) or NDJSON (one record per non-blank line; a line need not be valid JSON, so
 * bad records can be published on purpose).
 */
public final class EventsFile {
    private static final JsonFactory JSON = new JsonFactory();

    private EventsFile() {}

    public static List<byte[]> read(Path file) throws IOException {
        return split(Files.readAllBytes(file));
    }

    public static List<byte[]> split(byte[] content) throws IOException {
        if (content.length >= 3 && (content[0] & 0xff) == 0xEF && (content[1] & 0xff) == 0xBB && (content[2] & 0xff) == 0xBF) {
            content = Arrays.copyOfRange(content, 3, content.length); // UTF-8 byte order mark
        }
        int first = firstNonBlank(content, 0);
        if (first < content.length && content[first] == '[') {
            return splitArray(content);
        }
        return splitLines(content);
    }

    private static List<byte[]> splitArray(byte[] content) throws IOException {
        List<byte[]> records = new ArrayList<>();
        try (JsonParser p = JSON.createParser(content)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw new IOException("expected a JSON array");
            }
            JsonToken t;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                if (t == null) {
                    throw new IOException("the JSON array is not closed");
                }
                int start = (int) p.getTokenLocation().getByteOffset();
                if (t.isScalarValue()) {
                    p.finishToken(); // a string is read lazily: read it to its end
                } else {
                    p.skipChildren();
                }
                int end = (int) p.getCurrentLocation().getByteOffset();
                records.add(Arrays.copyOfRange(content, start, end));
            }
        }
        return records;
    }

    private static List<byte[]> splitLines(byte[] content) {
        List<byte[]> records = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= content.length; i++) {
            if (i == content.length || content[i] == '\n') {
                int end = i > start && content[i - 1] == '\r' ? i - 1 : i;
                if (firstNonBlank(content, start) < end) {
                    records.add(Arrays.copyOfRange(content, start, end));
                }
                start = i + 1;
            }
        }
        return records;
    }

    private static int firstNonBlank(byte[] b, int from) {
        int i = from;
        while (i < b.length && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n')) {
            i++;
        }
        return i;
    }
}
