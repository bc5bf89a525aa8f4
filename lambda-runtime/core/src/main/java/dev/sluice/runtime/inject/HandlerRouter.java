package dev.sluice.runtime.inject;

import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.ProvisionException;
import com.google.inject.TypeLiteral;
import dev.sluice.ConfigurationException;
import dev.sluice.DataHandler;
import dev.sluice.EventHandler;
import dev.sluice.Router;
import dev.sluice.runtime.config.RuntimeConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Turns the {@link SluiceHandlers} bindings into a {@link Router}, creating each handler once. */
final class HandlerRouter {
    private HandlerRouter() {
    }

    static Router build(Injector injector, RuntimeConfig config) {
        Set<HandlerBinding> bindings = injector.getInstance(Key.get(new TypeLiteral<Set<HandlerBinding>>() { }));
        Map<String, HandlerBinding> byType = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (HandlerBinding b : bindings) {
            HandlerBinding first = byType.putIfAbsent(b.type(), b);
            if (first != null) {
                problems.add("event type '" + b.type() + "' is bound twice: to " + first.describe() + " and to "
                        + b.describe() + "; bind it once");
            }
        }
        if (byType.isEmpty()) {
            problems.add("no handler is bound (SLUICE_MODULES=" + String.join(",", config.modules()) + "): bind one in"
                    + " a module with SluiceHandlers.bind(binder()).on(\"<event type>\").to(<handler class>), and name"
                    + " the module in SLUICE_MODULES");
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException("the handlers cannot be routed:\n  - " + String.join("\n  - ", problems));
        }
        Router.Builder router = Router.builder();
        for (HandlerBinding b : byType.values()) {
            Object handler;
            try {
                handler = b.handler().get();
            } catch (ProvisionException e) {
                throw new ConfigurationException("handler " + b.describe() + " for '" + b.type()
                        + "' cannot be created: " + e.getMessage(), e);
            }
            if (b.dataType() == null) {
                router.on(b.type(), (EventHandler) handler);
            } else {
                typed(router, b.type(), b.dataType(), (DataHandler<?>) handler);
            }
        }
        return router.build();
    }

    @SuppressWarnings("unchecked")
    private static <T> void typed(Router.Builder router, String type, Class<T> dataType, DataHandler<?> handler) {
        router.on(type, dataType, (DataHandler<T>) handler);
    }
}
