package com.rglimits.subscribe;

import java.io.Serializable;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeSet;

/**
 * The percentages of a limit's value whose upward crossing is reported, with exact decimal
 * arithmetic. A threshold {@code p} is <em>reached</em> when {@code progress > 0} and
 * {@code progress * 100 >= p * value}; it is <em>crossed</em> by a change when it is reached after
 * the change and was not before. So each crossing is reported once, and a RESET (progress 0) or a
 * lower progress re-arms it. A limit whose value is 0 allows nothing: every threshold is reached
 * by the first positive progress (and none at progress 0, when nothing has been used).
 */
public final class Thresholds implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    public static final String DEFAULT = "80,100";

    private final List<BigDecimal> percentages;

    private Thresholds(List<BigDecimal> percentages) {
        this.percentages = percentages;
    }

    /**
     * Comma-separated positive decimal percentages, e.g. {@code 80,100} or {@code 50,90.5,100};
     * an empty string: none.
     *
     * @throws IllegalArgumentException naming the bad part
     */
    public static Thresholds parse(String csv) {
        TreeSet<BigDecimal> sorted = new TreeSet<>();
        for (String part : csv.split(",", -1)) {
            String p = part.trim();
            if (p.isEmpty() && csv.trim().isEmpty()) {
                break;
            }
            BigDecimal value;
            try {
                value = new BigDecimal(p);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + p + "' is not a decimal percentage");
            }
            if (value.signum() <= 0) {
                throw new IllegalArgumentException("a threshold must be above 0, got " + p);
            }
            // 80 and 80.0 are one threshold, with one message id.
            BigDecimal stripped = value.stripTrailingZeros();
            sorted.add(stripped.scale() < 0 ? stripped.setScale(0) : stripped);
        }
        return new Thresholds(Collections.unmodifiableList(new ArrayList<>(sorted)));
    }

    /** Ascending, without trailing zeros (80.0 is 80, scale 0). */
    public List<BigDecimal> percentages() {
        return percentages;
    }

    /**
     * The thresholds a change from {@code previousProgress} to {@code progress} crosses upwards,
     * ascending.
     *
     * @param previousProgress null when the limit is new (created with progress 0) or its previous
     *     progress is not known to the feed: then every threshold reached now is reported
     */
    public List<BigDecimal> crossed(BigDecimal value, BigDecimal previousProgress, BigDecimal progress) {
        List<BigDecimal> out = new ArrayList<>();
        for (BigDecimal p : percentages) {
            if (reached(p, value, progress) && (previousProgress == null || !reached(p, value, previousProgress))) {
                out.add(p);
            }
        }
        return out;
    }

    static boolean reached(BigDecimal percentage, BigDecimal value, BigDecimal progress) {
        return progress.signum() > 0 && progress.multiply(HUNDRED).compareTo(percentage.multiply(value)) >= 0;
    }

    /**
     * {@code value * percentage / 100}, exact (dividing by 100 only moves the decimal point), with
     * the value's scale unless it needs more digits: 80 % of 2000.00 is 1600.00, of 0.30 is 0.24.
     */
    public static BigDecimal amount(BigDecimal value, BigDecimal percentage) {
        BigDecimal amount = value.multiply(percentage).movePointLeft(2).stripTrailingZeros();
        return amount.scale() < value.scale() ? amount.setScale(value.scale()) : amount;
    }

    @Override
    public String toString() {
        List<String> s = new ArrayList<>();
        percentages.forEach(p -> s.add(p.toPlainString()));
        return String.join(",", s);
    }
}
