package dev.sluice.kms.gcp;

import dev.sluice.ConfigurationException;
import dev.sluice.crypto.KeyProvider;
import dev.sluice.crypto.KeyProviderFactory;
import java.io.IOException;

/**
 * Opens {@code gcp-kms:projects/<project>/locations/<location>/keyRings/<ring>/cryptoKeys/<key>} (the function
 * runtime's {@code SLUICE_KMS_KEY}) as a {@link GcpKmsKeyProvider} with the client library's defaults: Application
 * Default Credentials ({@code GOOGLE_APPLICATION_CREDENTIALS}, the attached service account on Cloud Run) and the
 * global Cloud KMS endpoint.
 */
public final class GcpKmsKeyProviderFactory implements KeyProviderFactory {

    @Override
    public String scheme() {
        return "gcp-kms";
    }

    @Override
    public KeyProvider create(String key) {
        try {
            return GcpKmsKeyProvider.create(key);
        } catch (IOException e) {
            throw new ConfigurationException("cannot make a Cloud KMS client for gcp-kms:" + key + ": "
                    + e.getMessage() + " (Application Default Credentials: set GOOGLE_APPLICATION_CREDENTIALS, or run"
                    + " with a service account)", e);
        }
    }
}
