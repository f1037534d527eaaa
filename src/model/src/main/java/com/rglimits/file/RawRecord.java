package com.rglimits.file;

import com.rglimits.event.RecordSource;

/** One record's original bytes and where in its file it stood. */
public final class RawRecord {
    private final byte[] bytes;
    private final RecordSource source;

    public RawRecord(byte[] bytes, RecordSource source) {
        this.bytes = bytes;
        this.source = source;
    }

    public byte[] bytes() {
        return bytes;
    }

    public RecordSource source() {
        return source;
    }
}
