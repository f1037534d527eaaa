package com.rglimits.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The {@code aws.*} settings: region, endpoint and credentials, named as the Flink AWS connectors
 * name them, so that the job (which hands them to the connectors), the tools and the query service
 * take the same keys.
 */
public final class AwsSettings {
    public static final String PREFIX = "aws.";
    public static final String REGION = "aws.region";
    public static final String ENDPOINT = "aws.endpoint";
    public static final String CREDENTIALS_PROVIDER = "aws.credentials.provider";
    public static final String ACCESS_KEY_ID = "aws.credentials.provider.basic.accesskeyid";
    public static final String SECRET_KEY = "aws.credentials.provider.basic.secretkey";
    public static final String PROFILE_NAME = "aws.credentials.provider.profile.name";
    public static final String PROFILE_PATH = "aws.credentials.provider.profile.path";
    public static final String ROLE_ARN = "aws.credentials.provider.role.arn";
    public static final String ROLE_SESSION_NAME = "aws.credentials.provider.role.sessionName";
    public static final String ROLE_EXTERNAL_ID = "aws.credentials.provider.role.externalId";
    public static final String ROLE_STS_ENDPOINT = "aws.credentials.provider.role.stsEndpoint";
    public static final String ROLE_PROVIDER = "aws.credentials.provider.role.provider";
    public static final String WEB_IDENTITY_TOKEN_FILE = "aws.credentials.provider.webIdentityToken.file";
    public static final String CUSTOM_CLASS = "aws.credentials.provider.custom.class";

    /**
     * The connectors' credentials providers ({@code AWSConfigConstants.CredentialProvider}), each
     * with the sub-keys of {@link #CREDENTIALS_PROVIDER} it reads.
     */
    public enum CredentialsProvider {
        /** The SDK's default chain: environment, system properties, profile, container or instance role. */
        AUTO,
        BASIC(ACCESS_KEY_ID, SECRET_KEY),
        ENV_VAR,
        SYS_PROP,
        PROFILE(PROFILE_NAME, PROFILE_PATH),
        ASSUME_ROLE(ROLE_ARN, ROLE_SESSION_NAME, ROLE_EXTERNAL_ID, ROLE_STS_ENDPOINT, ROLE_PROVIDER),
        WEB_IDENTITY_TOKEN(WEB_IDENTITY_TOKEN_FILE, ROLE_ARN, ROLE_SESSION_NAME),
        CUSTOM(CUSTOM_CLASS);

        private final List<String> keys;

        CredentialsProvider(String... keys) {
            this.keys = List.of(keys);
        }

        /** The sub-keys of {@link #CREDENTIALS_PROVIDER} this provider reads. */
        public List<String> keys() {
            return keys;
        }
    }

    /** Every key: region, endpoint, the provider and the sub-keys of all providers. */
    public static final List<String> KEYS = allKeys();

    private AwsSettings() {}

    private static List<String> allKeys() {
        List<String> keys = new ArrayList<>(List.of(REGION, ENDPOINT, CREDENTIALS_PROVIDER));
        for (CredentialsProvider provider : CredentialsProvider.values()) {
            provider.keys().stream().filter(k -> !keys.contains(k)).forEach(keys::add);
        }
        return Collections.unmodifiableList(keys);
    }
}
