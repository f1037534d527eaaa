package com.rglimits.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rglimits.limit.UserLimit;
import com.rglimits.table.LimitItems;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.RequestEntryWrapper;
import org.junit.jupiter.api.Test;

class LimitPutStateSerializerTest {
    private final LimitPutStateSerializer serializer = new LimitPutStateSerializer();

    @Test
    void roundTripsBufferedEntriesWithTheirItemsAndSizes() throws IOException {
        UserLimit odd = TestLimits.version("user-ü-1", "limit-1", 7); // activeUntil set, non-ASCII id
        UserLimit even = TestLimits.version("user-2", "limit-2", 12); // activeUntil absent
        List<RequestEntryWrapper<LimitPut>> entries = new ArrayList<>();
        for (UserLimit l : List.of(odd, even)) {
            LimitPut put = LimitPut.of(LimitItems.toItem(l));
            entries.add(new RequestEntryWrapper<>(put, put.sizeInBytes()));
        }

        byte[] bytes = serializer.serialize(new BufferedRequestState<>(entries));
        BufferedRequestState<LimitPut> restored = serializer.deserialize(serializer.getVersion(), bytes);

        assertThat(restored.getBufferedRequestEntries()).hasSize(2);
        for (int i = 0; i < 2; i++) {
            RequestEntryWrapper<LimitPut> back = restored.getBufferedRequestEntries().get(i);
            LimitPut original = entries.get(i).getRequestEntry();
            assertThat(back.getRequestEntry().item()).isEqualTo(original.item());
            assertThat(back.getRequestEntry().userId()).isEqualTo(original.userId());
            assertThat(back.getRequestEntry().userLimitId()).isEqualTo(original.userLimitId());
            assertThat(back.getRequestEntry().sequenceNumber()).isEqualTo(original.sequenceNumber());
            assertThat(back.getSize()).isEqualTo(original.sizeInBytes());
        }
        assertThat(LimitItems.fromItem(restored.getBufferedRequestEntries().get(0).getRequestEntry().item()))
                .isEqualTo(odd);
        assertThat(LimitItems.fromItem(restored.getBufferedRequestEntries().get(1).getRequestEntry().item()))
                .isEqualTo(even);
    }

    @Test
    void isCompactNotJavaSerialization() throws IOException {
        LimitPut put = LimitPut.of(LimitItems.toItem(TestLimits.version("u1", "l1", 3)));
        byte[] bytes = serializer.serialize(new BufferedRequestState<>(
                List.of(new RequestEntryWrapper<>(put, put.sizeInBytes()))));

        // Java serialization would start with 0xACED and name SDK classes.
        assertThat(new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1))
                .doesNotContain("software.amazon").doesNotContain("java.util");
        assertThat(bytes.length).isLessThan(600);
    }

    @Test
    void emptyStateRoundTrips() throws IOException {
        byte[] bytes = serializer.serialize(BufferedRequestState.emptyState());

        assertThat(serializer.deserialize(serializer.getVersion(), bytes).getBufferedRequestEntries()).isEmpty();
    }

    @Test
    void truncatedStateIsRejected() throws IOException {
        LimitPut put = LimitPut.of(LimitItems.toItem(TestLimits.version("u1", "l1", 3)));
        byte[] bytes = serializer.serialize(new BufferedRequestState<>(
                List.of(new RequestEntryWrapper<>(put, put.sizeInBytes()))));

        assertThatThrownBy(() -> serializer.deserialize(serializer.getVersion(), Arrays.copyOf(bytes, bytes.length - 5)))
                .isInstanceOf(IOException.class);
    }
}
