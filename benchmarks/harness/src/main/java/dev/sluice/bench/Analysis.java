package dev.sluice.bench;

/**
 * What limits Sluice where a target is missed: findings from profiling the harnesses (JFR, call counters,
 * class-loading logs). The figures they refer to are in the tables of the same file.
 */
final class Analysis {
    private Analysis() {
    }

    static final String TEXT = """
            ## What limits Sluice, and what to change

            Found by profiling these harnesses: JFR with 1 ms sampling, the SQS call counters and CPU figures above,
            `-Xlog:class+load` on the Lambda JVMs. Four fixes that came out of it are in the tree this run measured
            (commit 65641bd): the worker receives and deletes full batches
            (`api/.../worker/ReceiveLoop.java`: waits up to `FILL_WAIT_NANOS` = 20 ms for enough free handler slots
            to fill a batch; `Acknowledger.java`: lingers up to `LINGER_NANOS` = 10 ms to fill a DeleteMessageBatch);
            the SQS driver acquires its `SqsAsyncClient` on first use (`adapters-sqs/.../SqsDriver.java`, `client()`);
            `adapters-sqs/pom.xml` excludes the AWS SDK's unused Apache HTTP clients; the in-memory queue numbers its
            messages instead of calling `UUID.randomUUID()` under its lock (`MemoryQueue.java`).
            `benchmarks/history/BENCHMARKS-2026-11-28T0816-before-fixes.md` is a full run of the same command on the
            tree before them, for comparison.

            ### SQS (part 1)
            ElasticMQ is CPU-bound on this machine, so consumers are ranked by broker calls per message. Before the
            fixes Sluice's worker received as soon as one handler slot was free, asking only for the slots free at
            that instant, and its acknowledger deleted whatever had gathered at that instant: with the 5 ms handler
            37 receives and 24 deletes per 100 messages, against 10 and 10 for the well-written loop. Now it makes 10
            and 10 (table in part 1), and its contender and broker CPU per message are close to the well-written
            loop's. What remains:
            - The ratios to the well-written loop move by tens of per cent from round to round (see the per-round
              figures); a median of five rounds on 2 shared cores resolves differences of about 15 %, not 5 %.
            - "≥ 1.5× Spring Cloud AWS" cannot be met here by any consumer: Spring Cloud AWS also makes the fewest
              calls possible (full batches both ways), and the broker's CPU, not the consumer, sets the ceiling.
            - With the 5 ms handler every consumer with 20 slots stays well below 20 / 5 ms = 4,000/s, because
              slots sit idle while the next receive is in flight. Keeping one receive in flight ahead of demand (a
              bounded prefetch whose leases the lease keeper holds) would close that gap, at the price of
              `ReceiveLoop`'s rule "never receive more than the worker can start": a design decision, not a bug.
            - The driver's client runs without SDK retries (`SqsClients.java:60`, by design: the portable layer
              owns retries), so a transient connection error that the other contenders' SDK retries hide costs a
              Sluice receive loop its 100 ms back-off.
            - A small correctness fix to the batch fill, `benchmarks/proposed-patches/receive-loop-release-on-interrupt.diff`:
              when a receive loop is interrupted while waiting to fill a batch it returns without releasing the
              slots it already took; harmless while the worker is closing, but the permits should go back.

            ### Lambda (part 3)
            - **Cold start.** Before the fixes the SQS driver built its `SqsAsyncClient` (Netty event loops; about
              650 AWS SDK and 250 Netty classes) when the Lambda host opened the queue at init, though a batch whose
              records all succeed never calls SQS: 1.34× the plain handler. With the client acquired on first use the
              Sluice row matches the *mem:// queue* row, which never builds a client.
            - **Jar size.** The composition table: the AWS SDK (about 4.5 MB), Netty (about 3.5 MB), Guava
              (2.6 MB, required by Guice), Jackson (2.2 MB). Excluding the SDK's Apache clients took 2.4 MB off
              (18.6 → 16.2 MB). To get under 15 MB, package the Lambda jar with `minimizeJar`, keeping whole the
              libraries that are loaded reflectively or through `ServiceLoader` (Sluice, the AWS SDK, Netty,
              Jackson, Guice, CloudEvents, the Lambda libraries), as `benchmarks/lambda-sluice-slim/pom.xml` does:
              the *slim packaging* row, 14.7 MB, with no cost in cold start. The change belongs in the deployment-jar
              packaging of `lambda-runtime` (and the samples that copy it).
            - What remains above a bare handler is Guice and Guava (about 600 classes), the design's choice of one
              Guice injector per cold start; at this size it no longer shows against the plain handler's Jackson and
              event-class loading.

            ### In-memory broker (part 4)
            CPU per event is about ten times the baseline's, and with every core busy, throughput follows it. The codec's encode and decode, which the baseline does too, are about a third of the Sluice-side
            samples. The rest, per event:
            - four thread hand-offs (publisher → `SendBatcher`'s io thread → receive loop → handler thread →
              acknowledger thread), each a lock and an unpark;
            - two timers scheduled and cancelled on one `ScheduledThreadPoolExecutor`: the worker's lease keeper
              (`api/.../worker/LeaseKeeper.java:30-32` `keep()` → `scheduleNext()`, `:63` `close()`) and the
              in-memory lease expiry (`adapters-inmemory/.../MemoryQueue.java:152`), about 10 % of the samples;
            - `OutboundMessage.encodedSize()` computed again for each check (`Publisher.java:122`,
              `MemoryDriver.java:51`), iterating the immutable attribute map, about 13 %.

            Fixes, cheapest first: compute `encodedSize` once (a field of `OutboundMessage`); one lease sweeper per
            worker (in-flight messages in a concurrent map, extended by one periodic task) instead of a timer per
            message, and likewise one expiry sweep per in-memory queue. Together about a quarter of the CPU. To come
            near half the baseline the hand-offs must go for drivers whose send and ack do not block: send on the
            publishing thread and ack on the handler thread (a capability flag the in-memory driver sets) instead of
            through `SendBatcher`'s io pool and the `Acknowledger` thread.

            ### Pub/Sub (part 2)
            No target. At the same limit of 20 outstanding messages Google's `Subscriber` is capped near 200/s: the
            server counts a streamed message as outstanding until its ack arrives, and the client sends acks in
            batches. With its default flow control (1,000 outstanding) it streams far ahead of its 20 handler
            threads. Sluice pulls with unary `Pull` as handler slots free up, now in full batches (the same
            `ReceiveLoop` as on SQS); with the 5 ms handler it shows the same idle slots while a pull is in flight,
            which a bounded prefetch (see SQS) would remove.

            """;
}
