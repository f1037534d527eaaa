package com.rglimits.ordering;

/**
 * A 64-bit hash of an eventId, which is what the de-duplication set remembers instead of the id:
 * eight bytes per event instead of the id's forty or so, so that a week of eventIds stays small.
 * It is consulted only for an event at or behind its user's sequence cursor (a redelivery or a
 * late event); a collision there, between two ids of one user, is about one in 2^64 per pair.
 */
public final class EventIdHash {
    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private EventIdHash() {}

    /** FNV-1a over the UTF-16 units, then MurmurHash3's finalizer to spread ids that differ in few characters. */
    public static long of(String eventId) {
        long h = FNV_OFFSET;
        for (int i = 0; i < eventId.length(); i++) {
            h = (h ^ eventId.charAt(i)) * FNV_PRIME;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
