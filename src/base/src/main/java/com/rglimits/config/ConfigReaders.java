package com.rglimits.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/** Turns each way settings arrive into {@link Settings} with the same flat keys. */
public final class ConfigReaders {
    /** Command-line option naming a properties file whose settings the other options override. */
    public static final String CONFIG_FILE_OPTION = "config";

    private ConfigReaders() {}

    /** {@code --group.key value ...}, optionally with {@code --config file.properties}. */
    public static Settings fromArgs(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new ConfigException("unexpected argument '" + arg + "': options are --name value");
            }
            if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                throw new ConfigException("option " + arg + " needs a value");
            }
            String key = arg.substring(2);
            if (options.put(key, args[++i]) != null) {
                throw new ConfigException("option " + arg + " is given twice");
            }
        }
        Map<String, String> values = new HashMap<>();
        String file = options.remove(CONFIG_FILE_OPTION);
        if (file != null) {
            values.putAll(fromPropertiesFile(Path.of(file)).asMap());
        }
        values.putAll(options);
        return new Settings(values, key -> options.containsKey(key) || file == null
                ? "option --" + key
                : "option --" + key + " (or '" + key + "' in " + file + ")");
    }

    public static Settings fromPropertiesFile(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new ConfigException("cannot read properties file " + file + ": " + e.getMessage());
        }
        Map<String, String> values = new HashMap<>();
        p.stringPropertyNames().forEach(k -> values.put(k, p.getProperty(k)));
        return new Settings(values, key -> "property '" + key + "' in " + file);
    }

    /**
     * The managed service's property groups: group id {@code G} with key {@code K} is setting
     * {@code G.K}.
     */
    public static Settings fromPropertyGroups(Map<String, Properties> groups) {
        Map<String, String> values = new HashMap<>();
        groups.forEach((group, props) ->
                props.stringPropertyNames().forEach(k -> values.put(group + "." + k, props.getProperty(k))));
        return new Settings(values, key -> {
            int dot = key.indexOf('.');
            return dot < 0
                    ? "property '" + key + "'"
                    : "property group '" + key.substring(0, dot) + "', key '" + key.substring(dot + 1) + "'";
        });
    }
}
