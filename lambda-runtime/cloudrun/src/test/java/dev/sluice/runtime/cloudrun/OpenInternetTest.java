package dev.sluice.runtime.cloudrun;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.runtime.inject.SluiceRuntime;
import dev.sluice.runtime.testapp.Recorder;
import dev.sluice.runtime.testapp.TestConfigs;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The host against what the open internet sends: connections that stall mid-request, bodies over the limit,
 * headers over the limit. Raw sockets on 127.0.0.1. Timings are printed, not asserted: a request that does not
 * answer within the client's 5 s is the failure.
 */
class OpenInternetTest {
    private static final int MAX_BODY = 4096;
    private static final int THREADS = 8;
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(5);
    private SluiceRuntime runtime;
    private CloudRunServer server;
    private int port;
    private final List<Socket> sockets = new ArrayList<>();

    @BeforeEach
    void start() {
        Map<String, String> env = TestConfigs.env("mem://orders");
        env.put("SLUICE_HTTP_MAX_BODY_BYTES", String.valueOf(MAX_BODY));
        env.put("SLUICE_HTTP_MAX_THREADS", String.valueOf(THREADS));
        env.put("SLUICE_HTTP_MAX_HEADER_BYTES", "8192");
        env.put("SLUICE_PUSH_AUTH", "none");
        runtime = SluiceRuntime.start(TestConfigs.config(env));
        server = CloudRunServer.start(runtime, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), Clock.systemUTC());
        port = server.port();
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket s : sockets) s.close();
        server.close();
    }

    private Socket open() throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        s.setSoTimeout((int) CLIENT_TIMEOUT.toMillis());
        sockets.add(s);
        return s;
    }

    @Test
    void healthAndPushAnswerWhileMoreConnectionsThanThreadsStallMidRequest() throws Exception {
        assertThat(server.maxThreads()).isEqualTo(THREADS);
        String[] partials = {
                "POST / HT",                                                                    // mid request line
                "POST / HTTP/1.1\r\nHost: x\r\nContent-Ty",                                     // mid headers
                "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{", // mid body
        };
        int stalled = THREADS * 3;
        for (int i = 0; i < stalled; i++) {
            OutputStream out = open().getOutputStream();
            out.write(partials[i % partials.length].getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
        Thread.sleep(200); // let the server take them all in

        HttpClient client = HttpClient.newBuilder().connectTimeout(CLIENT_TIMEOUT).build();
        long t0 = System.nanoTime();
        HttpResponse<String> health = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
                .timeout(CLIENT_TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofString());
        long healthMs = (System.nanoTime() - t0) / 1_000_000;
        long t1 = System.nanoTime();
        String push = Http.push(Http.pubsubMessage("s1", "e-s1", "greet", "{\"name\":\"stalled\"}"), null);
        HttpResponse<String> pushed = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                .timeout(CLIENT_TIMEOUT).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(push)).build(), HttpResponse.BodyHandlers.ofString());
        long pushMs = (System.nanoTime() - t1) / 1_000_000;
        System.out.printf("with %d stalled connections on %d threads: /healthz answered in %d ms, a push in %d ms%n",
                stalled, THREADS, healthMs, pushMs);

        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(pushed.statusCode()).isEqualTo(204);
        assertThat(runtime.injector().getInstance(Recorder.class).handled()).containsExactly("greet:stalled");
    }

    @Test
    void aDeclaredOversizedBodyIsAnswered413BeforeItIsReadAndTheClientReadsIt() throws Exception {
        Socket s = open();
        int length = 8 * 1024 * 1024;
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try {
                OutputStream out = s.getOutputStream();
                out.write(("POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " + length
                        + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                byte[] chunk = new byte[64 * 1024];
                for (int sent = 0; sent < length; sent += chunk.length) out.write(chunk);
                out.flush();
            } catch (IOException e) {
                // the server may close once it has answered: expected
            }
        });
        Answer answer = read(s);
        assertThat(answer.statusLine()).isEqualTo("HTTP/1.1 413 Payload Too Large");
        assertThat(answer.headers()).containsIgnoringCase("connection: close");
        assertThat(answer.body()).isEqualTo("payload too large\n");
        writer.cancel(true);
    }

    @Test
    void aChunkedBodyOverTheLimitIs413() throws Exception {
        Socket s = open();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try {
                OutputStream out = s.getOutputStream();
                out.write("POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                byte[] data = new byte[1024];
                java.util.Arrays.fill(data, (byte) 'x');
                for (int i = 0; i < 1024; i++) {
                    out.write("400\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.write(data);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (IOException e) {
                // the server may close once it has answered: expected
            }
        });
        Answer answer = read(s);
        assertThat(answer.statusLine()).isEqualTo("HTTP/1.1 413 Payload Too Large");
        assertThat(answer.body()).isEqualTo("payload too large\n");
        writer.cancel(true);
    }

    @Test
    void headersOverTheLimitAre431WithAGenericBody() throws Exception {
        Socket s = open();
        String secret = "x-secret: " + "s3cr3t".repeat(2000);
        s.getOutputStream().write(("POST / HTTP/1.1\r\nHost: x\r\n" + secret + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        Answer answer = read(s);
        assertThat(answer.statusLine()).startsWith("HTTP/1.1 431");
        assertThat(answer.body()).doesNotContain("s3cr3t");
    }

    @Test
    void aMalformedRequestLineIsAnsweredWithAGenericBody() throws Exception {
        Socket s = open();
        s.getOutputStream().write("FOO\u0001 /<script> HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        Answer answer = read(s);
        assertThat(answer.statusLine()).startsWith("HTTP/1.1 400");
        assertThat(answer.body()).doesNotContain("script");
    }

    @Test
    void whileDrainingNewRequestsOnOpenConnectionsAre503() throws Exception {
        String slow = Http.push(Http.pubsubMessage("d1", "e-d1", "greet", "{\"name\":\"slow\"}"), null);
        Socket keptAlive = open();
        CompletableFuture<HttpResponse<String>> inFlight = CompletableFuture.supplyAsync(() -> {
            try {
                return Http.post(port, "/", Map.of("Content-Type", "application/json"), slow);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        dev.sluice.testkit.Await.until("the slow request is in flight", () -> server.inFlight() == 1);
        CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
        dev.sluice.testkit.Await.until("draining", () -> server.draining());
        // a connection accepted before the drain still gets an answer: 503, retry later
        String push = Http.push(Http.pubsubMessage("d2", "e-d2", "greet", "{\"name\":\"late\"}"), null);
        keptAlive.getOutputStream().write(("POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                + push.length() + "\r\n\r\n" + push).getBytes(StandardCharsets.UTF_8));
        Answer late = read(keptAlive);
        assertThat(late.statusLine()).isEqualTo("HTTP/1.1 503 Service Unavailable");
        assertThat(late.headers()).containsIgnoringCase("retry-after: 1");
        assertThat(inFlight.join().statusCode()).isEqualTo(204);
        closing.join();
        assertThat(runtime.injector().getInstance(Recorder.class).handled()).containsExactly("greet:slow");
    }

    record Answer(String statusLine, String headers, String body) {
    }

    /** Reads one response: status line, headers, and a Content-Length body. */
    private static Answer read(Socket s) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
        String status = in.readLine();
        StringBuilder headers = new StringBuilder();
        int length = 0;
        for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
            headers.append(line).append('\n');
            if (line.toLowerCase().startsWith("content-length:")) length = Integer.parseInt(line.substring(15).trim());
        }
        char[] body = new char[length];
        int n = 0;
        while (n < length) {
            int r = in.read(body, n, length - n);
            if (r < 0) break;
            n += r;
        }
        return new Answer(status, headers.toString(), new String(body, 0, n));
    }
}
