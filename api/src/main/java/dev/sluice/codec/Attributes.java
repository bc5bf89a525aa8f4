package dev.sluice.codec;

import java.net.URI;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.regex.Pattern;

/** Names and string forms of the wire attributes, written once for every binding. */
final class Attributes {
    static final String PREFIX = "ce-";
    static final String SPECVERSION = "ce-specversion";
    static final String ID = "ce-id";
    static final String SOURCE = "ce-source";
    static final String TYPE = "ce-type";
    static final String SUBJECT = "ce-subject";
    static final String TIME = "ce-time";
    static final String DATASCHEMA = "ce-dataschema";
    static final String CONTENT_TYPE = "content-type";

    private static final Pattern EXTENSION_NAME = Pattern.compile("[a-z0-9]{1,20}");

    private Attributes() {
    }

    private static final java.util.Set<String> CORE = java.util.Set.of(SPECVERSION, ID, SOURCE, TYPE, SUBJECT, TIME, DATASCHEMA);

    static boolean isCoreAttribute(String key) {
        return CORE.contains(key);
    }

    /**
     * Names no extension may take. The CloudEvents 1.0 core context attributes (spec.md, "REQUIRED
     * Attributes" and "OPTIONAL Attributes": every context attribute appears at most once, so an extension
     * cannot reuse one), {@code data} (spec.md, "Naming Conventions": "CloudEvent attributes MUST NOT have
     * the name data; this name is reserved"), and {@code data_base64}, the member the JSON event format uses
     * for binary data (not a legal attribute name anyway, listed so the reason given is the right one).
     */
    static final java.util.Set<String> RESERVED_NAMES = java.util.Set.of("specversion", "id", "source", "type",
            "datacontenttype", "dataschema", "subject", "time", "data", "data_base64");

    static boolean isReservedName(String name) {
        return RESERVED_NAMES.contains(name);
    }

    /** CloudEvents 1.0: extension names are lower-case letters and digits, at most 20 of them. */
    static boolean isLegalExtensionName(String name) {
        return EXTENSION_NAME.matcher(name).matches();
    }

    /** The canonical string form of an attribute value in the CloudEvents type system. */
    static String canonical(Object value) {
        if (value instanceof OffsetDateTime t) return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(t);
        if (value instanceof byte[] b) return Base64.getEncoder().encodeToString(b);
        if (value instanceof URI u) return u.toString();
        return String.valueOf(value);
    }
}
