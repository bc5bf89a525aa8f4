package dev.sluice.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The CLI as a child process (the launcher script, or java -jar), its output captured as it comes. */
final class ChildProcess {
    private final Process process;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Thread outReader;
    private final Thread errReader;

    private ChildProcess(Process process) {
        this.process = process;
        outReader = pump(process.getInputStream(), out);
        errReader = pump(process.getErrorStream(), err);
    }

    /** Starts {@code command} in the module directory with {@code env} added to this process's environment. */
    static ChildProcess start(List<String> command, Map<String, String> env) throws IOException {
        ProcessBuilder b = new ProcessBuilder(command).directory(moduleDir().toFile());
        b.environment().putAll(env);
        return new ChildProcess(b.start());
    }

    /** The cli module's directory (surefire runs in it). */
    static Path moduleDir() {
        return Path.of(System.getProperty("user.dir"));
    }

    private static Thread pump(InputStream in, ByteArrayOutputStream to) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[8192];
            try {
                for (int n; (n = in.read(buf)) > 0; ) {
                    synchronized (to) {
                        to.write(buf, 0, n);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    long pid() {
        return process.pid();
    }

    String err() {
        synchronized (err) {
            return err.toString(StandardCharsets.UTF_8);
        }
    }

    String out() {
        synchronized (out) {
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    /** Waits until stderr contains {@code text}, or fails after {@code seconds}. */
    void awaitErr(String text, int seconds) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!err().contains(text)) {
            if (System.nanoTime() > end || !process.isAlive()) {
                throw new AssertionError("stderr never showed '" + text + "'\n--- stdout\n" + out() + "--- stderr\n" + err());
            }
            Thread.sleep(20);
        }
    }

    /** Sends SIGINT, as Ctrl-C in a terminal does. */
    void interrupt() throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-INT", String.valueOf(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) throw new AssertionError("kill -INT " + process.pid() + " failed");
    }

    /** Waits for the exit (up to {@code seconds}) and returns the code, with both outputs read to the end. */
    int exit(int seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("no exit within " + seconds + " s\n--- stdout\n" + out() + "--- stderr\n" + err());
        }
        outReader.join(5000);
        errReader.join(5000);
        return process.exitValue();
    }

    @Override
    public String toString() {
        return "--- stdout\n" + out() + "--- stderr\n" + err();
    }

}
