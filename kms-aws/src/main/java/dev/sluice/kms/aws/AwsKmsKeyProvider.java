package dev.sluice.kms.aws;

import dev.sluice.ErrorCode;
import dev.sluice.SluiceException;
import dev.sluice.crypto.DataKey;
import dev.sluice.crypto.KeyProvider;
import dev.sluice.crypto.UndecryptableException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kms.KmsAsyncClient;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.DecryptResponse;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;
import software.amazon.awssdk.services.kms.model.KmsException;

/**
 * Data keys from AWS KMS: {@code GenerateDataKey} (AES_256) under the configured key makes one, {@code Decrypt}
 * unwraps one. The key id carried with each message is the key ARN KMS returns, so a message names the key that
 * wrapped it even after an alias moves; rotation of the KMS key itself is KMS's (old backing keys still decrypt).
 * Each call binds the encryption context {@code {"sluice":"data-key"}}.
 *
 * <p>Failures: KMS saying the key or ciphertext is wrong for good ({@code NotFoundException},
 * {@code InvalidCiphertextException}, {@code IncorrectKeyException}, {@code DisabledException},
 * {@code KMSInvalidStateException}) make the message undecryptable (dead-lettered);
 * anything else (throttling, an outage, a missing permission, which a fix of the policy cures) is retryable, and
 * the message is retried.
 */
public final class AwsKmsKeyProvider implements KeyProvider {
    static final Map<String, String> CONTEXT = Map.of("sluice", "data-key");

    private final KmsAsyncClient kms;
    private final String keyId;

    /**
     * @param kms   the client (its credentials, region and endpoint are the caller's)
     * @param keyId the key new data keys are wrapped under: id, ARN, alias name or alias ARN; null to unwrap only
     */
    public AwsKmsKeyProvider(KmsAsyncClient kms, String keyId) {
        this.kms = Objects.requireNonNull(kms, "kms");
        this.keyId = keyId;
    }

    /** With a client from the SDK's defaults (region, credentials and endpoint from the environment). */
    public static AwsKmsKeyProvider create(String keyId) {
        return new AwsKmsKeyProvider(KmsAsyncClient.create(), keyId);
    }

    @Override
    public Optional<String> primaryKeyId() {
        return Optional.ofNullable(keyId);
    }

    @Override
    public DataKey newDataKey() {
        if (keyId == null) throw new SluiceException(ErrorCode.INVALID, "no KMS key to make data keys under");
        GenerateDataKeyResponse r = call("GenerateDataKey", () -> kms.generateDataKey(b -> b.keyId(keyId)
                .keySpec(DataKeySpec.AES_256).encryptionContext(CONTEXT)).join());
        return new DataKey(r.keyId(), r.plaintext().asByteArray(), r.ciphertextBlob().asByteArray());
    }

    @Override
    public byte[] unwrap(String keyId, byte[] wrapped) {
        DecryptResponse r = call("Decrypt", () -> kms.decrypt(b -> b.keyId(keyId)
                .ciphertextBlob(SdkBytes.fromByteArray(wrapped)).encryptionContext(CONTEXT)).join());
        return r.plaintext().asByteArray();
    }

    private <T> T call(String operation, java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (CompletionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof KmsException k && permanent(k)) {
                throw new UndecryptableException("KMS " + operation + " refused: " + k.awsErrorDetails().errorCode());
            }
            ErrorCode code = cause instanceof KmsException k && k.isThrottlingException() ? ErrorCode.THROTTLED
                    : ErrorCode.UNAVAILABLE;
            String what = cause instanceof SdkException s ? s.getClass().getSimpleName() : cause.getClass().getName();
            throw new SluiceException(code, "KMS " + operation + " failed: " + what, cause);
        }
    }

    private static boolean permanent(KmsException e) {
        if (e.awsErrorDetails() == null) return false;
        String code = e.awsErrorDetails().errorCode();
        return code != null && switch (code) {
            case "NotFoundException", "InvalidCiphertextException", "IncorrectKeyException", "DisabledException",
                    "KMSInvalidStateException", "InvalidKeyUsageException" -> true;
            default -> false;
        };
    }

    @Override
    public String toString() {
        return "AwsKmsKeyProvider[" + (keyId == null ? "unwrap only" : keyId) + "]";
    }
}
