package dev.sluice.runtime.config;

import dev.sluice.crypto.KeyProvider;
import dev.sluice.crypto.KeyProviderFactory;
import dev.sluice.crypto.LocalKeyring;
import java.util.Base64;

/** {@code test-kms:<kid>}: a key service of this test's own, found through the ServiceLoader as a KMS module's is. */
public final class TestKeyServiceFactory implements KeyProviderFactory {

    @Override
    public String scheme() {
        return "test-kms";
    }

    @Override
    public KeyProvider create(String key) {
        return LocalKeyring.of(key + ":" + Base64.getEncoder().encodeToString(new byte[32]));
    }
}
