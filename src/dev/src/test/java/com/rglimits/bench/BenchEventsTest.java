package com.rglimits.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.rglimits.event.EventParser;
import com.rglimits.event.ParsedRecord;
import com.rglimits.event.RecordSource;
import com.rglimits.limit.LimitRules;
import com.rglimits.limit.RuleResult;
import com.rglimits.limit.UserLimit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchEventsTest {
    private static final long NOW = BenchEvents.BASE_TIME + 3_600_000;

    /**
     * The latency scenario's second live stream: per user, limit events and records of another type in
     * turn, numbered 1, 2, 3, ... without a gap (a complete stream), the other types read as skipped
     * records that name the user and their number; every limit event applies in order.
     */
    @Test
    void theLiveStreamWithOtherTypesIsCompleteAndEveryLimitEventApplies() {
        BenchEvents live = BenchEvents.liveWithOtherTypes(1_200, 100, 5);

        Map<String, List<Long>> numbers = new HashMap<>();
        Map<String, List<String>> kinds = new HashMap<>();
        Map<String, UserLimit> limits = new HashMap<>();
        int applied = 0;
        for (int i = 0; i < live.events; i++) {
            ParsedRecord r = EventParser.parse(live.records[i], RecordSource.fileElement("live", i), NOW);
            assertThat(r.kind).as("record %d", i).isIn(ParsedRecord.Kind.EVENT, ParsedRecord.Kind.SKIPPED);
            String user = r.timeKey();
            kinds.computeIfAbsent(user, u -> new ArrayList<>()).add(r.kind.name());
            if (r.kind == ParsedRecord.Kind.SKIPPED) {
                assertThat(r.skippedType).isEqualTo(BenchEvents.OTHER_TYPE);
                numbers.computeIfAbsent(user, u -> new ArrayList<>()).add(r.skippedSequenceNumber);
                continue;
            }
            numbers.computeIfAbsent(user, u -> new ArrayList<>()).add(r.event.sequenceNumber);
            String limit = user + "/" + r.event.userLimitId;
            RuleResult result = LimitRules.apply(limits.get(limit), r.event);
            assertThat(result.isApplied()).as("record %d: %s", i, result.error()).isTrue();
            limits.put(limit, result.limit());
            applied++;
        }

        assertThat(numbers).hasSize(100);
        numbers.values().forEach(n -> assertThat(n).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L));
        kinds.values().forEach(k -> assertThat(k).containsExactly(
                "EVENT", "SKIPPED", "EVENT", "SKIPPED", "EVENT", "SKIPPED", "EVENT", "SKIPPED", "EVENT", "SKIPPED", "EVENT", "SKIPPED"));
        assertThat(applied).isEqualTo(600);
        assertThat(live.isFirstOfUser(0)).isTrue();
        assertThat(live.isFirstOfUser(100)).isFalse();
    }
}
