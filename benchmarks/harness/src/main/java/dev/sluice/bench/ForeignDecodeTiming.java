package dev.sluice.bench;

import dev.sluice.codec.CloudEventCodec;
import dev.sluice.spi.Capabilities;
import dev.sluice.spi.InboundMessage;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalInt;

/**
 * CPU time per {@link CloudEventCodec#decode} of a foreign JSON body (174 bytes, no {@code ce-} attributes, no
 * content type), one thread, six rounds of a million. Not part of {@code run.sh}: run it with the api jar to
 * compare on the class path (see BENCHMARKS.md, "2026-11-28, issue 19").
 */
public final class ForeignDecodeTiming {
    public static void main(String[] a) throws Exception {
        var codec = new CloudEventCodec(Capabilities.builder("timing").build());
        URI q = URI.create("mem://timing");
        String pad = "x".repeat(120);
        byte[][] bodies = new byte[1024][];
        for (int i = 0; i < bodies.length; i++) {
            bodies[i] = ("{\"orderId\":" + i + ",\"customer\":\"c-" + i + "\",\"amount\":12.5,\"note\":\"" + pad + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
        }
        var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        int n = 1_000_000;
        for (int round = 0; round < 6; round++) {
            long c0 = bean.getCurrentThreadCpuTime();
            long sink = 0;
            for (int i = 0; i < n; i++) {
                var m = new InboundMessage("m" + i, bodies[i & 1023], Map.of(), null, OptionalInt.empty(), Instant.EPOCH, "h", null, Map.of());
                sink += codec.decode(m, q).getId().length();
            }
            long c1 = bean.getCurrentThreadCpuTime();
            System.out.printf("round %d: %.0f ns CPU per decode (body %d bytes) %d%n", round, (c1 - c0) / (double) n, bodies[5].length, sink);
        }
    }
}
