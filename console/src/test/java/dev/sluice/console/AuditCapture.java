package dev.sluice.console;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/** The lines slf4j-simple writes for the logger {@code dev.sluice.audit} (to standard error) while open. */
final class AuditCapture implements AutoCloseable {
    private final PrintStream original = System.err;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    AuditCapture() {
        OutputStream tee = new OutputStream() {
            @Override
            public synchronized void write(int b) {
                captured.write(b);
                original.write(b);
            }

            @Override
            public synchronized void write(byte[] b, int off, int len) {
                captured.write(b, off, len);
                original.write(b, off, len);
            }
        };
        System.setErr(new PrintStream(tee, true, StandardCharsets.UTF_8));
    }

    /** Everything written so far. */
    synchronized String all() {
        return captured.toString(StandardCharsets.UTF_8);
    }

    List<String> lines() {
        return Arrays.stream(all().split("\n")).filter(l -> l.contains(Audit.LOGGER)).toList();
    }

    @Override
    public void close() {
        System.setErr(original);
    }
}
