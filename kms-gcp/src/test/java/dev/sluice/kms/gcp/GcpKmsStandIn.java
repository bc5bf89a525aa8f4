package dev.sluice.kms.gcp;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.GrpcTransportChannel;
import com.google.api.gax.rpc.FixedTransportChannelProvider;
import com.google.cloud.kms.v1.CryptoKeyName;
import com.google.cloud.kms.v1.DecryptRequest;
import com.google.cloud.kms.v1.DecryptResponse;
import com.google.cloud.kms.v1.EncryptRequest;
import com.google.cloud.kms.v1.EncryptResponse;
import com.google.cloud.kms.v1.KeyManagementServiceSettings;
import com.google.protobuf.ByteString;
import com.google.protobuf.Int64Value;
import com.google.protobuf.Message;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.zip.CRC32C;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A local stand-in for Google Cloud KMS on 127.0.0.1: the {@code google.cloud.kms.v1.KeyManagementService} gRPC
 * service (plaintext, no credentials) with the two methods the provider calls, {@code Encrypt} and {@code Decrypt}.
 * (Its service base, {@code grpc-google-cloud-kms-v1}, is not served here, so the two methods are declared with the
 * protos of {@code proto-google-cloud-kms-v1}, under the service's real method names.)
 *
 * <p>Each CryptoKey has AES-256 versions, one of them primary; {@link #rotate} adds a primary version,
 * {@link #disable} and {@link #destroy} change one. A ciphertext is the key version number (4 bytes), a 12-byte IV
 * and AES-GCM over the plaintext with the CryptoKey name and the request's additional authenticated data as
 * associated data. As Cloud KMS: CRC32C request checksums are verified (a mismatch is {@code INVALID_ARGUMENT}) and
 * reported ({@code verified_*}); responses carry their own; an unknown key is {@code NOT_FOUND}, a ciphertext that
 * is not one of this key's {@code INVALID_ARGUMENT}, a disabled or destroyed version {@code FAILED_PRECONDITION}.
 * {@link #outage} answers {@code UNAVAILABLE}; {@link #corruptResponses} flips a bit of each answer after its
 * checksum is taken, as a damaged network would.
 */
final class GcpKmsStandIn implements AutoCloseable {
    static final String SERVICE = "google.cloud.kms.v1.KeyManagementService";
    private static final int IV_BYTES = 12;

    private final Server server;
    private final ManagedChannel channel;
    private final Map<String, List<Version>> keys = new ConcurrentHashMap<>();
    private final Map<String, Integer> primary = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    final AtomicBoolean outage = new AtomicBoolean();
    final AtomicBoolean corruptResponses = new AtomicBoolean();

    GcpKmsStandIn() throws IOException {
        ServerServiceDefinition service = ServerServiceDefinition.builder(SERVICE)
                .addMethod(method("Encrypt", EncryptRequest.getDefaultInstance(), EncryptResponse.getDefaultInstance()),
                        ServerCalls.asyncUnaryCall((req, out) -> answer("Encrypt", req, out, this::encrypt)))
                .addMethod(method("Decrypt", DecryptRequest.getDefaultInstance(), DecryptResponse.getDefaultInstance()),
                        ServerCalls.asyncUnaryCall((req, out) -> answer("Decrypt", req, out, this::decrypt)))
                .build();
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(service).build().start();
        channel = ManagedChannelBuilder.forTarget("127.0.0.1:" + server.getPort()).usePlaintext().build();
    }

    private static <Q extends Message, A extends Message> MethodDescriptor<Q, A> method(String name, Q request, A response) {
        return MethodDescriptor.<Q, A>newBuilder().setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
                .setRequestMarshaller(ProtoUtils.marshaller(request))
                .setResponseMarshaller(ProtoUtils.marshaller(response))
                .build();
    }

    /** Client settings to this stand-in: its plaintext channel (which {@link #close()} closes), no credentials. */
    KeyManagementServiceSettings.Builder settings() {
        return KeyManagementServiceSettings.newBuilder()
                .setTransportChannelProvider(FixedTransportChannelProvider.create(GrpcTransportChannel.create(channel)))
                .setCredentialsProvider(NoCredentialsProvider.create());
    }

    /** Creates a CryptoKey with one (primary) version; returns its name. */
    String createKey(String id) {
        String name = CryptoKeyName.format("sluice-test", "global", "sluice", id);
        keys.put(name, new CopyOnWriteArrayList<>());
        rotate(name);
        return name;
    }

    /** Adds a version to {@code key} and makes it primary; returns its number. */
    int rotate(String key) {
        byte[] k = new byte[32];
        random.nextBytes(k);
        List<Version> versions = keys.get(key);
        versions.add(new Version(new SecretKeySpec(k, "AES"), new AtomicBoolean(true)));
        primary.put(key, versions.size());
        return versions.size();
    }

    void disable(String key, int version) {
        keys.get(key).get(version - 1).enabled().set(false);
    }

    /** Destroys the key material of a version: what it encrypted can never be decrypted. */
    void destroy(String key, int version) {
        keys.get(key).set(version - 1, new Version(null, new AtomicBoolean(false)));
    }

    int calls(String method) {
        return calls.getOrDefault(method, new AtomicInteger()).get();
    }

    private <Q, A> void answer(String method, Q request, StreamObserver<A> out, Call<Q, A> call) {
        calls.computeIfAbsent(method, m -> new AtomicInteger()).incrementAndGet();
        try {
            if (outage.get()) throw Status.UNAVAILABLE.withDescription("down for the test").asRuntimeException();
            out.onNext(call.apply(request));
            out.onCompleted();
        } catch (StatusRuntimeException e) {
            out.onError(e);
        } catch (GeneralSecurityException e) {
            out.onError(Status.INTERNAL.withDescription(e.toString()).asRuntimeException());
        }
    }

    private EncryptResponse encrypt(EncryptRequest req) throws GeneralSecurityException {
        List<Version> versions = versions(req.getName());
        check("plaintext", req.getPlaintext(), req.hasPlaintextCrc32C(), req.getPlaintextCrc32C());
        check("additional_authenticated_data", req.getAdditionalAuthenticatedData(),
                req.hasAdditionalAuthenticatedDataCrc32C(), req.getAdditionalAuthenticatedDataCrc32C());
        int number = primary.get(req.getName());
        Version v = versions.get(number - 1);
        if (!v.enabled().get()) throw failedPrecondition(req.getName(), number);
        byte[] iv = new byte[IV_BYTES];
        random.nextBytes(iv);
        byte[] sealed = gcm(Cipher.ENCRYPT_MODE, v.key(), iv, req.getName(), req.getAdditionalAuthenticatedData())
                .doFinal(req.getPlaintext().toByteArray());
        ByteString ciphertext = ByteString.copyFrom(ByteBuffer.allocate(4 + IV_BYTES + sealed.length)
                .putInt(number).put(iv).put(sealed).flip());
        return EncryptResponse.newBuilder().setName(req.getName() + "/cryptoKeyVersions/" + number)
                .setCiphertextCrc32C(crc32c(ciphertext)).setCiphertext(damaged(ciphertext))
                .setVerifiedPlaintextCrc32C(req.hasPlaintextCrc32C())
                .setVerifiedAdditionalAuthenticatedDataCrc32C(req.hasAdditionalAuthenticatedDataCrc32C())
                .build();
    }

    private DecryptResponse decrypt(DecryptRequest req) throws GeneralSecurityException {
        List<Version> versions = versions(req.getName());
        check("ciphertext", req.getCiphertext(), req.hasCiphertextCrc32C(), req.getCiphertextCrc32C());
        check("additional_authenticated_data", req.getAdditionalAuthenticatedData(),
                req.hasAdditionalAuthenticatedDataCrc32C(), req.getAdditionalAuthenticatedDataCrc32C());
        ByteBuffer c = req.getCiphertext().asReadOnlyByteBuffer();
        if (c.remaining() < 4 + IV_BYTES + 16) throw invalid("Decryption failed: the ciphertext is invalid.");
        int number = c.getInt();
        if (number < 1 || number > versions.size()) throw invalid("Decryption failed: the ciphertext is invalid.");
        Version v = versions.get(number - 1);
        if (!v.enabled().get()) throw failedPrecondition(req.getName(), number);
        byte[] iv = new byte[IV_BYTES];
        c.get(iv);
        byte[] sealed = new byte[c.remaining()];
        c.get(sealed);
        ByteString plaintext;
        try {
            plaintext = ByteString.copyFrom(gcm(Cipher.DECRYPT_MODE, v.key(), iv, req.getName(),
                    req.getAdditionalAuthenticatedData()).doFinal(sealed));
        } catch (AEADBadTagException e) {
            throw invalid("Decryption failed: the ciphertext is invalid.");
        }
        return DecryptResponse.newBuilder().setPlaintextCrc32C(crc32c(plaintext)).setPlaintext(damaged(plaintext))
                .setUsedPrimary(number == primary.get(req.getName()))
                .build();
    }

    private List<Version> versions(String name) {
        if (!CryptoKeyName.isParsableFrom(name)) throw invalid("Resource name [" + name + "] does not match");
        List<Version> versions = keys.get(name);
        if (versions == null) throw Status.NOT_FOUND.withDescription(name + " not found.").asRuntimeException();
        return versions;
    }

    private static void check(String field, ByteString data, boolean hasCrc, Int64Value crc) {
        if (hasCrc && !crc.equals(crc32c(data))) {
            throw invalid("The checksum in field " + field + "_crc32c did not match the data in field " + field + ".");
        }
    }

    private ByteString damaged(ByteString bytes) {
        if (!corruptResponses.get() || bytes.isEmpty()) return bytes;
        byte[] b = bytes.toByteArray();
        b[b.length / 2] ^= 0x10;
        return ByteString.copyFrom(b);
    }

    private static StatusRuntimeException invalid(String message) {
        return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
    }

    private static StatusRuntimeException failedPrecondition(String key, int version) {
        return Status.FAILED_PRECONDITION.withDescription(key + "/cryptoKeyVersions/" + version
                + " is not enabled").asRuntimeException();
    }

    private static Cipher gcm(int mode, SecretKeySpec key, byte[] iv, String keyName, ByteString aad)
            throws GeneralSecurityException {
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(mode, key, new GCMParameterSpec(128, iv));
        c.updateAAD(ByteString.copyFromUtf8(keyName + "\0").concat(aad).toByteArray());
        return c;
    }

    static Int64Value crc32c(ByteString bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes.asReadOnlyByteBuffer());
        return Int64Value.of(crc.getValue());
    }

    @Override
    public void close() {
        channel.shutdownNow();
        server.shutdownNow();
        try {
            server.awaitTermination(5, TimeUnit.SECONDS);
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A key version: its AES key (null once destroyed) and whether it may be used. */
    private record Version(SecretKeySpec key, AtomicBoolean enabled) {}

    @FunctionalInterface
    private interface Call<Q, A> {
        A apply(Q request) throws GeneralSecurityException;
    }
}
