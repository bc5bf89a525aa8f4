package dev.sluice.crypto;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sluice.Scheduler;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.util.Base64;

/**
 * Fuzzes decryption, which reads whatever a sender put in an encrypted event's data: it decrypts or fails with
 * {@link UndecryptableException}, nothing else. Half the inputs are a real envelope with fuzzed fields.
 */
class EnvelopeFuzz {
    private static final LocalKeyring KEYS = LocalKeyring.of("k1:" + Base64.getEncoder().encodeToString(new byte[32]));
    private static final PayloadEncryption ENCRYPTION = new PayloadEncryption(KEYS, new Scheduler() {
        @Override
        public java.time.Instant now() {
            return java.time.Instant.EPOCH;
        }

        @Override
        public Cancellable schedule(java.time.Duration delay, Runnable task) {
            return () -> { };
        }
    });

    @FuzzTest(maxDuration = "5s")
    void envelopesDecryptOrFailWithUndecryptableException(FuzzedDataProvider in) {
        byte[] data;
        if (in.consumeBoolean()) {
            String b64 = Base64.getEncoder().encodeToString(in.consumeBytes(64));
            data = ("{\"v\":1,\"alg\":\"A256GCM\",\"kid\":\"" + (in.consumeBoolean() ? "k1" : "k2") + "\",\"key\":\""
                    + (in.consumeBoolean() ? b64 : in.consumeString(40)) + "\",\"iv\":\"AAAAAAAAAAAAAAAA\",\"ct\":\""
                    + in.consumeString(80) + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        } else {
            data = in.consumeRemainingAsBytes();
        }
        CloudEvent e = CloudEventBuilder.v1().withId("f").withSource(URI.create("/f")).withType("t")
                .withDataContentType(PayloadEncryption.CONTENT_TYPE).withData(data).build();
        try {
            ENCRYPTION.decrypt(e);
        } catch (UndecryptableException expected) {
            // the documented failure
        }
    }
}
