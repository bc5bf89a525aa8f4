package dev.sluice.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** A free TCP port on 127.0.0.1, for a test server or broker to listen on (tests keep their traffic on loopback). */
public final class LoopbackPorts {
    private LoopbackPorts() {
    }

    /** A port nothing listens on now, as the OS hands one out; a server started on it soon after gets it. */
    public static int free() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1", e);
        }
    }
}
