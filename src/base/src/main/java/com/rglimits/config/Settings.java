package com.rglimits.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Raw settings as flat {@code group.key=value} pairs, whichever way they arrived, with a way to
 * name a key the way its user wrote it (a command-line option, a property, or a property group and
 * key of the managed service).
 */
public final class Settings {
    private final Map<String, String> values;
    private final Function<String, String> describer;
    private final boolean runtimeManaged;
    private final Set<String> read = new TreeSet<>();

    public Settings(Map<String, String> values, Function<String, String> describer) {
        this(values, describer, false);
    }

    /**
     * @param runtimeManaged the settings are application property groups (the managed service's, or
     *     a local file in their shape): the runtime, not the job, owns state backend,
     *     checkpointing and parallelism
     */
    public Settings(Map<String, String> values, Function<String, String> describer, boolean runtimeManaged) {
        this.values = new TreeMap<>(values);
        this.describer = describer;
        this.runtimeManaged = runtimeManaged;
    }

    /** Whether the runtime (Managed Service for Apache Flink) owns checkpointing and parallelism. */
    public boolean runtimeManaged() {
        return runtimeManaged;
    }

    /** Whether the key was given at all (read or not). */
    public boolean contains(String key) {
        return values.containsKey(key);
    }

    public Map<String, String> asMap() {
        return Collections.unmodifiableMap(values);
    }

    public String describe(String key) {
        return describer.apply(key);
    }

    /**
     * The name a renamed setting was given under: {@code key}, or one of its deprecated names
     * ({@link #deprecationWarning} then says what to write instead); {@code key} when it was not
     * given at all. Given under two of its names, it is an error: which one was meant is unclear.
     */
    public String givenKey(String key, Collection<String> deprecatedKeys) {
        List<String> names = new ArrayList<>();
        names.add(key);
        names.addAll(deprecatedKeys);
        String given = null;
        for (String name : names) {
            if (values.containsKey(name)) {
                if (given != null) {
                    throw new ConfigException(describe(given) + " and " + describe(name)
                            + " are the same setting: give one of them");
                }
                given = name;
            }
        }
        return given == null ? key : given;
    }

    /**
     * A renamed setting: its value under its name or its deprecated one (then {@code warn} gets the
     * one-line warning), the default when it was given under neither.
     */
    public String string(String key, String deprecatedKey, String defaultValue, Consumer<String> warn) {
        String given = givenKey(key, List.of(deprecatedKey));
        if (!given.equals(key)) {
            warn.accept(deprecationWarning(given, key));
        }
        return string(given, defaultValue);
    }

    /** The one-line warning for a setting given under its deprecated name. */
    public String deprecationWarning(String deprecatedKey, String key) {
        return describe(deprecatedKey) + " is deprecated: use " + describe(key)
                + " (the old name is read until the next release)";
    }

    public String string(String key, String defaultValue) {
        read.add(key);
        String v = values.get(key);
        if (v == null) {
            return defaultValue;
        }
        v = v.trim();
        if (v.isEmpty()) {
            throw new ConfigException(describe(key) + " is empty");
        }
        return v;
    }

    public String required(String key) {
        String v = string(key, null);
        if (v == null) {
            throw new ConfigException(describe(key) + " is required");
        }
        return v;
    }

    public long longValue(String key, long defaultValue, long min) {
        String v = string(key, null);
        if (v == null) {
            return defaultValue;
        }
        long parsed;
        try {
            parsed = Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new ConfigException(describe(key) + " must be a whole number, got '" + v + "'");
        }
        if (parsed < min) {
            throw new ConfigException(describe(key) + " must be >= " + min + ", got " + parsed);
        }
        return parsed;
    }

    public int intValue(String key, int defaultValue, int min) {
        long v = longValue(key, defaultValue, min);
        if (v > Integer.MAX_VALUE) {
            throw new ConfigException(describe(key) + " is too large: " + v);
        }
        return (int) v;
    }

    public <E extends Enum<E>> E enumValue(String key, Class<E> type, E defaultValue) {
        String v = string(key, null);
        if (v == null) {
            return defaultValue;
        }
        try {
            return Enum.valueOf(type, v.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(describe(key) + " must be one of "
                    + Arrays.toString(type.getEnumConstants()) + ", got '" + v + "'");
        }
    }

    /** All settings under a prefix, e.g. every {@code aws.*} key for the AWS connectors. */
    public Map<String, String> withPrefix(String prefix) {
        Map<String, String> out = new TreeMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                read.add(k);
                out.put(k, v);
            }
        });
        return out;
    }

    /** Fails on a setting nobody read: a typo must not silently fall back to a default. */
    public void rejectUnknown() {
        for (String key : values.keySet()) {
            if (!read.contains(key)) {
                throw new ConfigException("unknown setting " + describe(key));
            }
        }
    }
}
