package dev.sluice.kms.gcp;

import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.StatusCode;
import com.google.cloud.kms.v1.CryptoKeyName;
import com.google.cloud.kms.v1.DecryptRequest;
import com.google.cloud.kms.v1.DecryptResponse;
import com.google.cloud.kms.v1.EncryptRequest;
import com.google.cloud.kms.v1.EncryptResponse;
import com.google.cloud.kms.v1.KeyManagementServiceClient;
import com.google.protobuf.ByteString;
import com.google.protobuf.Int64Value;
import dev.sluice.ConfigurationException;
import dev.sluice.ErrorCode;
import dev.sluice.SluiceException;
import dev.sluice.crypto.DataKey;
import dev.sluice.crypto.KeyProvider;
import dev.sluice.crypto.UndecryptableException;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.zip.CRC32C;

/**
 * Data keys wrapped by a Google Cloud KMS CryptoKey ({@code projects/p/locations/l/keyRings/r/cryptoKeys/k}). Cloud
 * KMS has no GenerateDataKey: a data key is 32 bytes from {@link SecureRandom}, wrapped with {@code Encrypt} on the
 * CryptoKey (its primary version) and unwrapped with {@code Decrypt} on the CryptoKey; the ciphertext names the key
 * version, so after a rotation in Cloud KMS old data keys still unwrap while new ones use the new primary. The key id
 * carried with each message is the CryptoKey name. Every call binds the additional authenticated data
 * {@code sluice:data-key}, and every call's integrity is checked as Cloud KMS documents: CRC32C of what is sent
 * ({@code plaintext_crc32c}, {@code ciphertext_crc32c}, {@code additional_authenticated_data_crc32c}), the
 * {@code verified_*} flags of an Encrypt response, the CRC32C of what comes back; a response that fails a check is
 * never used.
 *
 * <p>Failures, with the policy of {@code sluice-kms-aws}: when unwrapping, Cloud KMS saying the key or ciphertext is
 * wrong for good ({@code NOT_FOUND}: no such key; {@code INVALID_ARGUMENT}: not a ciphertext of this key, or changed;
 * {@code FAILED_PRECONDITION}: its key version disabled or destroyed) makes the message undecryptable (dead-lettered);
 * when wrapping, the same codes fail the publish with a non-retryable error. Anything else is retryable: an outage
 * ({@code UNAVAILABLE}, {@code DEADLINE_EXCEEDED}, {@code INTERNAL}), throttling ({@code RESOURCE_EXHAUSTED}), a
 * response that fails its checksums, and a missing permission ({@code PERMISSION_DENIED}, {@code UNAUTHENTICATED}),
 * which a fix of the IAM policy cures. Cloud KMS answers {@code PERMISSION_DENIED}, not {@code NOT_FOUND}, for a key
 * the caller may not see, so such a message is retried until its retries run out. Messages name the key, never key
 * material.
 */
public final class GcpKmsKeyProvider implements KeyProvider {
    /** The additional authenticated data of every Encrypt and Decrypt: a wrapped key is a Sluice data key. */
    static final ByteString AAD = ByteString.copyFromUtf8("sluice:data-key");
    private static final Int64Value AAD_CRC32C = crc32c(AAD);
    private static final int DATA_KEY_BYTES = 32;

    private final KeyManagementServiceClient kms;
    private final String keyName;
    private final SecureRandom random = new SecureRandom();

    /**
     * @param kms     the client (its credentials, endpoint and retry settings are the caller's; the caller closes it)
     * @param keyName the CryptoKey new data keys are wrapped under,
     *                {@code projects/<project>/locations/<location>/keyRings/<ring>/cryptoKeys/<key>}; null to unwrap only
     * @throws ConfigurationException when {@code keyName} is not a CryptoKey name
     */
    public GcpKmsKeyProvider(KeyManagementServiceClient kms, String keyName) {
        this.kms = Objects.requireNonNull(kms, "kms");
        this.keyName = keyName == null ? null : checkedKeyName(keyName);
    }

    /** With a client from the library's defaults: Application Default Credentials, the global Cloud KMS endpoint. */
    public static GcpKmsKeyProvider create(String keyName) throws IOException {
        checkedKeyName(keyName);
        return new GcpKmsKeyProvider(KeyManagementServiceClient.create(), keyName);
    }

