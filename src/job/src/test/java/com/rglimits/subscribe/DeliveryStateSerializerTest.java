package com.rglimits.subscribe;

import static org.assertj.core.api.Assertions.assertThat;

import com.rglimits.testing.Subscribers;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.RequestEntryWrapper;
import org.apache.flink.util.StringUtils;
import org.junit.jupiter.api.Test;

class DeliveryStateSerializerTest {
    /**
     * Version 1 of one buffered delivery as the releases up to 2026-12 wrote it (savepoints hold
     * these bytes): the base writer's frame, the entry's size (24), its five strings and its sequence number.
     */
    static final String VERSION_1_BYTES = "ffffffffffffffff000000010000000000000018000000087061796d656e74730000002c687474703a2f2f3132"
            + "372e302e302e313a393332342f3030303030303030303030302f712dc3bc2e6669666f00000006757365722d31000000036d2d31"
            + "000000187b226b696e64223a224c494d49545f4348414e474544227d0000000000000007";

    private static Delivery pinnedDelivery() {
        Delivery d = new Delivery();
        d.subscriber = "payments";
        d.queueUrl = "http://127.0.0.1:9324/000000000000/q-\u00fc.fifo";
        d.groupId = "user-1";
        d.messageId = "m-1";
        d.sequenceNumber = 7;
        d.body = "{\"kind\":\"LIMIT_CHANGED\"}";
        return d;
    }

    @Test
    void readsTheBytesEarlierReleasesWrote() throws Exception {
        BufferedRequestState<Delivery> restored = new DeliveryStateSerializer().deserialize(1, StringUtils.hexStringToByte(VERSION_1_BYTES));

        assertThat(restored.getBufferedRequestEntries()).hasSize(1);
        assertThat(restored.getBufferedRequestEntries().get(0).getRequestEntry()).isEqualTo(pinnedDelivery());
        assertThat(restored.getBufferedRequestEntries().get(0).getSize()).isEqualTo(24);
    }

    @Test
    void writesTheSameBytesAsEarlierReleases() throws Exception {
        Delivery d = pinnedDelivery();
        DeliveryStateSerializer serializer = new DeliveryStateSerializer();

        assertThat(serializer.getVersion()).isEqualTo(1);
        assertThat(serializer.serialize(new BufferedRequestState<>(List.of(new RequestEntryWrapper<>(d, d.body.length())))))
                .isEqualTo(StringUtils.hexStringToByte(VERSION_1_BYTES));
    }


    @Test
    void aCheckpointedBufferRestoresEveryDeliveryExactly() throws Exception {
        List<RequestEntryWrapper<Delivery>> entries = new ArrayList<>();
        for (Delivery d : Subscribers.deliveries(List.of("https://sqs.eu-west-1.amazonaws.com/1/a.fifo", "q-ü.fifo"), 3, 2)) {
            d.body = d.body + " – ünïcødé";
            entries.add(new RequestEntryWrapper<>(d, d.body.length()));
        }
        DeliveryStateSerializer serializer = new DeliveryStateSerializer();
        byte[] bytes = serializer.serialize(new BufferedRequestState<>(entries));
        BufferedRequestState<Delivery> restored = serializer.deserialize(DeliveryStateSerializer.VERSION, bytes);
        List<Delivery> back = new ArrayList<>();
        restored.getBufferedRequestEntries().forEach(w -> back.add(w.getRequestEntry()));
        List<Delivery> original = new ArrayList<>();
        entries.forEach(w -> original.add(w.getRequestEntry()));
        assertThat(back).hasSize(12).isEqualTo(original);
    }

    @Test
    void aBatchTakesOneMessagePerUserInOrderAndAtMostTen() {
        List<Delivery> pending = Subscribers.deliveries(List.of("q"), 12, 2);
        List<Delivery> batch = SqsFifoSinkWriter.nextBatch(pending);
        assertThat(batch).hasSize(10).isEqualTo(pending.subList(0, 10));
        List<Delivery> sameUser = new ArrayList<>(Subscribers.deliveries(List.of("q"), 1, 3));
        sameUser.addAll(Subscribers.deliveries(List.of("q"), 2, 1));
        assertThat(SqsFifoSinkWriter.nextBatch(sameUser)).containsExactly(sameUser.get(0), sameUser.get(4));
    }
}
