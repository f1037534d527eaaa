package com.rglimits.sink;

import com.rglimits.limit.UserLimit;
import com.rglimits.table.LimitItems;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.connector.base.sink.writer.ElementConverter;

/** A limit version becomes its full DynamoDB item ({@link LimitItems#toItem}). */
public final class LimitPutConverter implements ElementConverter<UserLimit, LimitPut> {
    private static final long serialVersionUID = 1L;

    @Override
    public LimitPut apply(UserLimit limit, SinkWriter.Context context) {
        return LimitPut.of(LimitItems.toItem(limit));
    }
}
