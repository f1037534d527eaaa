package com.rglimits.aws;

import com.rglimits.aws.AwsSettings.CredentialsProvider;
import com.rglimits.aws.AwsSettings.SubKey;
import com.rglimits.config.ConfigException;
import java.lang.reflect.InvocationTargetException;
import java.net.URI;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.function.Consumer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.auth.credentials.SystemPropertyCredentialsProvider;
import software.amazon.awssdk.auth.credentials.WebIdentityTokenFileCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsAsyncClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpConfigurationOption;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.StsClientBuilder;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;
import software.amazon.awssdk.utils.AttributeMap;

/**
 * Every AWS SDK client of the project, synchronous or asynchronous, built from {@link AwsSettings}
 * as Flink's AWS connectors read those keys: region, endpoint override, credentials provider and
 * its sub-keys, HTTP settings. Synchronous clients get the Apache HTTP client, asynchronous ones
 * Netty; each client owns its HTTP client and closes it when it is closed.
 *
 * <pre>
 * DynamoDbClient dynamo = AwsClients.sync(aws, DynamoDbClient.builder());
 * SqsAsyncClient sqs = AwsClients.async(aws, SqsAsyncClient.builder());
 * </pre>
 *
 * A builder may come with settings of its own (an override configuration with call timeouts); the
 * ones above replace whatever it had.
 */
public final class AwsClients {
    /** As the connectors' asynchronous HTTP client: waiting for a connection of the pool is not a failure. */
    static final Duration CONNECTION_ACQUISITION_TIMEOUT = Duration.ofSeconds(60);
    /** The connectors' asynchronous HTTP client's defaults, under what the settings give. */
    private static final AttributeMap ASYNC_DEFAULTS = AttributeMap.builder()
            .put(SdkHttpConfigurationOption.MAX_CONNECTIONS, 10_000)
            .put(SdkHttpConfigurationOption.READ_TIMEOUT, Duration.ofMinutes(6))
            .put(SdkHttpConfigurationOption.TCP_KEEPALIVE, true)
            // DynamoDB and SQS speak HTTP/1.1 (the connectors' DynamoDB sink says so too); HTTP/2 when asked.
            .put(SdkHttpConfigurationOption.PROTOCOL, Protocol.HTTP1_1)
            .build();

    private AwsClients() {}

    /** A synchronous client with the Apache HTTP client (the SDK's defaults, under what the settings give). */
    public static <B extends AwsSyncClientBuilder<B, C> & AwsClientBuilder<B, C>, C> C sync(AwsSettings aws, B builder) {
        return sync(aws, builder, http -> { });
    }

    /**
     * A synchronous client whose Apache HTTP client is also given {@code tuning} (pool size and
     * timeouts of a service that answers its own callers within a deadline), which wins over the settings.
     */
    public static <B extends AwsSyncClientBuilder<B, C> & AwsClientBuilder<B, C>, C> C sync(
            AwsSettings aws, B builder, Consumer<ApacheHttpClient.Builder> tuning) {
        ApacheHttpClient.Builder apache = ApacheHttpClient.builder();
        tuning.accept(apache);
        return configure(aws, builder).httpClientBuilder(new SyncHttp(apache, httpOptions(aws, AttributeMap.empty()))).build();
    }

    /** An asynchronous client with the Netty HTTP client, HTTP/1.1 unless {@code aws.http.protocol.version} says HTTP2. */
    public static <B extends AwsAsyncClientBuilder<B, C> & AwsClientBuilder<B, C>, C> C async(AwsSettings aws, B builder) {
        NettyNioAsyncHttpClient.Builder netty = NettyNioAsyncHttpClient.builder()
                .connectionAcquisitionTimeout(CONNECTION_ACQUISITION_TIMEOUT);
        return configure(aws, builder).httpClientBuilder(new AsyncHttp(netty, httpOptions(aws, ASYNC_DEFAULTS))).build();
    }

