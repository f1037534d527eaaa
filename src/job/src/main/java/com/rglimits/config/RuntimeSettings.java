package com.rglimits.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Where the production job's settings come from, in this order:
 *
 * <ol>
 *   <li>command-line options ({@code --source.stream NAME ...}, optionally {@code --config
 *       job.properties}): a Flink cluster of your own;
 *   <li>a local JSON file in the managed service's shape ({@code [{"PropertyGroupId": "source",
 *       "PropertyMap": {"stream": "..."}}, ...]}, or a whole CreateApplication request such as
 *       {@code kda-application.json}), named by {@code --runtime.properties.file FILE} (the only
 *       option then) or by the environment variable {@value #FILE_ENV};
 *   <li>otherwise the runtime properties of Amazon Managed Service for Apache Flink
 *       ({@code KinesisAnalyticsRuntime.getApplicationProperties()}).
 * </ol>
 *
 * <p>Property groups are read by the same {@link JobConfig} code as options (group {@code G}, key
 * {@code K} is setting {@code G.K}), and marked {@link Settings#runtimeManaged()}: the runtime owns
 * checkpointing and parallelism. Every problem is a {@link ConfigException} naming the property
 * group and key, thrown before the job graph is built.
 */
public final class RuntimeSettings {
    /** Command-line option naming a property-groups JSON file. */
    public static final String FILE_OPTION = "runtime.properties.file";
    /** Environment variable naming a property-groups JSON file, used when there are no options. */
    public static final String FILE_ENV = "RUNTIME_PROPERTIES_FILE";

    private static final String SERVICE = "Managed Service for Apache Flink runtime properties";
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

    /** The managed service's property groups; a seam for tests. */
    interface ServiceProperties {
        Map<String, Properties> get() throws IOException;
    }

    private RuntimeSettings() {}

    /** The settings of the production job for its {@code main(args)}. */
    public static Settings load(String[] args) {
        return load(args, System.getenv(), RuntimeSettings::serviceProperties);
    }

    static Settings load(String[] args, Map<String, String> env, ServiceProperties service) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--" + FILE_OPTION)) {
                if (args.length != 2 || i != 0) {
                    throw new ConfigException("option --" + FILE_OPTION + " FILE takes every setting from the file:"
                            + " give no other option with it");
                }
                return fromFile(Path.of(args[1]));
            }
        }
        if (args.length > 0) {
            return ConfigReaders.fromArgs(args);
        }
        String file = env.get(FILE_ENV);
        if (file != null && !file.isBlank()) {
            return fromFile(Path.of(file.trim()));
        }
        Map<String, Properties> groups;
        try {
            groups = service.get();
        } catch (IOException e) {
            throw new ConfigException("cannot read the " + SERVICE + ": " + e.getMessage());
        } catch (NoClassDefFoundError e) {
            throw new ConfigException("no settings: give command-line options (--source.stream ...), --" + FILE_OPTION
                    + " FILE or the environment variable " + FILE_ENV + " (the managed service's runtime library"
                    + " is not on this classpath)");
        }
        if (groups == null || groups.isEmpty()) {
            throw new ConfigException("no settings: the application has no runtime properties (on Managed Service"
                    + " for Apache Flink set ApplicationConfiguration.EnvironmentProperties.PropertyGroups; elsewhere"
                    + " give command-line options, --" + FILE_OPTION + " FILE or the environment variable " + FILE_ENV + ")");
        }
        return fromPropertyGroups(groups, "");
    }

    /**
     * Property groups as the job reads them on the managed service: validated like options, plus
     * the rules of {@link Settings#runtimeManaged()} (no checkpoint or parallelism keys).
     *
     * @param where appended to each setting's description, e.g. {@code " in app.json"}
     */
    public static Settings fromPropertyGroups(Map<String, Properties> groups, String where) {
        for (Map.Entry<String, Properties> group : groups.entrySet()) {
            String id = group.getKey();
            if (id == null || id.isBlank() || id.contains(".")) {
                throw new ConfigException("property group '" + id + "'" + where + ": a group id is the part of a"
                        + " setting before its first dot (" + String.join(", ", JobOptions.propertyGroups()) + ")");
            }
            for (String key : group.getValue().stringPropertyNames()) {
                if (key.isBlank()) {
                    throw new ConfigException("property group '" + id + "'" + where + " has an empty key");
                }
            }
        }
        Settings base = ConfigReaders.fromPropertyGroups(groups);
        return new Settings(base.asMap(), key -> base.describe(key) + where, true);
    }

    /** A JSON file of property groups (the service's shape), or a CreateApplication request holding them. */
    public static Settings fromFile(Path file) {
        return fromPropertyGroups(readPropertyGroups(file), " (in " + file + ")");
    }

    /**
     * Reads {@code [{"PropertyGroupId": ..., "PropertyMap": {...}}, ...]}; an object is taken as a
     * CreateApplication request and its {@code ApplicationConfiguration.EnvironmentProperties.PropertyGroups}
     * are read.
     */
    public static Map<String, Properties> readPropertyGroups(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("runtime properties file " + file + " does not exist");
        }
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new ConfigException("runtime properties file " + file + " is not valid JSON: "
                    + e.getMessage().split("\n", 2)[0]);
        }
        JsonNode groups = root != null && root.isObject()
                ? root.at("/ApplicationConfiguration/EnvironmentProperties/PropertyGroups")
                : root;
        if (groups == null || !groups.isArray()) {
            throw new ConfigException("runtime properties file " + file + ": expected a JSON array of property groups"
                    + " [{\"PropertyGroupId\": \"source\", \"PropertyMap\": {\"stream\": \"...\"}}, ...]"
                    + " or a CreateApplication request with ApplicationConfiguration.EnvironmentProperties.PropertyGroups");
        }
        Map<String, Properties> out = new LinkedHashMap<>();
        int index = 0;
        for (JsonNode group : groups) {
            String at = "runtime properties file " + file + ", property group #" + (++index);
            if (!group.isObject()) {
                throw new ConfigException(at + ": expected an object with PropertyGroupId and PropertyMap");
            }
            for (Iterator<String> fields = group.fieldNames(); fields.hasNext(); ) {
                String field = fields.next();
                if (!field.equals("PropertyGroupId") && !field.equals("PropertyMap")) {
                    throw new ConfigException(at + ": unknown field '" + field + "' (expected PropertyGroupId and PropertyMap)");
                }
            }
            JsonNode id = group.get("PropertyGroupId");
            if (id == null || !id.isTextual() || id.asText().isBlank()) {
                throw new ConfigException(at + ": PropertyGroupId must be a non-empty string");
            }
            String groupId = id.asText();
            JsonNode map = group.get("PropertyMap");
            if (map == null || !map.isObject()) {
                throw new ConfigException("runtime properties file " + file + ", property group '" + groupId
                        + "': PropertyMap must be an object of string values");
            }
            Properties props = new Properties();
            for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().isTextual()) {
                    throw new ConfigException("runtime properties file " + file + ", property group '" + groupId
                            + "', key '" + e.getKey() + "': the value must be a JSON string (the service's property"
                            + " values are strings), got " + e.getValue());
                }
                props.setProperty(e.getKey(), e.getValue().asText());
            }
            if (out.put(groupId, props) != null) {
                throw new ConfigException("runtime properties file " + file + ": property group '" + groupId
                        + "' is given twice");
            }
        }
        return out;
    }

    private static Map<String, Properties> serviceProperties() throws IOException {
        return ServiceRuntime.applicationProperties();
    }

    /** Holds the only reference to the service's library, so it is loaded only when used. */
    private static final class ServiceRuntime {
        static Map<String, Properties> applicationProperties() throws IOException {
            return com.amazonaws.services.kinesisanalytics.runtime.KinesisAnalyticsRuntime.getApplicationProperties();
        }
    }
}
