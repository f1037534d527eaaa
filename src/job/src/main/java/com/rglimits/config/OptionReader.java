package com.rglimits.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.util.TimeUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@link Settings} by {@link ConfigOption}s: a setting is found under its key or one of its
 * deprecated keys (then one warning names the new key), parsed by its type (a duration as Flink
 * parses one: {@code 5s}, {@code 500 ms}, {@code 2min}, {@code 7d}, a bare number of
 * milliseconds), and checked against its {@link JobOptions#range}. Every error names the setting
 * as its user gave it (an option, a property, a property group and key).
 */
public final class OptionReader {
    private static final Logger LOG = LoggerFactory.getLogger(OptionReader.class);
    /** A program may read its settings more than once (the local run does): one warning each is enough. */
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    private final Settings settings;

    public OptionReader(Settings settings) {
        this.settings = settings;
    }

    /** The key the setting was given under (its own or a deprecated one); null if it was not given. */
    public String givenKey(ConfigOption<?> option) {
        String key = settings.givenKey(option.key(), deprecatedKeys(option));
        return settings.contains(key) ? key : null;
    }

    /** The setting the way its user gave it, or would give it. */
    public String describe(ConfigOption<?> option) {
        String given = givenKey(option);
        return settings.describe(given != null ? given : option.key());
    }

    /** The setting's value, parsed and checked; empty when it was not given. */
    public <T> Optional<T> read(ConfigOption<T> option) {
        String key = givenKey(option);
        if (key == null) {
            return Optional.empty();
        }
        if (!key.equals(option.key())) {
            String warning = settings.deprecationWarning(key, option.key());
            if (WARNED.add(warning)) {
                LOG.warn(warning);
            }
        }
        return Optional.of(parse(option, settings.string(key, null), settings.describe(key)));
    }

    /** The setting's value, or its default when it was not given. */
    public <T> T get(ConfigOption<T> option) {
        return read(option).orElseGet(option::defaultValue);
    }

    static List<String> deprecatedKeys(ConfigOption<?> option) {
        List<String> keys = new ArrayList<>();
        option.deprecatedKeys().forEach(keys::add);
        return keys;
    }

    /**
     * The value as the option's type: the type of its bounds, else of its default, else text (a
     * test checks that every other option is a text option).
     */
    @SuppressWarnings("unchecked")
    private static <T> T parse(ConfigOption<T> option, String value, String described) {
        JobOptions.Range<?> range = JobOptions.range(option);
        Object sample = range != null ? (range.min != null ? range.min : range.max)
                : option.hasDefaultValue() ? option.defaultValue() : "";
        Class<?> type = sample instanceof Enum ? ((Enum<?>) sample).getDeclaringClass() : sample.getClass();
        Object parsed;
        if (type == Duration.class) {
            parsed = duration(value, described, (JobOptions.Range<Duration>) range);
        } else if (type == Integer.class || type == Long.class) {
            long number = whole(value, described, range);
            if (type == Integer.class && number > Integer.MAX_VALUE) {
                throw new ConfigException(described + " is too large: " + number);
            }
            parsed = type == Integer.class ? Integer.valueOf((int) number) : Long.valueOf(number);
        } else if (type.isEnum()) {
            parsed = enumValue(type, value, described);
        } else {
            parsed = value;
        }
        return (T) parsed;
    }

    private static long whole(String value, String described, JobOptions.Range<?> range) {
        long parsed;
        try {
            parsed = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new ConfigException(described + " must be a whole number, got '" + value + "'");
        }
        if (range != null && range.min != null && parsed < ((Number) range.min).longValue()) {
            throw new ConfigException(described + " must be >= " + range.min + ", got " + parsed);
        }
        if (range != null && range.max != null && parsed > ((Number) range.max).longValue()) {
            throw new ConfigException(described + " must be <= " + range.max + ", got " + parsed);
        }
        return parsed;
    }

    private static Duration duration(String value, String described, JobOptions.Range<Duration> range) {
        Duration parsed;
        try {
            parsed = TimeUtils.parseDuration(value);
        } catch (IllegalArgumentException e) {
            // Flink's durations have no sign: "-5" is a number below every minimum, not a typo.
            if (value.startsWith("-") && isDuration(value.substring(1)) && range != null && range.min != null) {
                throw new ConfigException(described + " must be >= " + format(range.min) + ", got " + value);
            }
            throw new ConfigException(described + " must be a duration such as 5s, 500ms, 2min or 7d"
                    + " (a bare number is milliseconds), got '" + value + "'");
        }
        if (range != null && range.min != null && parsed.compareTo(range.min) < 0) {
            throw new ConfigException(described + " must be >= " + format(range.min) + ", got " + value);
        }
        if (range != null && range.max != null && parsed.compareTo(range.max) > 0) {
            throw new ConfigException(described + " must be <= " + format(range.max) + ", got " + value);
        }
        return parsed;
    }

    private static boolean isDuration(String value) {
        try {
            TimeUtils.parseDuration(value);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static Object enumValue(Class<?> type, String value, String described) {
        for (Object constant : type.getEnumConstants()) {
            if (((Enum<?>) constant).name().equals(value.toUpperCase(Locale.ROOT))) {
                return constant;
            }
        }
        throw new ConfigException(described + " must be one of " + Arrays.toString(type.getEnumConstants())
                + ", got '" + value + "'");
    }

    /** A duration as the README and the errors show it: {@code 0 ms}, {@code 5 s}, {@code 7 d}. */
    public static String format(Duration duration) {
        return TimeUtils.formatWithHighestUnit(duration);
    }
}