    private static <B extends AwsClientBuilder<B, C>, C> B configure(AwsSettings aws, B builder) {
        builder.region(region(aws)).credentialsProvider(credentialsProvider(aws));
        String endpoint = aws.get(AwsSettings.ENDPOINT);
        if (endpoint != null) {
            builder.endpointOverride(URI.create(endpoint));
        }
        return builder;
    }

    /**
     * {@code aws.region}, else the SDK's default chain; none at all is a one-line error rather than
     * the chain's report.
     */
    static Region region(AwsSettings aws) {
        String region = aws.get(AwsSettings.REGION);
        if (region != null) {
            return Region.of(region);
        }
        try {
            return new DefaultAwsRegionProviderChain().getRegion();
        } catch (SdkClientException e) {
            throw new ConfigException("no AWS region: set " + AwsSettings.REGION + " or the AWS_REGION environment variable");
        }
    }

    /** The HTTP options the settings give, over {@code defaults}. */
    static AttributeMap httpOptions(AwsSettings aws, AttributeMap defaults) {
        AttributeMap.Builder options = AttributeMap.builder();
        String maxConcurrency = aws.get(AwsSettings.HTTP_CLIENT_MAX_CONCURRENCY);
        if (maxConcurrency != null) {
            options.put(SdkHttpConfigurationOption.MAX_CONNECTIONS, Integer.parseInt(maxConcurrency));
        }
        String readTimeout = aws.get(AwsSettings.HTTP_CLIENT_READ_TIMEOUT);
        if (readTimeout != null) {
            options.put(SdkHttpConfigurationOption.READ_TIMEOUT, Duration.ofMillis(Long.parseLong(readTimeout)));
        }
        String trustAll = aws.get(AwsSettings.TRUST_ALL_CERTIFICATES);
        if (trustAll != null) {
            options.put(SdkHttpConfigurationOption.TRUST_ALL_CERTIFICATES, Boolean.parseBoolean(trustAll));
        }
        String protocol = aws.get(AwsSettings.HTTP_PROTOCOL_VERSION);
        if (protocol != null) {
            options.put(SdkHttpConfigurationOption.PROTOCOL, Protocol.valueOf(protocol));
        }
        return options.build().merge(defaults);
    }

    /** The credentials provider {@code aws.credentials.provider} and its sub-keys configure. */
    public static AwsCredentialsProvider credentialsProvider(AwsSettings aws) {
        return credentialsProvider(aws, AwsSettings.CREDENTIALS_PROVIDER);
    }

