package dev.sluice.runtime.poller;

import dev.sluice.Interceptor;
import dev.sluice.Router;
import dev.sluice.runtime.config.QueueConfig;
import dev.sluice.runtime.inject.SluiceRuntime;
import dev.sluice.worker.Worker;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standalone host, for containers, VMs and local runs: a {@link Worker} per configured queue, all on
 * the one runtime, until SIGTERM (or Ctrl-C), when each worker drains (stops receiving, lets running
 * handlers finish, flushes acks) before the process exits. Run
 * {@code java -cp ... dev.sluice.runtime.poller.PollerMain}.
 */
public final class PollerMain implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PollerMain.class);

    private final SluiceRuntime runtime;
    private final List<Worker> workers = new ArrayList<>();
    private final CountDownLatch stopped = new CountDownLatch(1);

    private PollerMain(SluiceRuntime runtime) {
        this.runtime = runtime;
    }

    public static void main(String[] args) throws InterruptedException {
        PollerMain poller = start(SluiceRuntime.start());
        Runtime.getRuntime().addShutdownHook(new Thread(poller::close, "sluice-drain"));
        poller.stopped.await();
    }

    /** Starts a worker on every queue of {@code runtime}, with its router and interceptors. */
    public static PollerMain start(SluiceRuntime runtime) {
        PollerMain poller = new PollerMain(runtime);
        Router router = runtime.router();
        List<Interceptor> interceptors = runtime.interceptors();
        try {
            for (QueueConfig q : runtime.config().queues()) {
                Worker.Builder b = runtime.sluice().worker(q.spec()).router(router)
                        .shutdownTimeout(runtime.config().shutdownTimeout());
                interceptors.forEach(b::interceptor);
                poller.workers.add(b.start());
            }
        } catch (RuntimeException e) {
            poller.close();
            throw e;
        }
        log.info("polling {}", runtime.pipelines().keySet());
        return poller;
    }

    /** Drains every worker, then closes the runtime. */
    @Override
    public synchronized void close() {
        if (stopped.getCount() == 0) return;
        workers.forEach(Worker::close);
        runtime.close();
        stopped.countDown();
        log.info("drained and stopped");
    }
}
