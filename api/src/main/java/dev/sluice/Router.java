package dev.sluice;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Picks the handler for an event by its CloudEvent {@code type}. Immutable; build with {@link #builder()}.
 *
 * <pre>{@code
 * Router router = Router.builder()
 *     .on("user.signed-up", (event, delivery) -> mailer.welcome(event))
 *     .on("order.placed", Order.class, (order, delivery) -> inventory.reserve(order))
 *     .build();
 * }</pre>
 */
public final class Router {

    /** What to do with an event whose type has no handler. */
    public enum UnknownType {
        /** Send it to the dead-letter queue with the reason (the default): nothing is dropped unseen. */
        DEAD_LETTER,
        /** Give it back for redelivery, for a rolling deploy in which another worker knows the type. */
        RETRY,
        /** Acknowledge it and log a warning. */
        ACK
    }

    private final Map<String, Route> routes;
    private final UnknownType unknownType;

    private Router(Map<String, Route> routes, UnknownType unknownType) {
        this.routes = Map.copyOf(routes);
        this.unknownType = unknownType;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The handler for {@code event}'s type. */
    public Optional<EventHandler> route(CloudEvent event) {
        Route r = routes.get(event.getType());
        return r == null ? Optional.empty() : Optional.of(r.handler());
    }

    /** The types this router handles. */
    public Set<String> types() {
        return routes.keySet();
    }

    /** The Java type a typed handler declared for {@code eventType}, if any. */
    public Optional<Class<?>> dataType(String eventType) {
        Route r = routes.get(eventType);
        return r == null ? Optional.empty() : Optional.ofNullable(r.dataType());
    }

    public UnknownType unknownType() {
        return unknownType;
    }

    private record Route(EventHandler handler, Class<?> dataType) {
    }

    /** Builder for {@link Router}; a type bound twice fails at {@link #build()} naming it. */
    public static final class Builder {
        private final Map<String, Route> routes = new LinkedHashMap<>();
        private UnknownType unknownType = UnknownType.DEAD_LETTER;
        private String duplicate;

        private Builder() {
        }

        /** Routes events of {@code type} to {@code handler}. */
        public Builder on(String type, EventHandler handler) {
            return add(type, new Route(Objects.requireNonNull(handler, "handler"), null));
        }

        /**
         * Routes events of {@code type} to {@code handler}, with their JSON data bound to {@code dataType}
         * by the worker's {@link ObjectMapper}.
         */
        public <T> Builder on(String type, Class<T> dataType, DataHandler<T> handler) {
            Objects.requireNonNull(dataType, "dataType");
            Objects.requireNonNull(handler, "handler");
            EventHandler h = (event, delivery) -> handler.handle(delivery.data(dataType), delivery);
            return add(type, new Route(h, dataType));
        }

        /** What to do with an event of a type nobody handles. */
        public Builder onUnknownType(UnknownType action) {
            unknownType = Objects.requireNonNull(action, "action");
            return this;
        }

        private Builder add(String type, Route route) {
            if (type == null || type.isEmpty()) throw new IllegalArgumentException("event type must not be empty");
            if (routes.putIfAbsent(type, route) != null && duplicate == null) duplicate = type;
            return this;
        }

        public Router build() {
            if (duplicate != null) {
                throw new ConfigurationException("event type '" + duplicate + "' is bound to two handlers; bind it once");
            }
            return new Router(routes, unknownType);
        }
    }
}
