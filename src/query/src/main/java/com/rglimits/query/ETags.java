package com.rglimits.query;

import com.rglimits.table.LimitItems;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Entity tags from item versions. One limit: its {@code lastSequenceNumber}. A list: a hash of
 * every returned {@code userLimitId:lastSequenceNumber}, so a changed, added or removed limit
 * changes the tag.
 */
final class ETags {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private ETags() {}

    /** The opaque tag (without quotes) of one item. */
    static String ofItem(Map<String, AttributeValue> item) {
        return item.get(LimitItems.LAST_SEQUENCE_NUMBER).n();
    }

    /** The opaque tag (without quotes) of a list of items, in the order returned. */
    static String ofList(List<Map<String, AttributeValue>> items) {
        MessageDigest sha = sha256();
        // A prefix keeps an empty list's tag from being the hash of nothing.
        sha.update("limits-v1\n".getBytes(StandardCharsets.UTF_8));
        for (Map<String, AttributeValue> item : items) {
            // The length prefix keeps ids containing ':' from colliding with other pairs.
            String id = item.get(LimitItems.USER_LIMIT_ID).s();
            sha.update((id.length() + ":" + id + ":" + ofItem(item) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        byte[] digest = sha.digest();
        char[] out = new char[32];
        for (int i = 0; i < 16; i++) {
            out[2 * i] = HEX[(digest[i] >> 4) & 0xf];
            out[2 * i + 1] = HEX[digest[i] & 0xf];
        }
        return new String(out);
    }

    /** The quoted form sent in the ETag header. */
    static String quoted(String tag) {
        return '"' + tag + '"';
    }

    /**
     * Whether an If-None-Match value names the tag: {@code *}, or the tag in a list of entity tags,
     * weak or strong (RFC 9110 uses the weak comparison for If-None-Match). Malformed parts match
     * nothing, so a bad header gives a full answer rather than an error.
     */
    static boolean noneMatchHits(String header, String tag) {
        int i = 0;
        int n = header.length();
        while (i < n) {
            char c = header.charAt(i);
            if (c == ' ' || c == '\t' || c == ',') {
                i++;
            } else if (c == '*') {
                return true;
            } else {
                if (header.startsWith("W/", i)) {
                    i += 2;
                }
                if (i >= n || header.charAt(i) != '"') {
                    // Not an entity tag: skip to the next list element.
                    int comma = header.indexOf(',', i);
                    i = comma < 0 ? n : comma + 1;
                    continue;
                }
                int end = header.indexOf('"', i + 1);
                if (end < 0) {
                    return false;
                }
                if (header.regionMatches(i + 1, tag, 0, tag.length()) && end - i - 1 == tag.length()) {
                    return true;
                }
                i = end + 1;
            }
        }
        return false;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
