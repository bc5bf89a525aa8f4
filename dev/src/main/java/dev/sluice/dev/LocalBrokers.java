package dev.sluice.dev;

import dev.sluice.QueueSpec;
import dev.sluice.core.Sluice;
import dev.sluice.testkit.pubsub.PubSubTestServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.elasticmq.NodeAddress;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;

/**
 * The local loop for development: a local SQS (ElasticMQ) and Pub/Sub (Sluice's test server) on 127.0.0.1, in
 * memory, until Ctrl-C; and a way to publish an event to either from the command line.
 *
 * <pre>
 * mvn -q -pl dev exec:java                                   # SQS on :9324, Pub/Sub on :8085
 * mvn -q -pl dev exec:java -Dexec.args="--sqs-port 9400 --pubsub-port 8095"
 * mvn -q -pl dev exec:java -Dexec.args="publish sqs://jobs?endpoint=http://127.0.0.1:9324 job.created id=7 name=ada"
 * </pre>
 *
 * The SQS driver needs no credentials or region for an endpoint on this machine; the Pub/Sub driver reaches the
 * test server through {@code endpoint=} in the URI.
 */
public final class LocalBrokers implements AutoCloseable {
    static final int SQS_PORT = 9324;
    static final int PUBSUB_PORT = 8085;

    private final SQSRestServer sqs;
    private final int sqsPort;
    private final PubSubTestServer pubsub;

    private LocalBrokers(SQSRestServer sqs, int sqsPort, PubSubTestServer pubsub) {
        this.sqs = sqs;
        this.sqsPort = sqsPort;
        this.pubsub = pubsub;
    }

    /** Starts both on 127.0.0.1 (a port of 0: a free one). */
    static LocalBrokers start(int sqsPort, int pubsubPort) throws IOException {
        int port = sqsPort != 0 ? sqsPort : freePort(); // queue URLs carry the port: it must be known before
        SQSRestServer sqs = SQSRestServerBuilder.withInterface("127.0.0.1").withPort(port)
                .withServerAddress(new NodeAddress("http", "127.0.0.1", port, "")).start();
        sqs.waitUntilStarted();
        try {
            return new LocalBrokers(sqs, port, PubSubTestServer.start(pubsubPort));
        } catch (RuntimeException e) {
            sqs.stopAndWait();
            throw e;
        }
    }

    /** {@code http://127.0.0.1:PORT}: the {@code endpoint=} of an {@code sqs://} URI, or {@code AWS_ENDPOINT_URL_SQS}. */
    URI sqsEndpoint() {
        return URI.create("http://127.0.0.1:" + sqsPort);
    }

    /** {@code 127.0.0.1:PORT}: the {@code endpoint=} of a {@code pubsub://} URI. */
    String pubsubEndpoint() {
        return pubsub.endpoint();
    }

    @Override
    public void close() {
        pubsub.close();
        sqs.stopAndWait();
    }

    public static void main(String[] args) throws Exception {
        List<String> a = Arrays.asList(args);
        if (!a.isEmpty() && a.get(0).equals("publish")) {
            publish(a.subList(1, a.size()));
            return;
        }
        LocalBrokers brokers = start(option(a, "--sqs-port", SQS_PORT), option(a, "--pubsub-port", PUBSUB_PORT));
        System.out.println("""
                SQS (ElasticMQ)  %1$s    sqs://QUEUE?endpoint=%1$s
                Pub/Sub          %2$s        pubsub://projects/local/topics/TOPIC?subscription=SUB&endpoint=%2$s
                In memory: everything is gone when this stops (Ctrl-C). Queues and topics are created on first use.
                No AWS credentials or region are needed for the local SQS.""".formatted(brokers.sqsEndpoint(), brokers.pubsubEndpoint()));
        // Everything is in memory: Ctrl-C ends the process and nothing needs saving (stopping ElasticMQ from a
        // shutdown hook would wait on the actor system's own hook).
        Thread.currentThread().join();
    }

    /**
     * {@code publish URI TYPE [key=value ...]}: one event whose data is the JSON object of the pairs, to the queue
     * at URI (the worker's URI; the queue is created if missing).
     */
    static void publish(List<String> args) {
        if (args.size() < 2) {
            throw new IllegalArgumentException("usage: publish URI TYPE [key=value ...]");
        }
        Map<String, String> data = new LinkedHashMap<>();
        for (String pair : args.subList(2, args.size())) {
            int eq = pair.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("not key=value: '" + pair + "'");
            data.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        try (Sluice sluice = Sluice.create()) {
            sluice.open(QueueSpec.of(args.get(0))); // creates the queue (and its DLQ) if no worker did yet
            sluice.publisher(args.get(0)).publish(args.get(1), data).join();
            System.out.println("published " + args.get(1) + " " + data + " to " + args.get(0));
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    private static int option(List<String> args, String name, int otherwise) {
        int i = args.indexOf(name);
        return i >= 0 && i + 1 < args.size() ? Integer.parseInt(args.get(i + 1)) : otherwise;
    }
}
