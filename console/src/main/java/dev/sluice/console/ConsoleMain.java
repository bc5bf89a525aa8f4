package dev.sluice.console;

import dev.sluice.core.Sluice;
import dev.sluice.runtime.config.RuntimeConfig;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the console alone on the runtime's configuration: the queues of {@code SLUICE_QUEUE_*} (or the properties
 * file of {@code SLUICE_CONFIG_FILE}) and {@code SLUICE_CONSOLE_*}, until SIGTERM or Ctrl-C. This is what
 * {@code sluice console} runs. {@code java -cp ... dev.sluice.console.ConsoleMain}.
 */
public final class ConsoleMain {
    private ConsoleMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        RuntimeConfig config = RuntimeConfig.load();
        Sluice.Builder builder = Sluice.builder();
        config.keys().ifPresent(builder::keyProvider);   // SLUICE_KEYRING or SLUICE_KMS_KEY: "Show data" decrypts
        Sluice sluice = builder.build();
        SluiceConsole console;
        try {
            console = start(sluice, config);
        } catch (RuntimeException e) {
            sluice.close();
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            console.close();
            sluice.close();
            stopped.countDown();
        }, "sluice-console-stop"));
        stopped.await();
    }

    /** Starts the console of {@code config} on {@code sluice} (which stays the caller's to close). */
    public static SluiceConsole start(Sluice sluice, RuntimeConfig config) {
        return SluiceConsole.builder(sluice, config).start();
    }
}
