package com.rglimits.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where a kept native savepoint is found: under the prefill's own directory, whatever path wrote it. */
class PrefillTest {
    @TempDir
    Path work;

    @Test
    void aNativeSavepointRecordedThroughAnotherPathIsFoundUnderThePrefill() throws Exception {
        Path canonical = work.resolve("prefill-5").resolve("savepoint");
        Path kept = Files.createDirectories(canonical.resolveSibling("native").resolve("savepoint-3d3001-0a1b328bbe0e"));
        // As written before: Flink's absolute URI, here through a link that no longer exists.
        Files.write(canonical.resolveSibling("native-done"), List.of(Prefill.VERSION,
                "file:/gone/link/prefill-5/native/savepoint-3d3001-0a1b328bbe0e"), StandardCharsets.UTF_8);

        assertThat(Prefill.nativeSavepoint(Benchmark.Options.parse(new String[0]), 5, canonical)).isEqualTo(kept);
    }

    @Test
    void aNativeSavepointRecordedByItsNameIsFound() throws Exception {
        Path canonical = work.resolve("prefill-5").resolve("savepoint");
        Path kept = Files.createDirectories(canonical.resolveSibling("native").resolve("savepoint-fe38e4-3b4af82d792c"));
        Files.write(canonical.resolveSibling("native-done"), List.of(Prefill.VERSION, "savepoint-fe38e4-3b4af82d792c"),
                StandardCharsets.UTF_8);

        assertThat(Prefill.nativeSavepoint(Benchmark.Options.parse(new String[0]), 5, canonical)).isEqualTo(kept);
    }
}
