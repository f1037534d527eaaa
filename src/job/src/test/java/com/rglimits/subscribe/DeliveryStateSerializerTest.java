package com.rglimits.subscribe;

import static org.assertj.core.api.Assertions.assertThat;

import com.rglimits.testing.Subscribers;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.RequestEntryWrapper;
import org.junit.jupiter.api.Test;

class DeliveryStateSerializerTest {
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
