package dev.sluice.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A server in its own JVM on 127.0.0.1 (ElasticMQ, the Pub/Sub test server), so it does not share the contenders' JVM. */
final class ChildProcess implements AutoCloseable {
    final Process process;
    final int port;
    final Path log;

    private ChildProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts {@code command} and waits until 127.0.0.1:{@code port} accepts connections. */
    static ChildProcess start(String name, List<String> command, int port, Path workDir) throws IOException, InterruptedException {
        Path log = workDir.resolve(name + ".log");
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        long t0 = System.nanoTime();
        Process p = pb.start();
        ChildProcess child = new ChildProcess(p, port, log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) throw new IOException(name + " exited with " + p.exitValue() + ": " + Files.readString(log));
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                Log.info("%s listening on 127.0.0.1:%d after %d ms (pid %d)", name, port,
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), p.pid());
                return child;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        child.close();
        throw new IOException(name + " did not listen on " + port + " within 60 s: " + Files.readString(log));
    }

    static List<String> javaCommand(List<String> jvmArgs, String classPath, String mainClass, String... args) {
        List<String> c = new ArrayList<>();
        c.add(java());
        c.addAll(jvmArgs);
        c.add("-cp");
        c.add(classPath);
        c.add(mainClass);
        c.addAll(List.of(args));
        return c;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
