package dev.sluice.runtime.inject;

import com.google.inject.Binder;
import com.google.inject.Provider;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.util.Providers;
import dev.sluice.DataHandler;
import dev.sluice.EventHandler;
import dev.sluice.Interceptor;
import java.util.Objects;

/**
 * Binds handlers by CloudEvent type inside an application's Guice module. Handlers are created by Guice,
 * so they get their own dependencies injected (a {@link dev.sluice.Publisher} for follow-up events, a
 * mailer, a repository); each is created once per process, when the runtime starts.
 *
 * <pre>{@code
 * public final class ShopModule extends AbstractModule {
 *     protected void configure() {
 *         SluiceHandlers handlers = SluiceHandlers.bind(binder());
 *         handlers.on("order.placed").to(OrderPlacedHandler.class);                  // an EventHandler
 *         handlers.on("order.shipped", Shipment.class).to(ShipmentHandler.class);    // a DataHandler<Shipment>
 *         handlers.interceptor(MetricsInterceptor.class);
 *     }
 * }
 * }</pre>
 *
 * A type bound twice, in one module or across modules, stops the start-up with a message naming both.
 */
public final class SluiceHandlers {
    private final Binder binder;
    private final Multibinder<HandlerBinding> handlers;
    private final Multibinder<Interceptor> interceptors;

    private SluiceHandlers(Binder binder) {
        this.binder = binder.skipSources(SluiceHandlers.class, EventTarget.class, DataTarget.class);
        this.handlers = Multibinder.newSetBinder(this.binder, HandlerBinding.class);
        this.interceptors = Multibinder.newSetBinder(this.binder, Interceptor.class);
    }

    /** The handler binder for {@code binder}, usually {@code SluiceHandlers.bind(binder())}. */
    public static SluiceHandlers bind(Binder binder) {
        return new SluiceHandlers(Objects.requireNonNull(binder, "binder"));
    }

    /** Starts binding an {@link EventHandler} for events of {@code type}. */
    public EventTarget on(String type) {
        return new EventTarget(requireType(type));
    }

    /** Starts binding a {@link DataHandler} for events of {@code type} whose JSON data binds to {@code dataType}. */
    public <T> DataTarget<T> on(String type, Class<T> dataType) {
        return new DataTarget<>(requireType(type), Objects.requireNonNull(dataType, "dataType"));
    }

    /** Adds an interceptor around every handler, created by Guice; the first added is the outermost. */
    public SluiceHandlers interceptor(Class<? extends Interceptor> type) {
        interceptors.addBinding().to(type);
        return this;
    }

    /** Adds an interceptor instance. */
    public SluiceHandlers interceptor(Interceptor interceptor) {
        interceptors.addBinding().toInstance(interceptor);
        return this;
    }

    private void add(String type, Class<?> dataType, Provider<?> provider, String name) {
        handlers.addBinding().toInstance(new HandlerBinding(type, dataType, provider, name, callerModule()));
    }

    private static String requireType(String type) {
        if (type == null || type.isBlank()) throw new IllegalArgumentException("event type must not be empty");
        return type;
    }

    private static String callerModule() {
        return StackWalker.getInstance().walk(frames -> frames
                .map(StackWalker.StackFrame::getClassName)
                .filter(c -> !c.startsWith(SluiceHandlers.class.getName()))
                .findFirst().orElse("?"));
    }

    /** The second half of {@code on(type).to(handler)}. */
    public final class EventTarget {
        private final String type;

        private EventTarget(String type) {
            this.type = type;
        }

        /** Events of this type go to an instance of {@code handler}, created and injected by Guice. */
        public void to(Class<? extends EventHandler> handler) {
            add(type, null, binder.getProvider(handler), handler.getName());
        }

        /** Events of this type go to {@code handler}, whose members Guice injects. */
        public void toInstance(EventHandler handler) {
            binder.requestInjection(handler);
            add(type, null, Providers.of(handler), "instance of " + handler.getClass().getName());
        }
    }

    /** The second half of {@code on(type, dataType).to(handler)}. */
    public final class DataTarget<T> {
        private final String type;
        private final Class<T> dataType;

        private DataTarget(String type, Class<T> dataType) {
            this.type = type;
            this.dataType = dataType;
        }

        /** Events of this type go, with their data bound to the data type, to an instance of {@code handler}. */
        public void to(Class<? extends DataHandler<T>> handler) {
            add(type, dataType, binder.getProvider(handler), handler.getName());
        }

        /** Events of this type go, with their data bound, to {@code handler}, whose members Guice injects. */
        public void toInstance(DataHandler<T> handler) {
            binder.requestInjection(handler);
            add(type, dataType, Providers.of(handler), "instance of " + handler.getClass().getName());
        }
    }
}
