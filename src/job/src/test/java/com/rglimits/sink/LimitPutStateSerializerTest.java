package com.rglimits.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rglimits.limit.UserLimit;
import com.rglimits.table.LimitItems;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.RequestEntryWrapper;
import org.apache.flink.util.StringUtils;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class LimitPutStateSerializerTest {
    /**
     * Version 1 of one buffered entry as the releases up to 2026-12 wrote it (savepoints hold these
     * bytes): the base writer's frame, the entry's size (54), its four attributes.
     */
    static final String VERSION_1_BYTES = "ffffffffffffffff000000010000000000000036000000040000000870726f67726573735300000004312e3235"
            + "0000000b757365724c696d6974496453000000026c31000000067573657249645300000004752dc3bc000000126c61737453"
            + "657175656e63654e756d6265724e0000000133";

    private final LimitPutStateSerializer serializer = new LimitPutStateSerializer();

    /** Its attributes in a fixed order: two of them share a bucket of the item's hash map, which keeps them in that order. */
    private static LimitPut pinnedPut() {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put("userId", AttributeValue.builder().s("u-\u00fc").build());
        item.put("userLimitId", AttributeValue.builder().s("l1").build());
        item.put("lastSequenceNumber", AttributeValue.builder().n("3").build());
        item.put("progress", AttributeValue.builder().s("1.25").build());
        return LimitPut.of(item);
    }

    @Test
    void readsTheBytesEarlierReleasesWrote() throws IOException {
        BufferedRequestState<LimitPut> restored = serializer.deserialize(1, StringUtils.hexStringToByte(VERSION_1_BYTES));

        assertThat(restored.getBufferedRequestEntries()).hasSize(1);
        RequestEntryWrapper<LimitPut> entry = restored.getBufferedRequestEntries().get(0);
        assertThat(entry.getRequestEntry().item()).isEqualTo(pinnedPut().item());
        assertThat(entry.getRequestEntry().sequenceNumber()).isEqualTo(3);
        assertThat(entry.getSize()).isEqualTo(54);
    }

    @Test
    void writesTheSameBytesAsEarlierReleases() throws IOException {
        LimitPut put = pinnedPut();

        assertThat(serializer.getVersion()).isEqualTo(1);
        assertThat(serializer.serialize(new BufferedRequestState<>(List.of(new RequestEntryWrapper<>(put, put.sizeInBytes())))))
                .isEqualTo(StringUtils.hexStringToByte(VERSION_1_BYTES));
    }


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
