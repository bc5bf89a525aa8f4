/**
 * Public API and SPI for encrypted payloads: envelope encryption of each event's data, opt-in per queue on
 * {@code Sluice.builder().keyProvider(...).encrypted(...)}. {@link dev.sluice.crypto.KeyProvider} is the SPI a key
 * service implements (the {@link dev.sluice.crypto.LocalKeyring} here; AWS KMS in {@code sluice-kms-aws}, Google Cloud
 * KMS in {@code sluice-kms-gcp});
 * {@link dev.sluice.crypto.PayloadEncryption} encrypts on publish and decrypts in the pipeline, the one place a
 * message is decoded. The wire format is on {@link dev.sluice.crypto.PayloadEncryption}. Layered just above the
 * contract ({@code dev.sluice}): it uses the contract and nothing else of Sluice.
 */
package dev.sluice.crypto;
