package com.rglimits.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.rglimits.aws.AwsSettings.SubKey;
import java.util.Arrays;
import org.apache.flink.connector.aws.config.AWSConfigConstants;
import org.junit.jupiter.api.Test;

/** The shared {@code aws.*} names are the Flink AWS connectors' own (the job hands them over as they are). */
class ConnectorNamesTest {
    @Test
    void theNamesAreTheConnectorsNames() {
        assertThat(AwsSettings.REGION).isEqualTo(AWSConfigConstants.AWS_REGION);
        assertThat(AwsSettings.ENDPOINT).isEqualTo(AWSConfigConstants.AWS_ENDPOINT);
        assertThat(AwsSettings.CREDENTIALS_PROVIDER).isEqualTo(AWSConfigConstants.AWS_CREDENTIALS_PROVIDER);
        assertThat(AwsSettings.ACCESS_KEY_ID).isEqualTo(AWSConfigConstants.AWS_ACCESS_KEY_ID);
        assertThat(AwsSettings.SECRET_KEY).isEqualTo(AWSConfigConstants.AWS_SECRET_ACCESS_KEY);
        assertThat(SubKey.PROFILE_NAME.of(AwsSettings.CREDENTIALS_PROVIDER)).isEqualTo(AWSConfigConstants.AWS_PROFILE_NAME);
        assertThat(SubKey.PROFILE_PATH.of(AwsSettings.CREDENTIALS_PROVIDER)).isEqualTo(AWSConfigConstants.AWS_PROFILE_PATH);
        assertThat(SubKey.ROLE_ARN.of(AwsSettings.CREDENTIALS_PROVIDER)).isEqualTo(AWSConfigConstants.AWS_ROLE_ARN);
        assertThat(SubKey.ROLE_SESSION_NAME.of(AwsSettings.CREDENTIALS_PROVIDER)).isEqualTo(AWSConfigConstants.AWS_ROLE_SESSION_NAME);
        assertThat(SubKey.ROLE_EXTERNAL_ID.of(AwsSettings.CREDENTIALS_PROVIDER)).isEqualTo(AWSConfigConstants.AWS_ROLE_EXTERNAL_ID);
        assertThat(AwsSettings.ROLE_STS_ENDPOINT).isEqualTo(AWSConfigConstants.AWS_ROLE_STS_ENDPOINT);
        assertThat(SubKey.ROLE_PROVIDER.of(AwsSettings.CREDENTIALS_PROVIDER)).isEqualTo(AWSConfigConstants.AWS_ROLE_CREDENTIALS_PROVIDER);
        assertThat(SubKey.WEB_IDENTITY_TOKEN_FILE.of(AwsSettings.CREDENTIALS_PROVIDER)).isEqualTo(AWSConfigConstants.AWS_WEB_IDENTITY_TOKEN_FILE);
        assertThat(SubKey.CUSTOM_CLASS.of(AwsSettings.CREDENTIALS_PROVIDER)).isEqualTo(AWSConfigConstants.CUSTOM_CREDENTIALS_PROVIDER_CLASS);
    }

    @Test
    void theProvidersAreTheConnectorsProviders() {
        assertThat(Arrays.stream(AwsSettings.CredentialsProvider.values()).map(Enum::name))
                .containsExactlyInAnyOrderElementsOf(Arrays.stream(AWSConfigConstants.CredentialProvider.values()).map(Enum::name)
                        .collect(java.util.stream.Collectors.toList()));
    }
}