    private static AwsCredentialsProvider credentialsProvider(AwsSettings aws, String providerKey) {
        CredentialsProvider type = aws.providerType(providerKey);
        switch (type) {
            case BASIC:
                return StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        aws.get(SubKey.ACCESS_KEY_ID.of(providerKey)), aws.get(SubKey.SECRET_KEY.of(providerKey))));
            case ENV_VAR:
                return EnvironmentVariableCredentialsProvider.create();
            case SYS_PROP:
                return SystemPropertyCredentialsProvider.create();
            case PROFILE:
                return profile(aws, providerKey);
            case ASSUME_ROLE:
                return assumeRole(aws, providerKey);
            case WEB_IDENTITY_TOKEN:
                return webIdentity(aws, providerKey);
            case CUSTOM:
                return custom(aws, providerKey);
            case AUTO:
            default:
                // A new chain each time, as the connectors: one client closing it must not close another's.
                return DefaultCredentialsProvider.builder().build();
        }
    }

    private static AwsCredentialsProvider profile(AwsSettings aws, String providerKey) {
        ProfileCredentialsProvider.Builder profile = ProfileCredentialsProvider.builder()
                .profileName(aws.get(SubKey.PROFILE_NAME.of(providerKey)));
        String path = aws.get(SubKey.PROFILE_PATH.of(providerKey));
        if (path != null) {
            profile.profileFile(ProfileFile.builder().type(ProfileFile.Type.CREDENTIALS).content(Paths.get(path)).build());
        }
        return profile.build();
    }

    private static AwsCredentialsProvider assumeRole(AwsSettings aws, String providerKey) {
        // The STS client takes the top-level region and STS endpoint, at any depth of roles, as the connectors do.
        StsClientBuilder sts = StsClient.builder()
                .credentialsProvider(credentialsProvider(aws, SubKey.ROLE_PROVIDER.of(providerKey)))
                .region(region(aws))
                .httpClientBuilder(ApacheHttpClient.builder());
        String stsEndpoint = aws.get(AwsSettings.ROLE_STS_ENDPOINT);
        if (stsEndpoint != null) {
            sts.endpointOverride(URI.create(stsEndpoint));
        }
        return StsAssumeRoleCredentialsProvider.builder()
                .refreshRequest(r -> r.roleArn(aws.get(SubKey.ROLE_ARN.of(providerKey)))
                        .roleSessionName(aws.get(SubKey.ROLE_SESSION_NAME.of(providerKey)))
                        .externalId(aws.get(SubKey.ROLE_EXTERNAL_ID.of(providerKey))))
                .stsClient(sts.build())
                .build();
    }

    private static AwsCredentialsProvider webIdentity(AwsSettings aws, String providerKey) {
        // Unset keys leave the provider to its environment variables (AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE, ...).
        WebIdentityTokenFileCredentialsProvider.Builder webIdentity = WebIdentityTokenFileCredentialsProvider.builder();
        String roleArn = aws.get(SubKey.ROLE_ARN.of(providerKey));
        if (roleArn != null) {
            webIdentity.roleArn(roleArn);
        }
        String sessionName = aws.get(SubKey.ROLE_SESSION_NAME.of(providerKey));
        if (sessionName != null) {
            webIdentity.roleSessionName(sessionName);
        }
        String tokenFile = aws.get(SubKey.WEB_IDENTITY_TOKEN_FILE.of(providerKey));
        if (tokenFile != null) {
            webIdentity.webIdentityTokenFile(Paths.get(tokenFile));
        }
        return webIdentity.build();
    }

    private static AwsCredentialsProvider custom(AwsSettings aws, String providerKey) {
        String className = aws.get(SubKey.CUSTOM_CLASS.of(providerKey));
        try {
            return (AwsCredentialsProvider) Class.forName(className)
                    .getDeclaredConstructor(java.util.Properties.class).newInstance(aws.toProperties());
        } catch (ClassNotFoundException | NoSuchMethodException | InstantiationException | IllegalAccessException
                | InvocationTargetException e) {
            throw new IllegalArgumentException("cannot construct the credentials provider " + className
                    + " (" + SubKey.CUSTOM_CLASS.of(providerKey) + ") with a Properties argument: " + e, e);
        }
    }

    /**
     * The Apache HTTP client with the settings' options over the service's defaults. Given to the
     * client as a builder, so that the client builds it, owns it and closes it.
     */
    private static final class SyncHttp implements SdkHttpClient.Builder<SyncHttp> {
        private final ApacheHttpClient.Builder apache;
        private final AttributeMap options;

        SyncHttp(ApacheHttpClient.Builder apache, AttributeMap options) {
            this.apache = apache;
            this.options = options;
        }

        @Override
        public SdkHttpClient buildWithDefaults(AttributeMap serviceDefaults) {
            return apache.buildWithDefaults(options.merge(serviceDefaults));
        }
    }

    /** The Netty HTTP client, likewise. */
    private static final class AsyncHttp implements SdkAsyncHttpClient.Builder<AsyncHttp> {
        private final NettyNioAsyncHttpClient.Builder netty;
        private final AttributeMap options;

        AsyncHttp(NettyNioAsyncHttpClient.Builder netty, AttributeMap options) {
            this.netty = netty;
            this.options = options;
        }

        @Override
        public SdkAsyncHttpClient buildWithDefaults(AttributeMap serviceDefaults) {
            return netty.buildWithDefaults(options.merge(serviceDefaults));
        }
    }
}
