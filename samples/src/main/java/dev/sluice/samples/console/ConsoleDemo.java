package dev.sluice.samples.console;

import dev.sluice.PermanentFailureException;
import dev.sluice.QueueSpec;
import dev.sluice.console.ConsoleAuth;
import dev.sluice.console.SluiceConsole;
import dev.sluice.core.Sluice;
import dev.sluice.worker.Worker;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

/**
 * The web console on a demo queue: a worker on {@code mem://welcome-email} dead-letters the first delivery of every
 * sign-up at {@code full.example} (a full mailbox) and handles it when redriven. 40 sign-ups are published, 12 land in
 * the DLQ, and the console serves them on http://127.0.0.1:8081/ with a viewer and an operator token made for this
 * run (printed here, on the terminal only). Ctrl-C stops it.
 *
 * <pre>mvn -q install -DskipTests -pl samples -am &amp;&amp; mvn -q -pl samples exec:java -Dexec.mainClass=dev.sluice.samples.console.ConsoleDemo</pre>
 */
public final class ConsoleDemo {
    private ConsoleDemo() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.log.dev.sluice.lifecycle", "error");
        String viewer = token();
        String operator = token();
        Set<String> seen = ConcurrentHashMap.newKeySet();
        Set<String> sent = ConcurrentHashMap.newKeySet();
        Sluice sluice = Sluice.create();
        QueueSpec spec = QueueSpec.builder("mem://welcome-email").maxDeliveryAttempts(3).build();
        Worker worker = sluice.worker(spec).on("send-welcome-email", (event, delivery) -> {
            String email = sluice.events().bind(event, Map.class).get("email").toString();
            if (email.endsWith("@full.example") && seen.add(event.getId())) {
                throw new PermanentFailureException("mailbox full: " + email);
            }
            sent.add(event.getId());
        }).start();
        for (int i = 0; i < 40; i++) {
            String email = (i % 10 < 3 ? "user" + i + "@full.example" : "user" + i + "@example.com");
            sluice.publisher(spec.uri()).publish("send-welcome-email", Map.of("email", email, "name", "User " + i)).join();
        }
        SluiceConsole console = SluiceConsole.builder(sluice).queue("welcome-email", spec).host("127.0.0.1")
                .auth(ConsoleAuth.tokens(viewer, operator)).start();
        System.out.println("The Sluice console: http://127.0.0.1:" + console.port() + "/");
        System.out.println("  viewer token:   " + viewer);
        System.out.println("  operator token: " + operator + "   (both made for this run; Ctrl-C stops)");
        System.out.println("12 of 40 welcome e-mails are dead letters (a full mailbox); log in as operator and redrive them.");
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            console.close();
            worker.close();
            sluice.close();
            System.out.println(sent.size() + " of 40 welcome e-mails sent.");
            stop.countDown();
        }));
        stop.await();
    }

    private static String token() {
        byte[] b = new byte[24];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
