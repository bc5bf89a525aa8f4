/**
 * Public API: {@link dev.sluice.kms.gcp.GcpKmsKeyProvider}, a {@link dev.sluice.crypto.KeyProvider} whose data keys
 * are wrapped ({@code Encrypt}) and unwrapped ({@code Decrypt}) by a Google Cloud KMS CryptoKey; the CryptoKey never
 * leaves Cloud KMS. Credentials come from Application Default Credentials (or the client you pass), never from
 * Sluice configuration.
 */
package dev.sluice.kms.gcp;
