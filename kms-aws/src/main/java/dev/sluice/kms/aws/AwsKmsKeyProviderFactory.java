package dev.sluice.kms.aws;

import dev.sluice.ConfigurationException;
import dev.sluice.crypto.KeyProvider;
import dev.sluice.crypto.KeyProviderFactory;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Opens {@code aws-kms:<key id, ARN, alias name or alias ARN>} (the function runtime's {@code SLUICE_KMS_KEY}) as an
 * {@link AwsKmsKeyProvider} with the SDK's default region, credentials and endpoint ({@code AWS_REGION},
 * {@code AWS_ENDPOINT_URL_KMS}, …).
 */
public final class AwsKmsKeyProviderFactory implements KeyProviderFactory {

    @Override
    public String scheme() {
        return "aws-kms";
    }

    @Override
    public KeyProvider create(String key) {
        try {
            return AwsKmsKeyProvider.create(key);
        } catch (SdkClientException e) {
            throw new ConfigurationException("cannot make a KMS client for aws-kms:" + key + ": " + e.getMessage()
                    + " (set AWS_REGION, or use an ARN's region)", e);
        }
    }
}
