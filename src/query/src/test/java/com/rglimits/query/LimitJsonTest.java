package com.rglimits.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class LimitJsonTest {
    private static String pct(String progress, String value) {
        return LimitJson.percentageUsed(new BigDecimal(progress), new BigDecimal(value));
    }

    @Test
    void percentageUsedIsRoundedHalfUpToTwoDecimals() {
        assertThat(pct("25.5", "200")).isEqualTo("12.75");
        assertThat(pct("2", "3")).isEqualTo("66.67");
        assertThat(pct("1", "3")).isEqualTo("33.33");
        assertThat(pct("0.00125", "1")).as("exactly half rounds up").isEqualTo("0.13");
        assertThat(pct("0.00124999", "1")).isEqualTo("0.12");
        assertThat(pct("0", "500")).isEqualTo("0.00");
        assertThat(pct("500", "500")).isEqualTo("100.00");
        assertThat(pct("750", "500")).isEqualTo("150.00");
        assertThat(pct("1E+3", "1E+4")).as("plain notation").isEqualTo("10.00");
    }

    @Test
    void noPercentageForAZeroLimit() {
        assertThat(pct("0", "0")).isNull();
        assertThat(pct("5", "0.00")).isNull();
    }
}
