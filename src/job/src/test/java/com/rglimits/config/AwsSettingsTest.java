package com.rglimits.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.apache.flink.connector.aws.config.AWSConfigConstants;
import org.junit.jupiter.api.Test;

/** The shared {@code aws.*} names are the Flink AWS connectors' own (the job hands them over as they are). */
class AwsSettingsTest {
    @Test
    void theNamesAreTheConnectorsNames() {
        assertThat(AwsSettings.REGION).isEqualTo(AWSConfigConstants.AWS_REGION);
        assertThat(AwsSettings.ENDPOINT).isEqualTo(AWSConfigConstants.AWS_ENDPOINT);
        assertThat(AwsSettings.CREDENTIALS_PROVIDER).isEqualTo(AWSConfigConstants.AWS_CREDENTIALS_PROVIDER);
        assertThat(AwsSettings.ACCESS_KEY_ID).isEqualTo(AWSConfigConstants.AWS_ACCESS_KEY_ID);
        assertThat(AwsSettings.SECRET_KEY).isEqualTo(AWSConfigConstants.AWS_SECRET_ACCESS_KEY);
        assertThat(AwsSettings.PROFILE_NAME).isEqualTo(AWSConfigConstants.AWS_PROFILE_NAME);
        assertThat(AwsSettings.PROFILE_PATH).isEqualTo(AWSConfigConstants.AWS_PROFILE_PATH);
        assertThat(AwsSettings.ROLE_ARN).isEqualTo(AWSConfigConstants.AWS_ROLE_ARN);
        assertThat(AwsSettings.ROLE_SESSION_NAME).isEqualTo(AWSConfigConstants.AWS_ROLE_SESSION_NAME);
        assertThat(AwsSettings.ROLE_EXTERNAL_ID).isEqualTo(AWSConfigConstants.AWS_ROLE_EXTERNAL_ID);
        assertThat(AwsSettings.ROLE_STS_ENDPOINT).isEqualTo(AWSConfigConstants.AWS_ROLE_STS_ENDPOINT);
        assertThat(AwsSettings.ROLE_PROVIDER).isEqualTo(AWSConfigConstants.AWS_ROLE_CREDENTIALS_PROVIDER);
        assertThat(AwsSettings.WEB_IDENTITY_TOKEN_FILE).isEqualTo(AWSConfigConstants.AWS_WEB_IDENTITY_TOKEN_FILE);
        assertThat(AwsSettings.CUSTOM_CLASS).isEqualTo(AWSConfigConstants.CUSTOM_CREDENTIALS_PROVIDER_CLASS);
    }

    @Test
    void theProvidersAreTheConnectorsProviders() {
        assertThat(Arrays.stream(AwsSettings.CredentialsProvider.values()).map(Enum::name))
                .containsExactlyInAnyOrderElementsOf(Arrays.stream(AWSConfigConstants.CredentialProvider.values()).map(Enum::name)
                        .collect(java.util.stream.Collectors.toList()));
    }
}
