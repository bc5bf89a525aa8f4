package dev.sluice.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.PermanentFailureException;
import dev.sluice.QueueSpec;
import dev.sluice.core.Sluice;
import dev.sluice.crypto.LocalKeyring;
import dev.sluice.crypto.PayloadEncryption;
import dev.sluice.testkit.Await;
import dev.sluice.testkit.EncryptionConformance;
import dev.sluice.worker.Worker;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * "Show data" of an encrypted dead letter over HTTP, on {@code mem://} with a {@link LocalKeyring}: a console whose
 * Sluice holds the key shows the operator the plaintext (audited as decrypted); one without it shows the ciphertext
 * envelope and why; a viewer sees neither, only that the event is encrypted and under which key.
 */
class ConsoleEncryptedDataTest {
    private static final String VIEWER = ConsoleHttpTest.VIEWER;
    private static final String OPERATOR = ConsoleHttpTest.OPERATOR;
    private static final String CARD = "4111-1111-1111-1111";
    private static final String DLQ = "/queues/payments/dead-letters";

    @Test
    void aConsoleWithTheKeyShowsTheOperatorThePlaintextAndAuditsItAsDecrypted() throws Exception {
        QueueSpec spec = QueueSpec.builder("mem://payments").build();
        try (Sluice sluice = Sluice.builder().keyProvider(LocalKeyring.of(EncryptionConformance.newKey("k1")))
                     .encrypted("mem://payments").build();
             Worker w = declining(sluice, spec);
             SluiceConsole console = console(sluice, spec)) {
            sluice.publisher("mem://payments").publish("payment.requested", Map.of("card", CARD)).get();
            awaitDeadLetter(sluice, spec);
            Http http = new Http(console.port());
            String id = firstId(http.get(DLQ, OPERATOR).body());

            HttpResponse<String> viewer = http.get(DLQ + "/message?id=" + id, VIEWER);
            assertThat(viewer.body()).contains("encrypted (key id k1)").contains("Redacted").doesNotContain(CARD)
                    .doesNotContain("\"ct\"");
            assertThat(http.post(DLQ + "/message/data", VIEWER, Map.of("csrf", http.csrf(DLQ, VIEWER), "id", id))
                    .statusCode()).isEqualTo(403);

            assertThat(http.get(DLQ + "/message?id=" + id, OPERATOR).body()).contains("encrypted (key id k1)")
                    .contains("show-data").doesNotContain(CARD);
            try (AuditCapture audit = new AuditCapture()) {
                HttpResponse<String> shown = http.post(DLQ + "/message/data", OPERATOR,
                        Map.of("csrf", http.csrf(DLQ, OPERATOR), "id", id));
                assertThat(shown.statusCode()).isEqualTo(200);
                assertThat(shown.body()).contains("id=\"decrypted\"").contains("Decrypted by this console with key k1")
                        .contains(CARD).doesNotContain("\"ct\"");
                assertThat(audit.lines()).singleElement().satisfies(line -> assertThat(line)
                        .contains("action=show-data", "id=" + id, "decrypted", "key=k1").doesNotContain(CARD));
            }
            assertThat(new String(sluice.deadLetters(spec).peek(1).get(0).body(), StandardCharsets.UTF_8))
                    .as("the dead letter still holds the ciphertext").doesNotContain(CARD);
        }
    }

    @Test
    void aConsoleWithoutTheKeyShowsTheCiphertextEnvelopeAndWhyNeverATrace() throws Exception {
        QueueSpec spec = QueueSpec.builder("mem://payments").build();
        PayloadEncryption producers = new PayloadEncryption(LocalKeyring.of(EncryptionConformance.newKey("k7")),
                dev.sluice.Scheduler.system());
        try (Sluice sluice = Sluice.create();   // no key provider: the worker dead-letters it, the console cannot read it
             Worker w = declining(sluice, spec);
             SluiceConsole console = console(sluice, spec)) {
            CloudEvent event = CloudEventBuilder.v1().withId("p-1").withSource(URI.create("/shop")).withType("payment.requested")
                    .withDataContentType("application/json")
                    .withData(("{\"card\":\"" + CARD + "\"}").getBytes(StandardCharsets.UTF_8)).build();
            sluice.publisher("mem://payments").publish(producers.encrypt(event)).get();
            awaitDeadLetter(sluice, spec);
            Http http = new Http(console.port());
            HttpResponse<String> list = http.get(DLQ, OPERATOR);
            assertThat(list.body()).contains("UNDECRYPTABLE");
            String id = firstId(list.body());

            try (AuditCapture audit = new AuditCapture()) {
                HttpResponse<String> shown = http.post(DLQ + "/message/data", OPERATOR,
                        Map.of("csrf", http.csrf(DLQ, OPERATOR), "id", id));
                assertThat(shown.statusCode()).isEqualTo(200);
                assertThat(shown.body()).contains("id=\"not-decrypted\"").contains("Encrypted (key id k7), not decrypted")
                        .contains("this console has no key &#39;k7&#39;").contains("&quot;ct&quot;:")
                        .doesNotContain(CARD).doesNotContain("at dev.sluice.");
                assertThat(audit.lines()).singleElement().satisfies(line -> assertThat(line)
                        .contains("action=show-data", "ciphertext", "key=k7").doesNotContain("decrypted"));
            }
        }
    }

    private static Worker declining(Sluice sluice, QueueSpec spec) {
        return sluice.worker(spec).on("payment.requested", (e, d) -> {
            throw new PermanentFailureException("card declined");
        }).start();
    }

    private static SluiceConsole console(Sluice sluice, QueueSpec spec) {
        return SluiceConsole.builder(sluice).queue("payments", spec).host("127.0.0.1").port(0)
                .auth(ConsoleAuth.tokens(VIEWER, OPERATOR)).start();
    }

    private static void awaitDeadLetter(Sluice sluice, QueueSpec spec) throws InterruptedException {
        Await.until("the dead letter", () -> DepthSampler.count(sluice.stats(spec).deadLetterQueue()) == 1);
    }

    private static String firstId(String html) {
        Matcher m = Pattern.compile("/message\\?id=([^\"]+)\"").matcher(html);
        if (!m.find()) throw new AssertionError("no dead letter listed");
        return m.group(1);
    }
}
