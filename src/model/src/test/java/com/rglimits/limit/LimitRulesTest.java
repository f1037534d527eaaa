package com.rglimits.limit;

import static com.rglimits.testing.Events.created;
import static com.rglimits.testing.Events.event;
import static com.rglimits.testing.Events.progress;
import static com.rglimits.testing.Events.reset;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rglimits.deadletter.DeadLetterReason;
import com.rglimits.event.EventType;
import com.rglimits.event.LimitPeriod;
import com.rglimits.event.LimitStatus;
import com.rglimits.event.LimitType;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class LimitRulesTest {
    private static UserLimit createdLimit() {
        return LimitRules.apply(null, event(created("c1", "u1", "lim-1", 2, 1_000, "500"))).limit();
    }

    @Test
    void createdMakesALimitWithZeroProgress() {
        RuleResult r = LimitRules.apply(null, event(created("c1", "u1", "lim-1", 2, 1_000, "500")));
        assertThat(r.isApplied()).isTrue();
        UserLimit l = r.limit();
        assertThat(l.userId).isEqualTo("u1");
        assertThat(l.userLimitId).isEqualTo("lim-1");
        assertThat(l.brandId).isEqualTo("000000000000000000000003");
        assertThat(l.currencyCode).isEqualTo("EUR");
        assertThat(l.type).isEqualTo(LimitType.DEPOSIT);
        assertThat(l.period).isEqualTo(LimitPeriod.DAY);
        assertThat(l.status).isEqualTo(LimitStatus.ACTIVE);
        assertThat(l.value.toPlainString()).isEqualTo("500");
        assertThat(l.progress.toPlainString()).isEqualTo("0");
        assertThat(l.remaining().toPlainString()).isEqualTo("500");
        assertThat(l.activeFrom).isEqualTo(990L);
        assertThat(l.activeUntil).isNull();
        assertThat(l.nextResetTime).isEqualTo(1_000 + 86_400_000L);
        assertThat(l.createdAt).isEqualTo(1_000);
        assertThat(l.updatedAt).isEqualTo(1_000);
        assertThat(l.lastEventId).isEqualTo("c1");
        assertThat(l.lastEventType).isEqualTo(EventType.USER_LIMIT_CREATED);
        assertThat(l.lastSequenceNumber).isEqualTo(2);
    }

    @Test
    void createdTwiceIsLimitAlreadyExists() {
        RuleResult r = LimitRules.apply(createdLimit(), event(created("c2", "u1", "lim-1", 3, 2_000, "100")));
        assertThat(r.isApplied()).isFalse();
        assertThat(r.rejection()).isEqualTo(DeadLetterReason.LIMIT_ALREADY_EXISTS);
        assertThat(r.error()).isEqualTo("limit lim-1 already exists (last changed by event c1)");
    }

    @Test
    void progressIsPreviousProgressPlusAmountExactly() {
        UserLimit before = createdLimit();
        RuleResult r = LimitRules.apply(before, event(progress("p1", "u1", "lim-1", 5, 9_000, "0", "120.50")));
        UserLimit l = r.limit();
        assertThat(l.progress.toPlainString()).isEqualTo("120.50");
        assertThat(l.remaining().toPlainString()).isEqualTo("379.50");
        assertThat(l.updatedAt).isEqualTo(9_000);
        assertThat(l.createdAt).isEqualTo(1_000);
        assertThat(l.lastEventId).isEqualTo("p1");
        assertThat(l.lastEventType).isEqualTo(EventType.USER_LIMIT_PROGRESS_CHANGED);
        assertThat(l.lastSequenceNumber).isEqualTo(5);
        assertThat(l.nextResetTime).as("kept when the payload has none").isEqualTo(before.nextResetTime);
        assertThat(r.progressMismatch()).isFalse();
        assertThat(before.progress.toPlainString()).as("input not modified").isEqualTo("0");

        UserLimit next = LimitRules.apply(l, event(progress("p2", "u1", "lim-1", 8, 15_000, "120.50", "79.50"))).limit();
        assertThat(next.progress.toPlainString()).isEqualTo("200.00");
        assertThat(next.remaining().toPlainString()).isEqualTo("300.00");
    }

    @Test
    void decimalsNeverGoThroughBinaryFloatingPoint() {
        UserLimit l = createdLimit();
        l = LimitRules.apply(l, event(progress("p1", "u1", "lim-1", 3, 2, "0.1", "0.2"))).limit();
        assertThat(l.progress).isEqualTo(new BigDecimal("0.3"));
    }

    @Test
    void upstreamPreviousProgressWinsAndMismatchIsFlagged() {
        UserLimit l = createdLimit();
        RuleResult r = LimitRules.apply(l, event(progress("p1", "u1", "lim-1", 5, 9_000, "35", "10")));
        assertThat(r.isApplied()).isTrue();
        assertThat(r.progressMismatch()).isTrue();
        assertThat(r.limit().progress.toPlainString()).isEqualTo("45");
    }

    @Test
    void progressTakesNextResetTimeWhenPresent() {
        ObjectNode p = progress("p1", "u1", "lim-1", 5, 9_000, "0", "1");
        ((ObjectNode) p.get("payload")).put("nextResetTime", 123_456L);
        assertThat(LimitRules.apply(createdLimit(), event(p)).limit().nextResetTime).isEqualTo(123_456L);
    }

    @Test
    void progressOnUnknownLimit() {
        RuleResult r = LimitRules.apply(null, event(progress("p1", "u1", "lim-9", 5, 9_000, "0", "1")));
        assertThat(r.rejection()).isEqualTo(DeadLetterReason.UNKNOWN_LIMIT);
        assertThat(r.error()).isEqualTo("no limit lim-9 for user u1");
    }

    @Test
    void resetZeroesProgressAndTakesNextResetTime() {
        UserLimit l = LimitRules.apply(createdLimit(), event(progress("p1", "u1", "lim-1", 5, 9_000, "0", "80"))).limit();
        RuleResult r = LimitRules.apply(l, event(reset("r1", "u1", "lim-1", 6, 86_401_000)));
        UserLimit after = r.limit();
        assertThat(after.progress.toPlainString()).isEqualTo("0");
        assertThat(after.remaining().toPlainString()).isEqualTo("500");
        assertThat(after.nextResetTime).isEqualTo(86_401_000 + 86_400_000L);
        assertThat(after.lastEventId).isEqualTo("r1");
        assertThat(after.lastEventType).isEqualTo(EventType.USER_LIMIT_RESET);
        assertThat(after.lastSequenceNumber).isEqualTo(6);
        assertThat(after.updatedAt).isEqualTo(86_401_000);
    }

    @Test
    void resetWithoutNextResetTimeKeepsTheOldOne() {
        ObjectNode r = reset("r1", "u1", "lim-1", 6, 50_000);
        ((ObjectNode) r.get("payload")).remove("nextResetTime");
        UserLimit before = createdLimit();
        assertThat(LimitRules.apply(before, event(r)).limit().nextResetTime).isEqualTo(before.nextResetTime);
    }

    @Test
    void resetOnUnknownLimit() {
        RuleResult r = LimitRules.apply(null, event(reset("r1", "u1", "lim-1", 6, 1)));
        assertThat(r.rejection()).isEqualTo(DeadLetterReason.UNKNOWN_LIMIT);
    }
}
