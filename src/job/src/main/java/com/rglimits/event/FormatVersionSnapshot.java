package com.rglimits.event;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The snapshot of a hand-written serializer without configuration: it carries only the version of
 * the serializer's byte format, and reads only the current one. Subclasses say which serializer
 * they restore and what they are compatible with; their class names are stored in checkpoints.
 */
public abstract class FormatVersionSnapshot<T> implements TypeSerializerSnapshot<T> {
    private final String typeName;
    private final int formatVersion;

    protected FormatVersionSnapshot(String typeName, int formatVersion) {
        this.typeName = typeName;
        this.formatVersion = formatVersion;
    }

    @Override
    public final int getCurrentVersion() {
        return formatVersion;
    }

    @Override
    public final void writeSnapshot(DataOutputView out) {}

    @Override
    public final void readSnapshot(int readVersion, DataInputView in, ClassLoader classLoader) throws IOException {
        if (readVersion != formatVersion) {
            throw new IOException(typeName + " serializer snapshot of format version " + readVersion
                    + ", this serializer reads only version " + formatVersion);
        }
    }
}
