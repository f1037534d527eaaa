package com.rglimits.aws;

import com.rglimits.config.ConfigException;
import com.rglimits.config.Settings;
import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The {@code aws.*} settings, with the keys and meanings of Flink's AWS connectors
 * ({@code flink-connector-aws-base}), so that one set of settings configures the connectors and every
 * client {@link AwsClients} builds. Immutable and serializable: a sink carries it to its writers,
 * which build their clients from it.
 */
public final class AwsSettings implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final String PREFIX = "aws.";
    /** The region; absent: the SDK's default region chain (the {@code AWS_REGION} variable, the profile). */
    public static final String REGION = "aws.region";
    /** An endpoint override (an emulator); absent: the region's endpoint of each service. */
    public static final String ENDPOINT = "aws.endpoint";
    /** One of {@link CredentialsProvider}, configured by the sub-keys of this key. */
    public static final String CREDENTIALS_PROVIDER = "aws.credentials.provider";
    /** With {@link CredentialsProvider#BASIC}: the access key id. */
    public static final String ACCESS_KEY_ID = SubKey.ACCESS_KEY_ID.of(CREDENTIALS_PROVIDER);
    /** With {@link CredentialsProvider#BASIC}: the secret access key. */
    public static final String SECRET_KEY = SubKey.SECRET_KEY.of(CREDENTIALS_PROVIDER);
    /** The endpoint of STS for {@link CredentialsProvider#ASSUME_ROLE}; absent: the region's. */
    public static final String ROLE_STS_ENDPOINT = SubKey.ROLE_STS_ENDPOINT.of(CREDENTIALS_PROVIDER);
    public static final String TRUST_ALL_CERTIFICATES = "aws.trust.all.certificates";
    /** {@code HTTP1_1} or {@code HTTP2}, for the asynchronous clients. */
    public static final String HTTP_PROTOCOL_VERSION = "aws.http.protocol.version";
    public static final String HTTP_CLIENT_MAX_CONCURRENCY = "aws.http-client.max-concurrency";
    /** Milliseconds. */
    public static final String HTTP_CLIENT_READ_TIMEOUT = "aws.http-client.read-timeout";

    /** The regions the connectors accept (they check the same pattern). */
    private static final Pattern REGION_PATTERN = Pattern.compile("^[a-z]+-([a-z]+[-]{0,1}[a-z]+-([0-9]|global)|global)$");

    /** Where the credentials come from; the connectors' {@code AWSConfigConstants.CredentialProvider}. */
    public enum CredentialsProvider {
        /** The SDK's default chain: environment, system properties, web identity, profile, container or instance role. */
        AUTO,
        /** The key pair of the sub-keys {@code .basic.accesskeyid} and {@code .basic.secretkey}. */
        BASIC,
        /** {@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY} (and {@code AWS_SESSION_TOKEN}). */
        ENV_VAR,
        /** The system properties {@code aws.accessKeyId} and {@code aws.secretAccessKey}. */
        SYS_PROP,
        /** A profile: {@code .profile.name} (default: the default profile), {@code .profile.path} (a credentials file). */
        PROFILE,
        /**
         * A role assumed with STS: {@code .role.arn}, {@code .role.sessionName}, optionally {@code .role.externalId},
         * with the credentials of the provider under {@code .role.provider} (itself configured by its sub-keys).
         */
        ASSUME_ROLE,
        /** A web identity token file: {@code .role.arn}, {@code .role.sessionName}, {@code .webIdentityToken.file}, or their variables. */
        WEB_IDENTITY_TOKEN,
        /** A class of the job's, named by {@code .custom.class}, constructed with all the settings as {@link Properties}. */
        CUSTOM
    }

    private final TreeMap<String, String> values;

    private AwsSettings(Map<String, String> values) {
        this.values = new TreeMap<>(values);
    }

    public static AwsSettings of(Map<String, String> values) {
        return new AwsSettings(values);
    }

    public static AwsSettings of(Properties properties) {
        Map<String, String> values = new TreeMap<>();
        properties.stringPropertyNames().forEach(k -> values.put(k, properties.getProperty(k)));
        return new AwsSettings(values);
    }

    /**
     * The keys this class knows, read from settings that reject the keys nobody read (the query
     * service): any other {@code aws.*} key is then reported as unknown. Validated, with the keys
     * named as their user wrote them.
     */
    public static AwsSettings read(Settings settings) {
        Map<String, String> values = new TreeMap<>();
        for (String key : new String[] {REGION, ENDPOINT, TRUST_ALL_CERTIFICATES, HTTP_PROTOCOL_VERSION,
                HTTP_CLIENT_MAX_CONCURRENCY, HTTP_CLIENT_READ_TIMEOUT, ROLE_STS_ENDPOINT}) {
            copy(settings, key, values);
        }
        readProvider(settings, CREDENTIALS_PROVIDER, values);
        AwsSettings aws = new AwsSettings(values);
        try {
            aws.validate(settings::describe);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
        return aws;
    }

    private static void readProvider(Settings settings, String providerKey, Map<String, String> values) {
        String given = settings.string(providerKey, null);
        if (given == null) {
            // As the connectors: the two basic keys alone mean BASIC.
            if (settings.contains(SubKey.ACCESS_KEY_ID.of(providerKey)) && settings.contains(SubKey.SECRET_KEY.of(providerKey))) {
                copy(settings, SubKey.ACCESS_KEY_ID.of(providerKey), values);
                copy(settings, SubKey.SECRET_KEY.of(providerKey), values);
            }
            return;
        }
        CredentialsProvider type = settings.enumValue(providerKey, CredentialsProvider.class, CredentialsProvider.AUTO);
        values.put(providerKey, type.name());
        for (SubKey subKey : subKeys(type)) {
            copy(settings, subKey.of(providerKey), values);
        }
        if (type == CredentialsProvider.ASSUME_ROLE) {
            readProvider(settings, SubKey.ROLE_PROVIDER.of(providerKey), values);
        }
    }

    /** The sub-keys a provider of this type reads. */
    private static SubKey[] subKeys(CredentialsProvider type) {
        switch (type) {
            case BASIC:
                return new SubKey[] {SubKey.ACCESS_KEY_ID, SubKey.SECRET_KEY};
            case PROFILE:
                return new SubKey[] {SubKey.PROFILE_NAME, SubKey.PROFILE_PATH};
            case ASSUME_ROLE:
                return new SubKey[] {SubKey.ROLE_ARN, SubKey.ROLE_SESSION_NAME, SubKey.ROLE_EXTERNAL_ID};
            case WEB_IDENTITY_TOKEN:
                return new SubKey[] {SubKey.ROLE_ARN, SubKey.ROLE_SESSION_NAME, SubKey.WEB_IDENTITY_TOKEN_FILE};
            case CUSTOM:
                return new SubKey[] {SubKey.CUSTOM_CLASS};
            default:
                return new SubKey[0];
        }
    }

    /** The sub-keys a provider of this type cannot do without. */
    private static SubKey[] requiredSubKeys(CredentialsProvider type) {
        switch (type) {
            case BASIC:
                return new SubKey[] {SubKey.ACCESS_KEY_ID, SubKey.SECRET_KEY};
            case ASSUME_ROLE:
                return new SubKey[] {SubKey.ROLE_ARN, SubKey.ROLE_SESSION_NAME};
            case CUSTOM:
                return new SubKey[] {SubKey.CUSTOM_CLASS};
            default:
                return new SubKey[0];
        }
    }

    private static void copy(Settings settings, String key, Map<String, String> values) {
        String v = settings.string(key, null);
        if (v != null) {
            values.put(key, v);
        }
    }

    /** The same settings with {@code key} set to {@code value} (null: removed). */
    public AwsSettings with(String key, String value) {
        TreeMap<String, String> changed = new TreeMap<>(values);
        if (value == null) {
            changed.remove(key);
        } else {
            changed.put(key, value);
        }
        return new AwsSettings(changed);
    }

    /** The same settings with {@code key} set to {@code value} unless it is set already. */
    public AwsSettings withDefault(String key, String value) {
        return values.containsKey(key) ? this : with(key, value);
    }

    /** The value of a key, or null. */
    public String get(String key) {
        return values.get(key);
    }

    public Map<String, String> asMap() {
        return Collections.unmodifiableMap(values);
    }

    /** As the connectors take them. */
    public Properties toProperties() {
        Properties p = new Properties();
        p.putAll(values);
        return p;
    }

    /** The type of the provider configured under {@code providerKey}: given, or BASIC when only its keys are, else AUTO. */
    CredentialsProvider providerType(String providerKey) {
        String given = values.get(providerKey);
        if (given == null) {
            return values.containsKey(SubKey.ACCESS_KEY_ID.of(providerKey)) && values.containsKey(SubKey.SECRET_KEY.of(providerKey))
                    ? CredentialsProvider.BASIC : CredentialsProvider.AUTO;
        }
        try {
            return CredentialsProvider.valueOf(given);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(providerKey + " must be one of "
                    + Arrays.toString(CredentialsProvider.values()) + ", got '" + given + "'");
        }
    }

    /**
     * Fails with an {@link IllegalArgumentException} on what the connectors would refuse (an unknown
     * credentials provider, BASIC without its keys, a region that is not one) and on an endpoint
     * that is not an http(s) URL; resolves nothing.
     */
    public void validate() {
        validate(Function.identity());
    }

    private void validate(Function<String, String> describe) {
        validateProvider(CREDENTIALS_PROVIDER, describe);
        String region = values.get(REGION);
        if (region != null && !REGION_PATTERN.matcher(region).matches()) {
            throw new IllegalArgumentException(describe.apply(REGION) + " is not an AWS region: '" + region + "'");
        }
        for (String key : new String[] {ENDPOINT, ROLE_STS_ENDPOINT}) {
            String endpoint = values.get(key);
            if (endpoint != null && !isHttpUrl(endpoint)) {
                throw new IllegalArgumentException(describe.apply(key) + " must be an http(s) URL, got '" + endpoint + "'");
            }
        }
    }

    private void validateProvider(String providerKey, Function<String, String> describe) {
        CredentialsProvider type;
        try {
            type = providerType(providerKey);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(describe.apply(providerKey) + " must be one of "
                    + Arrays.toString(CredentialsProvider.values()) + ", got '" + values.get(providerKey) + "'");
        }
        if (type == CredentialsProvider.ASSUME_ROLE) {
            validateProvider(SubKey.ROLE_PROVIDER.of(providerKey), describe);
        }
        for (SubKey subKey : requiredSubKeys(type)) {
            if (values.get(subKey.of(providerKey)) == null) {
                throw new IllegalArgumentException(describe.apply(subKey.of(providerKey)) + " is required with "
                        + describe.apply(providerKey) + " " + type);
            }
        }
    }

    private static boolean isHttpUrl(String value) {
        try {
            URI uri = new URI(value);
            return uri.getHost() != null && ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()));
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /** The sub-keys of a credentials provider key, as the connectors name them: the provider's key and a suffix. */
    public enum SubKey {
        ACCESS_KEY_ID(".basic.accesskeyid"),
        SECRET_KEY(".basic.secretkey"),
        PROFILE_NAME(".profile.name"),
        PROFILE_PATH(".profile.path"),
        ROLE_ARN(".role.arn"),
        ROLE_SESSION_NAME(".role.sessionName"),
        ROLE_EXTERNAL_ID(".role.externalId"),
        /** The provider of the credentials that assume the role: configured by its own sub-keys, another role included. */
        ROLE_PROVIDER(".role.provider"),
        ROLE_STS_ENDPOINT(".role.stsEndpoint"),
        WEB_IDENTITY_TOKEN_FILE(".webIdentityToken.file"),
        CUSTOM_CLASS(".custom.class");

        private final String suffix;

        SubKey(String suffix) {
            this.suffix = suffix;
        }

        /** This sub-key of the provider configured under {@code providerKey}. */
        public String of(String providerKey) {
            return providerKey + suffix;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AwsSettings && values.equals(((AwsSettings) o).values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    /** The keys only: values may be secrets. */
    @Override
    public String toString() {
        return "AwsSettings" + values.keySet();
    }
}
