package com.rglimits.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.function.Predicate;
import org.apache.flink.annotation.docs.Documentation;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.description.Formatter;
import org.apache.flink.configuration.description.TextElement;

/**
 * The settings table of the docs, rendered from {@link JobOptions}: key, default, description,
 * bounds and former names, between two marker lines of a Markdown file.
 */
final class SettingsTable {
    static final String BEGIN = "<!-- settings table: generated from com.rglimits.config.JobOptions by SettingsTableTest -->";
    static final String END = "<!-- end of settings table -->";

    private SettingsTable() {}

    /** The table of the options the filter takes, in {@link JobOptions#ALL}'s order. */
    static String render(Predicate<ConfigOption<?>> filter) {
        StringBuilder table = new StringBuilder("| key | default | meaning |\n|---|---|---|\n");
        for (ConfigOption<?> option : JobOptions.ALL) {
            if (filter.test(option)) {
                table.append("| `").append(option.key()).append("` | ").append(defaultValue(option)).append(" | ")
                        .append(meaning(option)).append(" |\n");
            }
        }
        return table.toString();
    }

    /** The text between the file's markers. */
    static String tableIn(String file) {
        return file.substring(begin(file), end(file));
    }

    /** The file with the text between its markers replaced by {@code table}. */
    static String replaceTable(String file, String table) {
        return file.substring(0, begin(file)) + table + file.substring(end(file));
    }

    private static int begin(String file) {
        int begin = file.indexOf(BEGIN);
        if (begin < 0 || file.indexOf(END, begin) < 0) {
            throw new IllegalStateException("no '" + BEGIN + "' ... '" + END + "' lines to put the settings table between");
        }
        return begin + BEGIN.length() + 1;
    }

    private static int end(String file) {
        return file.indexOf(END, begin(file));
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void write(Path file, String content) {
        try {
            Files.writeString(file, content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String defaultValue(ConfigOption<?> option) {
        Documentation.OverrideDefault override = field(option).getAnnotation(Documentation.OverrideDefault.class);
        if (override != null) {
            return override.value();
        }
        return option.hasDefaultValue() ? "`" + value(option.defaultValue()) + "`" : "—";
    }

    private static String meaning(ConfigOption<?> option) {
        StringBuilder meaning = new StringBuilder(new MarkdownFormatter().format(option.description()));
        JobOptions.Range<?> range = JobOptions.range(option);
        if (range != null && range.min != null && !isZero(range.min)) {
            meaning.append(" At least `").append(value(range.min)).append("`.");
        }
        if (range != null && range.max != null) {
            meaning.append(" At most `").append(value(range.max)).append("`.");
        }
        List<String> former = new ArrayList<>();
        option.deprecatedKeys().forEach(key -> former.add("`" + key + "`"));
        if (!former.isEmpty()) {
            meaning.append(" Former name ").append(String.join(", ", former))
                    .append(": still read, with a warning, until the next release.");
        }
        return meaning.toString().replace("|", "\\|");
    }

    private static boolean isZero(Object bound) {
        return bound instanceof Duration ? ((Duration) bound).isZero() : ((Number) bound).longValue() == 0;
    }

    private static String value(Object value) {
        return value instanceof Duration ? OptionReader.format((Duration) value) : String.valueOf(value);
    }

    private static java.lang.reflect.Field field(ConfigOption<?> option) {
        for (java.lang.reflect.Field field : JobOptions.class.getFields()) {
            try {
                if (field.get(null) == option) {
                    return field;
                }
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("no field of JobOptions holds " + option.key());
    }

    /** Flink's descriptions as Markdown: code in backticks, links as links, on one line for a table cell. */
    private static final class MarkdownFormatter extends Formatter {
        @Override
        protected void formatLink(StringBuilder state, String link, String description) {
            state.append('[').append(description).append("](").append(link).append(')');
        }

        @Override
        protected void formatLineBreak(StringBuilder state) {
            state.append(' ');
        }

        @Override
        protected void formatText(StringBuilder state, String format, String[] elements,
                EnumSet<TextElement.TextStyle> styles) {
            String text = String.format(format, (Object[]) elements);
            state.append(styles.contains(TextElement.TextStyle.CODE) ? "`" + text + "`" : text);
        }

        @Override
        protected void formatList(StringBuilder state, String[] entries) {
            state.append(String.join("; ", entries));
        }

        @Override
        protected Formatter newInstance() {
            return new MarkdownFormatter();
        }
    }
}
