package dev.sluice.crypto;

import dev.sluice.ConfigurationException;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * SPI: opens a {@link KeyProvider} from a key named in configuration, {@code <scheme>:<key>} (for instance
 * {@code aws-kms:arn:aws:kms:eu-west-1:111122223333:key/…}, {@code aws-kms:alias/orders} or
 * {@code gcp-kms:projects/p/locations/l/keyRings/r/cryptoKeys/k}). Found through
 * {@link ServiceLoader}: a key service module lists its factory in
 * {@code META-INF/services/dev.sluice.crypto.KeyProviderFactory}, so that the function runtime's
 * {@code SLUICE_KMS_KEY} works once the module is on the classpath.
 */
public interface KeyProviderFactory {

    /** The scheme this factory opens, e.g. {@code aws-kms}. */
    String scheme();

    /**
     * A provider that wraps new data keys under {@code key} (the part after {@code scheme:}), with the
     * service's default credentials and region. Fails with a {@link ConfigurationException} when it cannot.
     */
    KeyProvider create(String key);

    /**
     * The provider for {@code schemeAndKey} from the factories on the classpath; a {@link ConfigurationException}
     * naming the scheme and the schemes available when none opens it.
     */
    static KeyProvider open(String schemeAndKey) {
        int colon = schemeAndKey.indexOf(':');
        if (colon <= 0 || colon == schemeAndKey.length() - 1) {
            throw new ConfigurationException("a key service key must be <scheme>:<key> (e.g. aws-kms:alias/orders),"
                    + " not '" + schemeAndKey + "'");
        }
        String scheme = schemeAndKey.substring(0, colon);
        List<String> known = new ArrayList<>();
        for (KeyProviderFactory f : ServiceLoader.load(KeyProviderFactory.class)) {
            if (f.scheme().equals(scheme)) return f.create(schemeAndKey.substring(colon + 1));
            known.add(f.scheme());
        }
        throw new ConfigurationException("no key service for '" + scheme + ":' on the classpath (found: "
                + (known.isEmpty() ? "none" : String.join(", ", known))
                + "); for aws-kms add dev.sluice:sluice-kms-aws, for gcp-kms dev.sluice:sluice-kms-gcp");
    }
}
