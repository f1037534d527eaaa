package com.rglimits.subscribe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

class ThresholdsTest {
    private static final Thresholds DEFAULT = Thresholds.parse(Thresholds.DEFAULT);

    private static List<BigDecimal> crossed(Thresholds t, String value, String previous, String progress) {
        return t.crossed(new BigDecimal(value), previous == null ? null : new BigDecimal(previous), new BigDecimal(progress));
    }

    private static List<BigDecimal> decimals(String... values) {
        return java.util.Arrays.stream(values).map(BigDecimal::new).collect(java.util.stream.Collectors.toList());
    }

    @Test
    void parsesSortsAndMergesEqualPercentages() {
        assertThat(Thresholds.parse("100, 80,80.0,50.50").percentages()).isEqualTo(decimals("50.5", "80", "100"));
        assertThat(Thresholds.parse("100, 80,80.0,50.50").toString()).isEqualTo("50.5,80,100");
        assertThat(Thresholds.parse("").percentages()).isEmpty();
        assertThatThrownBy(() -> Thresholds.parse("80,x")).hasMessage("'x' is not a decimal percentage");
        assertThatThrownBy(() -> Thresholds.parse("80,")).hasMessage("'' is not a decimal percentage");
        assertThatThrownBy(() -> Thresholds.parse("0")).hasMessage("a threshold must be above 0, got 0");
        assertThatThrownBy(() -> Thresholds.parse("-5")).hasMessage("a threshold must be above 0, got -5");
    }

    @Test
    void crossingIsExactAtTheBoundary() {
        // 80 % of 0.30 is 0.24: binary floating point would put 0.24 just below or above it.
        assertThat(crossed(DEFAULT, "0.30", "0.23", "0.24")).isEqualTo(decimals("80"));
        assertThat(crossed(DEFAULT, "0.30", "0.23", "0.2399999999")).isEmpty();
        assertThat(crossed(DEFAULT, "2000", "1599.99", "1600.00")).isEqualTo(decimals("80"));
        assertThat(crossed(DEFAULT, "2000", "1600", "2000")).isEqualTo(decimals("100"));
    }

    @Test
    void oneChangeCanCrossSeveralThresholdsAndEachCrossingIsReportedOnce() {
        assertThat(crossed(DEFAULT, "500", "0", "650")).isEqualTo(decimals("80", "100"));
        assertThat(crossed(DEFAULT, "500", "650", "700")).as("already above both").isEmpty();
        assertThat(crossed(DEFAULT, "500", "420", "450")).as("80 already reached").isEmpty();
    }

    @Test
    void aResetOrALowerProgressReArms() {
        assertThat(crossed(DEFAULT, "500", "450", "0")).isEmpty();
        assertThat(crossed(DEFAULT, "500", "0", "400")).isEqualTo(decimals("80"));
        assertThat(crossed(DEFAULT, "500", "400", "100")).as("refund: downwards").isEmpty();
        assertThat(crossed(DEFAULT, "500", "100", "400")).as("re-armed by the lower progress").isEqualTo(decimals("80"));
    }

    @Test
    void aLimitOfValueZeroReachesEveryThresholdWithTheFirstPositiveProgress() {
        assertThat(crossed(DEFAULT, "0", null, "0")).isEmpty();
        assertThat(crossed(DEFAULT, "0", "0", "0.01")).isEqualTo(decimals("80", "100"));
        assertThat(crossed(DEFAULT, "0", "0.01", "5")).isEmpty();
        assertThat(crossed(DEFAULT, "0", "5", "-1")).isEmpty();
    }

    @Test
    void anUnknownPreviousProgressReportsWhatIsReachedNow() {
        assertThat(crossed(DEFAULT, "500", null, "0")).isEmpty();
        assertThat(crossed(DEFAULT, "500", null, "450")).isEqualTo(decimals("80"));
    }

    @Test
    void negativeProgressReachesNothing() {
        assertThat(crossed(Thresholds.parse("1"), "100", "-50", "-1")).isEmpty();
    }

    @Test
    void amountIsExact() {
        assertThat(Thresholds.amount(new BigDecimal("2000.00"), new BigDecimal("80")).toPlainString()).isEqualTo("1600.00");
        assertThat(Thresholds.amount(new BigDecimal("0.30"), new BigDecimal("50.5")).toPlainString()).isEqualTo("0.1515");
        assertThat(Thresholds.amount(new BigDecimal("500"), new BigDecimal("100")).toPlainString()).isEqualTo("500");
    }
}