    /** {@code keyName}, or a {@link ConfigurationException} that says what a CryptoKey name is. */
    static String checkedKeyName(String keyName) {
        if (keyName == null || !CryptoKeyName.isParsableFrom(keyName)) {
            throw new ConfigurationException("a Cloud KMS key must be a CryptoKey name,"
                    + " projects/<project>/locations/<location>/keyRings/<ring>/cryptoKeys/<key> (not a key version),"
                    + " not '" + keyName + "'");
        }
        return keyName;
    }

    @Override
    public Optional<String> primaryKeyId() {
        return Optional.ofNullable(keyName);
    }

    @Override
    public DataKey newDataKey() {
        if (keyName == null) throw new SluiceException(ErrorCode.INVALID, "no Cloud KMS key to wrap data keys under");
        byte[] plaintext = new byte[DATA_KEY_BYTES];
        random.nextBytes(plaintext);
        ByteString sent = ByteString.copyFrom(plaintext);
        EncryptRequest request = EncryptRequest.newBuilder().setName(keyName)
                .setPlaintext(sent).setPlaintextCrc32C(crc32c(sent))
                .setAdditionalAuthenticatedData(AAD).setAdditionalAuthenticatedDataCrc32C(AAD_CRC32C)
                .build();
        EncryptResponse r = call("Encrypt", keyName, false, () -> kms.encrypt(request));
        if (!r.getVerifiedPlaintextCrc32C() || !r.getVerifiedAdditionalAuthenticatedDataCrc32C()) {
            throw corrupted("Encrypt", keyName, "Cloud KMS did not verify the request's checksums");
        }
        if (!r.hasCiphertextCrc32C() || !r.getCiphertextCrc32C().equals(crc32c(r.getCiphertext()))) {
            throw corrupted("Encrypt", keyName, "the ciphertext does not match its ciphertext_crc32c");
        }
        if (!r.getName().startsWith(keyName + "/cryptoKeyVersions/")) {
            throw new SluiceException(ErrorCode.INVALID, "Cloud KMS Encrypt on " + keyName
                    + " answered for another key, " + r.getName());
        }
        return new DataKey(keyName, plaintext, r.getCiphertext().toByteArray());
    }

    @Override
    public byte[] unwrap(String keyId, byte[] wrapped) {
        if (!CryptoKeyName.isParsableFrom(keyId)) {
            throw new UndecryptableException("the message's key id is not a Cloud KMS CryptoKey name");
        }
        ByteString ciphertext = ByteString.copyFrom(wrapped);
        DecryptRequest request = DecryptRequest.newBuilder().setName(keyId)
                .setCiphertext(ciphertext).setCiphertextCrc32C(crc32c(ciphertext))
                .setAdditionalAuthenticatedData(AAD).setAdditionalAuthenticatedDataCrc32C(AAD_CRC32C)
                .build();
        DecryptResponse r = call("Decrypt", keyId, true, () -> kms.decrypt(request));
        if (!r.hasPlaintextCrc32C() || !r.getPlaintextCrc32C().equals(crc32c(r.getPlaintext()))) {
            throw corrupted("Decrypt", keyId, "the plaintext does not match its plaintext_crc32c");
        }
        return r.getPlaintext().toByteArray();
    }

    private static <T> T call(String operation, String key, boolean unwrapping, Supplier<T> call) {
        try {
            return call.get();
        } catch (ApiException e) {
            StatusCode.Code code = e.getStatusCode().getCode();
            String what = "Cloud KMS " + operation + " on " + key + " failed: " + code;
            switch (code) {
                case NOT_FOUND, INVALID_ARGUMENT, FAILED_PRECONDITION -> {
                    if (unwrapping) throw new UndecryptableException(what);
                    throw new SluiceException(code == StatusCode.Code.NOT_FOUND ? ErrorCode.NOT_FOUND : ErrorCode.INVALID,
                            what, e);
                }
                case RESOURCE_EXHAUSTED -> throw new SluiceException(ErrorCode.THROTTLED, what, e);
                default -> throw new SluiceException(ErrorCode.UNAVAILABLE, what, e);
            }
        }
    }

    /** A response damaged on the way: Cloud KMS's advice is to discard it and try again. */
    private static SluiceException corrupted(String operation, String key, String why) {
        return new SluiceException(ErrorCode.UNAVAILABLE, "Cloud KMS " + operation + " on " + key
                + ": response discarded, " + why);
    }

    static Int64Value crc32c(ByteString bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes.asReadOnlyByteBuffer());
        return Int64Value.of(crc.getValue());
    }

    @Override
    public String toString() {
        return "GcpKmsKeyProvider[" + (keyName == null ? "unwrap only" : keyName) + "]";
    }
}
