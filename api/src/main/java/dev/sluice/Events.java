package dev.sluice;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * Makes CloudEvents from Java objects with the shared {@link ObjectMapper}, and binds their data back to
 * Java types. One per {@code Sluice}: {@code sluice.events()}.
 */
public final class Events {
    private final ObjectMapper mapper;
    private final URI source;
    private final Scheduler scheduler;

    public Events(ObjectMapper mapper, URI source, Scheduler scheduler) {
        this.mapper = mapper;
        this.source = source;
        this.scheduler = scheduler;
    }

    /** An event of {@code type} with a fresh id, this application's source, the current time and JSON data. */
    public CloudEvent create(String type, Object data) {
        CloudEventBuilder b = CloudEventBuilder.v1()
                .withId(UUID.randomUUID().toString())
                .withSource(source)
                .withType(type)
                .withTime(scheduler.now().atOffset(ZoneOffset.UTC));
        if (data instanceof byte[] bytes) {
            b.withData("application/octet-stream", bytes);
        } else if (data != null) {
            try {
                b.withData("application/json", mapper.writeValueAsBytes(data));
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("data of type " + data.getClass().getName()
                        + " cannot be written as JSON: " + e.getOriginalMessage(), e);
            }
        }
        return b.build();
    }

    /**
     * A follow-up of {@code parent}: like {@link #create(String, Object)}, but its id is derived from the
     * parent's source and id, the follow-up's type and its position among the parent's follow-ups, so a
     * redelivered parent emits the same ids again and an idempotent consumer recognises them.
     */
    public CloudEvent followUp(CloudEvent parent, int index, String type, Object data) {
        String seed = parent.getSource() + "\n" + parent.getId() + "\n" + index + "\n" + type;
        String id = UUID.nameUUIDFromBytes(seed.getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
        return CloudEventBuilder.v1(create(type, data)).withId(id).build();
    }

    /** The event's data bound to {@code type}; data that does not bind is a permanent failure. */
    public <T> T bind(CloudEvent event, Class<T> type) {
        if (event.getData() == null) {
            throw new PermanentFailureException("event '" + event.getId() + "' has no data to bind to " + type.getName());
        }
        byte[] bytes = event.getData().toBytes();
        if (type == byte[].class) return type.cast(bytes);
        try {
            return mapper.readValue(bytes, type);
        } catch (java.io.IOException e) {
            throw new PermanentFailureException("data of event '" + event.getId() + "' does not bind to "
                    + type.getName() + ": " + withoutValues(e), e);
        }
    }

    /**
     * Why data did not bind, naming the field and what was wrong but never the value (Jackson's own messages
     * quote it, and this text goes to logs and dead-letter reasons).
     */
    static String withoutValues(java.io.IOException e) {
        if (e instanceof JsonParseException p) {
            return "not valid JSON (line " + p.getLocation().getLineNr() + ", column " + p.getLocation().getColumnNr() + ")";
        }
        if (e instanceof JsonMappingException m) {
            String path = m.getPath().stream()
                    .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(java.util.stream.Collectors.joining(".")).replace(".[", "[");
            String where = path.isEmpty() ? "the data" : "'" + path + "'";
            if (e instanceof UnrecognizedPropertyException) return where + " is not a property of the type";
            if (e instanceof InvalidFormatException f) return where + " is not a valid " + f.getTargetType().getSimpleName();
            if (e instanceof MismatchedInputException mi && mi.getTargetType() != null) {
                return where + " does not have the shape of " + mi.getTargetType().getSimpleName();
            }
            return where + " does not bind";
        }
        return e.getClass().getSimpleName();
    }

    public ObjectMapper mapper() {
        return mapper;
    }
}
