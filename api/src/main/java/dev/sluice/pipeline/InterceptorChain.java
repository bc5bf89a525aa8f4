package dev.sluice.pipeline;

import dev.sluice.Delivery;
import dev.sluice.Interceptor;
import dev.sluice.Outcome;
import io.cloudevents.CloudEvent;
import java.util.List;

/**
 * An immutable cursor over the interceptors (OkHttp's {@code RealInterceptorChain}): each {@link #proceed()}
 * runs the next interceptor with a new cursor, and the last runs the terminal stage (router and handler).
 * Calling {@code proceed()} twice on one cursor fails with the name of the interceptor that did.
 */
final class InterceptorChain implements Interceptor.Chain {

    /** The innermost stage: route, handle, decide. */
    @FunctionalInterface
    interface Terminal {
        Outcome run() throws Exception;
    }

    private final List<Interceptor> interceptors;
    private final int index;
    private final CloudEvent event;
    private final Delivery delivery;
    private final Terminal terminal;
    private boolean proceeded;

    InterceptorChain(List<Interceptor> interceptors, int index, CloudEvent event, Delivery delivery, Terminal terminal) {
        this.interceptors = interceptors;
        this.index = index;
        this.event = event;
        this.delivery = delivery;
        this.terminal = terminal;
    }

    @Override
    public CloudEvent event() {
        return event;
    }

    @Override
    public Delivery delivery() {
        return delivery;
    }

    @Override
    public Outcome proceed() throws Exception {
        if (proceeded) {
            String who = index == 0 ? "the pipeline" : interceptors.get(index - 1).getClass().getName();
            throw new IllegalStateException(who + " called proceed() more than once");
        }
        proceeded = true;
        if (index == interceptors.size()) return terminal.run();
        Interceptor next = interceptors.get(index);
        Outcome outcome = next.intercept(new InterceptorChain(interceptors, index + 1, event, delivery, terminal));
        if (outcome == null) throw new IllegalStateException(next.getClass().getName() + " returned a null outcome");
        return outcome;
    }
}
