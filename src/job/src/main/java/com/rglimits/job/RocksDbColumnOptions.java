package com.rglimits.job;

import java.util.Collection;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.contrib.streaming.state.RocksDBOptionsFactory;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;

/**
 * What the job sets of RocksDB that Flink's configurable options cannot say: the memtables' arena
 * block size. RocksDB allocates a memtable in blocks of an eighth of its size by default, 8 MiB
 * for the job's 64 MiB memtables; where the managed memory is small (a local run, the tests: a
 * few MiB of memtable budget per slot) one such block per state already exceeds the budget, and
 * RocksDB then flushes the memtables constantly (Flink warns "performance will be poor"). Blocks of
 * 1 MiB keep the small setups as they were with 8 MiB memtables and change nothing where memory is
 * ample.
 */
public final class RocksDbColumnOptions implements RocksDBOptionsFactory {
    private static final long serialVersionUID = 1L;

    static final MemorySize ARENA_BLOCK_SIZE = MemorySize.parse("1mb");

    @Override
    public DBOptions createDBOptions(DBOptions currentOptions, Collection<AutoCloseable> handlesToClose) {
        return currentOptions;
    }

    @Override
    public ColumnFamilyOptions createColumnOptions(ColumnFamilyOptions currentOptions, Collection<AutoCloseable> handlesToClose) {
        return currentOptions.setArenaBlockSize(ARENA_BLOCK_SIZE.getBytes());
    }
}
