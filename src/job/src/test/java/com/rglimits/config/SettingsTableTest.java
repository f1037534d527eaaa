package com.rglimits.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.rglimits.testing.ProjectFiles;
import java.nio.file.Path;
import java.util.function.Predicate;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

/**
 * The settings tables of README.md (every setting) and docs/subscribers.md (the feed's) are the ones
 * {@link JobOptions} describes. With {@code -Dsettings.table.write=true} the test writes them instead.
 */
class SettingsTableTest {
    static final String REGENERATE = "mvn test -pl src/job -am -Dtest=SettingsTableTest"
            + " -Dsurefire.failIfNoSpecifiedTests=false -Dsettings.table.write=true";

    @Test
    void theReadmeListsEverySettingAsJobOptionsDescribesIt() {
        check(ProjectFiles.path("README.md"), option -> true);
    }

    @Test
    void theSubscribersDocListsTheFeedsSettings() {
        check(ProjectFiles.path("docs", "subscribers.md"), option -> option.key().startsWith("subscribers."));
    }

    @Test
    void everySettingIsDescribedAndEveryTypedOneHasADefaultOrBounds() {
        for (ConfigOption<?> option : JobOptions.ALL) {
            assertThat(option.description().getBlocks()).as(option.key()).isNotEmpty();
            if (!option.hasDefaultValue() && JobOptions.range(option) == null) {
                // OptionReader takes such an option for text: Flink must read any text as its value.
                Configuration text = new Configuration();
                text.setString(option.key(), "any text");
                assertThat((Object) text.get(option)).as(option.key() + " is a text setting").isEqualTo("any text");
            }
        }
    }

    private static void check(Path file, Predicate<ConfigOption<?>> options) {
        String table = SettingsTable.render(options);
        if (Boolean.getBoolean("settings.table.write")) {
            SettingsTable.write(file, SettingsTable.replaceTable(SettingsTable.read(file), table));
        }
        assertThat(SettingsTable.tableIn(SettingsTable.read(file)))
                .as("%s: its settings table differs from JobOptions; regenerate it with%n  %s%n", file, REGENERATE)
                .isEqualTo(table);
    }
}
