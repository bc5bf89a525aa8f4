package dev.sluice.bench;

import dev.sluice.PublishOptions;
import dev.sluice.PublishResult;
import dev.sluice.Publisher;
import dev.sluice.QueueSpec;
import dev.sluice.core.Sluice;
import dev.sluice.codec.CloudEventCodec;
import dev.sluice.spi.Capabilities;
import dev.sluice.spi.InboundMessage;
import dev.sluice.spi.OutboundMessage;
import dev.sluice.worker.Worker;
import io.cloudevents.CloudEvent;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Part 4: publish-to-handled throughput in one process. Sluice: a {@code mem://} publisher and worker.
 * Baseline: an executor over an {@link ArrayBlockingQueue} doing the same encode (on the publishing thread)
 * and decode (on the handler thread) with {@link CloudEventCodec}. Same events, same handler concurrency.
 */
final class InMemoryBench {
    static final int CONCURRENCY = 4;
    static final String SLUICE = "Sluice mem:// publisher + worker";
    static final String BASELINE = "ArrayBlockingQueue + executor, same codec";

    private final int events;
    private final int rounds;
    final List<Double> sluice = new ArrayList<>();
    final List<Double> baseline = new ArrayList<>();
    final List<Double> sluiceCpu = new ArrayList<>();
    final List<Double> baselineCpu = new ArrayList<>();

    InMemoryBench(int events, int rounds) {
        this.events = events;
        this.rounds = rounds;
    }

    int events() {
        return events;
    }

    int rounds() {
        return rounds;
    }

    void run() throws Exception {
        List<CloudEvent> all = new ArrayList<>(events);
        for (int i = 0; i < events; i++) all.add(BenchEvents.order(i));
        // warm-up, untimed
        sluiceOnce(all.subList(0, Math.min(20_000, events)), 0, new ArrayList<>());
        baselineOnce(all.subList(0, Math.min(20_000, events)), new ArrayList<>());
        for (int r = 1; r <= rounds; r++) {
            if (r % 2 == 1) {
                sluice.add(sluiceOnce(all, r, sluiceCpu));
                baseline.add(baselineOnce(all, baselineCpu));
            } else {
                baseline.add(baselineOnce(all, baselineCpu));
                sluice.add(sluiceOnce(all, r, sluiceCpu));
            }
            Log.info("memory round %d: sluice %,.0f/s (%.1f µs CPU/event), baseline %,.0f/s (%.1f µs CPU/event)", r,
                    sluice.get(r - 1), sluiceCpu.get(r - 1), baseline.get(r - 1), baselineCpu.get(r - 1));
        }
    }

    private double sluiceOnce(List<CloudEvent> events, int round, List<Double> cpu) throws Exception {
        Work work = new Work(events.size(), 0);
        try (Sluice s = Sluice.create()) {
            String uri = "mem://bench-" + round;
            try (Worker w = s.worker(QueueSpec.builder(uri).concurrency(CONCURRENCY).build())
                    .on(BenchEvents.TYPE, (event, delivery) -> work.handle())
                    .withoutLogging().start()) {
                Publisher p = s.publisher(uri);
                System.gc();
                long c0 = Cpu.self();
                long t0 = System.nanoTime();
                List<CompletableFuture<PublishResult>> sent = new ArrayList<>(events.size());
                for (CloudEvent e : events) sent.add(p.publish(e));
                if (!work.await(5, TimeUnit.MINUTES)) throw new IllegalStateException("sluice handled only " + work.handled());
                double rate = events.size() * 1e9 / (work.lastNanos() - t0);
                cpu.add((Cpu.self() - c0) / 1e3 / events.size());
                CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get();
                return rate;
            }
        }
    }

    private double baselineOnce(List<CloudEvent> events, List<Double> cpu) throws Exception {
        Work work = new Work(events.size(), 0);
        Capabilities limits = dev.sluice.inmemory.MemoryDriverProvider.STRICTEST;
        CloudEventCodec codec = new CloudEventCodec(limits);
        URI queue = URI.create("mem://baseline");
        ArrayBlockingQueue<Runnable> q = new ArrayBlockingQueue<>(1024);
        ThreadPoolExecutor pool = new ThreadPoolExecutor(CONCURRENCY, CONCURRENCY, 0, TimeUnit.SECONDS, q,
                SqsContenders.daemon("baseline"), (r, ex) -> {
                    try {
                        ex.getQueue().put(r);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
        pool.prestartAllCoreThreads();
        System.gc();
        long c0 = Cpu.self();
        long t0 = System.nanoTime();
        for (CloudEvent e : events) {
            OutboundMessage out = codec.encode(e, PublishOptions.NONE);
            pool.execute(() -> {
                InboundMessage in = new InboundMessage(out.id(), out.body(), out.attributes(), null, OptionalInt.of(1),
                        Instant.now(), out.id(), null);
                try {
                    CloudEvent got = codec.decode(in, queue);
                    if (!BenchEvents.TYPE.equals(got.getType())) throw new IllegalStateException("wrong type");
                } catch (dev.sluice.codec.DecodeException ex) {
                    throw new IllegalStateException(ex);
                }
                work.handle();
            });
        }
        if (!work.await(5, TimeUnit.MINUTES)) throw new IllegalStateException("baseline handled only " + work.handled());
        double rate = events.size() * 1e9 / (work.lastNanos() - t0);
        cpu.add((Cpu.self() - c0) / 1e3 / events.size());
        pool.shutdown();
        return rate;
    }
}
