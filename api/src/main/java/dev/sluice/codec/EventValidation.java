package dev.sluice.codec;

import dev.sluice.ErrorCode;
import dev.sluice.SluiceException;
import io.cloudevents.CloudEvent;

/** Checks an outgoing event's required attributes, naming the one that is wrong. */
final class EventValidation {
    private EventValidation() {
    }

    static void check(CloudEvent event) {
        if (event == null) throw invalid("?", "the event is null");
        String id = event.getId();
        if (id == null || id.isEmpty()) throw invalid("?", "required attribute 'id' is " + (id == null ? "missing" : "empty"));
        if (event.getSpecVersion() == null) throw invalid(id, "required attribute 'specversion' is missing");
        if (event.getSource() == null) throw invalid(id, "required attribute 'source' is missing");
        if (event.getSource().toString().isEmpty()) throw invalid(id, "required attribute 'source' is empty");
        String type = event.getType();
        if (type == null || type.isEmpty()) {
            throw invalid(id, "required attribute 'type' is " + (type == null ? "missing" : "empty"));
        }
        if (event.getSubject() != null && event.getSubject().isEmpty()) {
            throw invalid(id, "attribute 'subject' must not be empty when present");
        }
        for (String name : event.getExtensionNames()) {
            if (!Attributes.isLegalExtensionName(name)) {
                throw invalid(id, "extension name '" + name + "' must be 1 to 20 lower-case letters or digits");
            }
        }
    }

    private static SluiceException invalid(String id, String what) {
        return new SluiceException(ErrorCode.INVALID, "event '" + id + "': " + what);
    }
}
