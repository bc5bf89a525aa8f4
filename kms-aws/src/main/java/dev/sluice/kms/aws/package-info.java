/**
 * Public API: {@link dev.sluice.kms.aws.AwsKmsKeyProvider}, a {@link dev.sluice.crypto.KeyProvider} whose data keys
 * come from AWS KMS ({@code GenerateDataKey}) and are unwrapped by it ({@code Decrypt}); the KMS key never leaves
 * KMS. Credentials come from the SDK's default chain (or the client you pass), never from Sluice configuration.
 */
package dev.sluice.kms.aws;
