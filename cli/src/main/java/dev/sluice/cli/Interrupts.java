package dev.sluice.cli;

/**
 * Where Ctrl-C is announced to a command that must stop cleanly (a redrive finishes the batch in hand). The
 * process's version is a shutdown hook, which runs {@code onInterrupt} and then waits in it until the command
 * says it is done, so the summary is printed before the JVM exits (with 130 on SIGINT).
 */
@FunctionalInterface
interface Interrupts {

    /**
     * Calls {@code onInterrupt} when the user interrupts; the returned registration, closed when the command is
     * done, lets the interrupt finish.
     */
    Registration register(Runnable onInterrupt);

    /** A registered interrupt action; {@link #close()} when the command is done. */
    interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    /** A JVM shutdown hook (SIGINT, SIGTERM) that cancels, then waits up to five minutes for the command to finish. */
    static Interrupts shutdownHook() {
        return onInterrupt -> {
            java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
            Thread hook = new Thread(() -> {
                onInterrupt.run();
                try {
                    done.await(5, java.util.concurrent.TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "sluice-cli-interrupt");
            Runtime.getRuntime().addShutdownHook(hook);
            return () -> {
                done.countDown();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running: it returns now that done is counted down
                }
            };
        };
    }
}
