package dev.sluice.runtime.inject;

import com.google.inject.Provider;
import java.util.Objects;

/**
 * One {@code SluiceHandlers.on(type).to(...)} call: the event type, the data type for a typed handler
 * (null for an {@link dev.sluice.EventHandler}), the handler's provider, and where the binding was made,
 * so that a type bound twice can be reported with both places.
 *
 * @param type     the CloudEvent type
 * @param dataType the class the event's JSON data binds to, or null
 * @param handler  provides the {@code EventHandler} or {@code DataHandler}
 * @param handlerName the handler class (or "instance of ...")
 * @param module   the class whose {@code configure} made the binding
 */
record HandlerBinding(String type, Class<?> dataType, Provider<?> handler, String handlerName, String module) {
    HandlerBinding {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(handler, "handler");
    }

    String describe() {
        return handlerName + " (bound in " + module + ")";
    }
}
