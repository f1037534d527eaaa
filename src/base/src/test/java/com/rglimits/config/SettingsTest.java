package com.rglimits.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {
    @Test
    void aRenamedSettingIsFoundUnderEitherNameAndTheOldOneWarns() {
        List<String> warnings = new ArrayList<>();
        Settings old = ConfigReaders.fromArgs(new String[] {"--subscriptions.table", "a"});
        assertThat(old.string("subscribers.table", "subscriptions.table", "d", warnings::add)).isEqualTo("a");
        assertThat(warnings).containsExactly("option --subscriptions.table is deprecated: use option --subscribers.table"
                + " (the old name is read until the next release)");
        old.rejectUnknown();

        warnings.clear();
        Settings current = ConfigReaders.fromArgs(new String[] {"--subscribers.table", "b"});
        assertThat(current.string("subscribers.table", "subscriptions.table", "d", warnings::add)).isEqualTo("b");
        assertThat(new Settings(Map.of(), k -> k).string("subscribers.table", "subscriptions.table", "d", warnings::add))
                .isEqualTo("d");
        assertThat(warnings).isEmpty();
    }

    @Test
    void givenUnderBothNamesIsAnError() {
        Settings both = ConfigReaders.fromArgs(new String[] {"--subscribers.table", "a", "--subscriptions.table", "b"});
        assertThatThrownBy(() -> both.givenKey("subscribers.table", List.of("subscriptions.table")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("option --subscribers.table and option --subscriptions.table are the same setting: give one of them");
    }
}
