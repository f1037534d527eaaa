package com.rglimits.event;

import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/**
 * {@link LimitEvent} with {@link LimitEventSerializer}: the type of a stream whose events cross the
 * network. Not for state, whose descriptors keep the POJO type that the savepoints hold.
 */
public final class LimitEventTypeInfo extends TypeInformation<LimitEvent> {
    private static final long serialVersionUID = 1L;

    @Override
    public boolean isBasicType() {
        return false;
    }

    @Override
    public boolean isTupleType() {
        return false;
    }

    @Override
    public int getArity() {
        return 1;
    }

    @Override
    public int getTotalFields() {
        return 1;
    }

    @Override
    public Class<LimitEvent> getTypeClass() {
        return LimitEvent.class;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<LimitEvent> createSerializer(ExecutionConfig config) {
        return LimitEventSerializer.INSTANCE;
    }

    @Override
    public String toString() {
        return "LimitEventTypeInfo";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LimitEventTypeInfo;
    }

    @Override
    public int hashCode() {
        return LimitEventTypeInfo.class.hashCode();
    }

    @Override
    public boolean canEqual(Object o) {
        return o instanceof LimitEventTypeInfo;
    }
}
