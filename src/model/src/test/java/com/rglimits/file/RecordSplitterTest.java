package com.rglimits.file;

import static org.assertj.core.api.Assertions.assertThat;

import com.rglimits.event.RecordSource;
import com.rglimits.testing.ProjectFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class RecordSplitterTest {
    private static List<RawRecord> split(String content) throws Exception {
        RecordSplitter s = new RecordSplitter(content.getBytes(StandardCharsets.UTF_8), "f.json");
        List<RawRecord> out = new ArrayList<>();
        for (RawRecord r = s.next(); r != null; r = s.next()) {
            out.add(r);
        }
        return out;
    }

    private static String text(RawRecord r) {
        return new String(r.bytes(), StandardCharsets.UTF_8);
    }

    @Test
    void splitsAJsonArrayIntoItsElementsWithOriginalText() throws Exception {
        List<RawRecord> records = split(" [ {\"a\": 1,\n \"b\": [1,2]} , {\"c\":\"}\"}, 7 ]\n");
        assertThat(records).extracting(RecordSplitterTest::text).containsExactly("{\"a\": 1,\n \"b\": [1,2]}", "{\"c\":\"}\"}", "7");
        assertThat(records).extracting(RawRecord::source)
                .containsExactly(RecordSource.fileElement("f.json", 0), RecordSource.fileElement("f.json", 1),
                        RecordSource.fileElement("f.json", 2));
    }

    @Test
    void splitsNdjsonByLineSkippingBlankLinesAndKeepingBadOnes() throws Exception {
        List<RawRecord> records = split("{\"a\":1}\r\n\n  \nnot json\n{\"b\":2}");
        assertThat(records).extracting(RecordSplitterTest::text).containsExactly("{\"a\":1}", "not json", "{\"b\":2}");
        assertThat(records).extracting(r -> r.source().line).containsExactly(1L, 4L, 5L);
    }

    @Test
    void aBrokenArrayBecomesOneLastBadRecordNotAFailure() throws Exception {
        List<RawRecord> records = split("[{\"a\":1}, {\"b\": oops}, {\"c\":3}]");
        assertThat(records).extracting(RecordSplitterTest::text).containsExactly("{\"a\":1}", "{\"b\": oops}, {\"c\":3}]");
    }

    @Test
    void contentAfterTheArrayIsABadRecord() throws Exception {
        assertThat(split("[{\"a\":1}] trailing")).extracting(RecordSplitterTest::text).containsExactly("{\"a\":1}", "trailing");
    }

    @Test
    void emptyInputs() throws Exception {
        assertThat(split("")).isEmpty();
        assertThat(split("[]")).isEmpty();
        assertThat(split("\n\n")).isEmpty();
    }

    @Test
    void aByteOrderMarkIsNotPartOfAnyRecordAndStringElementsAreWhole() throws Exception {
        List<RawRecord> records = split("\uFEFF [ {\"a\": 1,  \"b\":[1,2]} ,\n{\"c\":\"x]\"} , \"text, with ] and }\", 7 ]\n");
        assertThat(records).extracting(RecordSplitterTest::text)
                .containsExactly("{\"a\": 1,  \"b\":[1,2]}", "{\"c\":\"x]\"}", "\"text, with ] and }\"", "7");
        assertThat(split("\uFEFF{\"a\":1}\n{\"b\":2}\n")).extracting(RecordSplitterTest::text).containsExactly("{\"a\":1}", "{\"b\":2}");
    }

    @Test
    void theSampleFileSavedWithAByteOrderMarkGivesTheSameRecords() throws Exception {
        byte[] sample = Files.readAllBytes(ProjectFiles.path("data/sample-events.json"));
        byte[] withMark = new byte[sample.length + 3];
        withMark[0] = (byte) 0xEF;
        withMark[1] = (byte) 0xBB;
        withMark[2] = (byte) 0xBF;
        System.arraycopy(sample, 0, withMark, 3, sample.length);
        List<RawRecord> plain = RecordSplitter.split(sample, "f.json");
        List<RawRecord> marked = RecordSplitter.split(withMark, "f.json");
        assertThat(plain).hasSize(12);
        assertThat(marked).extracting(RecordSplitterTest::text).isEqualTo(plain.stream().map(RecordSplitterTest::text).collect(Collectors.toList()));
    }
}
