package com.rglimits.event;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The snapshot of a hand-written serializer without configuration: it carries only the version of
 * the serializer's byte format, and reads that version and the older ones the serializer still
 * reads. Subclasses say which serializer they restore and what they are compatible with; their class
 * names are stored in checkpoints.
 */
public abstract class FormatVersionSnapshot<T> implements TypeSerializerSnapshot<T> {
    private final String typeName;
    private final int formatVersion;
    private final int oldestReadableVersion;

    protected FormatVersionSnapshot(String typeName, int formatVersion) {
        this(typeName, formatVersion, formatVersion);
    }

    /** @param oldestReadableVersion the oldest format the serializer reads as it is */
    protected FormatVersionSnapshot(String typeName, int formatVersion, int oldestReadableVersion) {
        this.typeName = typeName;
        this.formatVersion = formatVersion;
        this.oldestReadableVersion = oldestReadableVersion;
    }

    @Override
    public final int getCurrentVersion() {
        return formatVersion;
    }

    @Override
    public final void writeSnapshot(DataOutputView out) {}

    @Override
    public final void readSnapshot(int readVersion, DataInputView in, ClassLoader classLoader) throws IOException {
        if (readVersion < oldestReadableVersion || readVersion > formatVersion) {
            throw new IOException(typeName + " serializer snapshot of format version " + readVersion
                    + ", this serializer reads only version" + (oldestReadableVersion == formatVersion
                    ? " " + formatVersion : "s " + oldestReadableVersion + " to " + formatVersion));
        }
    }
}
