package dev.sluice.bench;

import dev.sluice.testkit.pubsub.PubSubTestServer;

/** Runs the Pub/Sub test server in its own JVM and prints its port; stops when stdin closes or the process is killed. */
public final class PubSubServerMain {
    private PubSubServerMain() {
    }

    public static void main(String[] args) throws Exception {
        PubSubTestServer server = PubSubTestServer.start();
        System.out.println("port " + server.port());
        System.out.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        Thread.currentThread().join();
    }
}
