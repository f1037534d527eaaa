package com.rglimits.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.rglimits.table.LimitItems;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class ETagsTest {
    private static Map<String, AttributeValue> item(String id, long version) {
        return Map.of(LimitItems.USER_LIMIT_ID, AttributeValue.builder().s(id).build(),
                LimitItems.LAST_SEQUENCE_NUMBER, AttributeValue.builder().n(Long.toString(version)).build());
    }

    @Test
    void itemTagIsTheVersion() {
        assertThat(ETags.ofItem(item("a", 42))).isEqualTo("42");
        assertThat(ETags.quoted("42")).isEqualTo("\"42\"");
    }

    @Test
    void listTagChangesWithAnyVersionOrMembership() {
        String base = ETags.ofList(List.of(item("a", 1), item("b", 2)));
        assertThat(base).matches("[0-9a-f]{32}").isEqualTo(ETags.ofList(List.of(item("a", 1), item("b", 2))));
        assertThat(ETags.ofList(List.of(item("a", 1), item("b", 3)))).isNotEqualTo(base);
        assertThat(ETags.ofList(List.of(item("a", 1)))).isNotEqualTo(base);
        assertThat(ETags.ofList(List.of(item("a", 1), item("b", 2), item("c", 1)))).isNotEqualTo(base);
        assertThat(ETags.ofList(List.of())).matches("[0-9a-f]{32}");
        // Ids with separators cannot be confused with other pairs.
        assertThat(ETags.ofList(List.of(item("a:1", 2)))).isNotEqualTo(ETags.ofList(List.of(item("a", 12))));
    }

    @Test
    void ifNoneMatch() {
        assertThat(ETags.noneMatchHits("\"7\"", "7")).isTrue();
        assertThat(ETags.noneMatchHits("W/\"7\"", "7")).isTrue();
        assertThat(ETags.noneMatchHits("\"1\", \"7\"", "7")).isTrue();
        assertThat(ETags.noneMatchHits("\"1\",W/\"7\"", "7")).isTrue();
        assertThat(ETags.noneMatchHits("*", "7")).isTrue();
        assertThat(ETags.noneMatchHits("\"77\"", "7")).isFalse();
        assertThat(ETags.noneMatchHits("\"7", "7")).isFalse();
        assertThat(ETags.noneMatchHits("7", "7")).as("unquoted is not an entity tag").isFalse();
        assertThat(ETags.noneMatchHits("garbage, \"7\"", "7")).isTrue();
        assertThat(ETags.noneMatchHits("", "7")).isFalse();
    }
}
