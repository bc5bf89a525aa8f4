package dev.sluice.codec;

import dev.sluice.ErrorCode;
import dev.sluice.SluiceException;
import io.cloudevents.CloudEvent;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The one check of a CloudEvent's attributes against CloudEvents 1.0, applied to the attribute strings of
 * a binary-mode message, to the members of a structured-mode JSON body (before the SDK parses them), and to
 * an event about to be encoded (its attributes in their canonical string form). Every problem names the
 * attribute as it appears where it was found ({@code ce-time}, {@code content-type}, {@code time}) and
 * what is wrong; attribute values may be quoted, the data never is.
 *
 * <ul>
 *   <li>{@code specversion}: required, {@code 1.0};
 *   <li>{@code id}, {@code type}: required, non-empty;
 *   <li>{@code source}: required, a non-empty URI-reference;
 *   <li>{@code subject}: non-empty when present;
 *   <li>{@code dataschema}: a non-empty absolute URI when present;
 *   <li>{@code datacontenttype}: an RFC 2046 media type ({@code type/subtype}, optional {@code ;name=value}
 *       parameters, values tokens or quoted strings) when present;
 *   <li>{@code time}: an RFC 3339 {@code date-time} when present: seconds, optional fraction, {@code Z} or
 *       a {@code +hh:mm}/{@code -hh:mm} offset, and a real date and time;
 *   <li>extension names: 1 to 20 lower-case ASCII letters or digits, none of {@link Attributes#RESERVED_NAMES}.
 * </ul>
 */
final class EventValidation {
    /** Where the attributes come from, which decides how a problem names them. */
    enum Source {
        /** An event about to be encoded: attribute names as they are. */
        EVENT,
        /** A structured-mode JSON body: member names. */
        STRUCTURED,
        /** A binary-mode message: {@code ce-} attributes and {@code content-type}. */
        BINARY;

        String core(String name) {
            if (this != BINARY) return name;
            return name.equals("datacontenttype") ? Attributes.CONTENT_TYPE : Attributes.PREFIX + name;
        }

        String extension(String name) {
            return this == BINARY ? "attribute '" + Attributes.PREFIX + name + "': " : "";
        }
    }

    static final String SPECVERSION = "specversion";
    static final String ID = "id";
    static final String SOURCE = "source";
    static final String TYPE = "type";
    static final String SUBJECT = "subject";
    static final String TIME = "time";
    static final String DATASCHEMA = "dataschema";
    static final String DATACONTENTTYPE = "datacontenttype";

    /** RFC 3339 section 5.6 {@code date-time}; {@code T} and {@code Z} may be lower case (section 5.6, note). */
    private static final Pattern RFC3339 = Pattern.compile(
            "[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})");

    private static final int MAX_QUOTED = 80;

    private EventValidation() {
    }

    /** Checks an event before it is encoded; fails with {@link ErrorCode#INVALID} naming the event and the attribute. */
    static void check(CloudEvent event) {
        if (event == null) throw invalid("?", "the event is null");
        String id = event.getId() == null || event.getId().isEmpty() ? "?" : event.getId();
        Map<String, String> extensions = new LinkedHashMap<>();
        for (String name : event.getExtensionNames()) {
            extensions.put(name, event.getExtension(name) instanceof String text ? text : null);
        }
        String problem = problem(attributesOf(event), extensions, Source.EVENT);
        if (problem != null) throw invalid(id, problem);
    }

    /** An event's core attributes in their canonical string form; absent ones are left out. */
    static Map<String, String> attributesOf(CloudEvent event) {
        Map<String, String> a = new HashMap<>();
        if (event.getSpecVersion() != null) a.put(SPECVERSION, event.getSpecVersion().toString());
        putIfPresent(a, ID, event.getId());
        putIfPresent(a, SOURCE, event.getSource());
        putIfPresent(a, TYPE, event.getType());
        putIfPresent(a, SUBJECT, event.getSubject());
        putIfPresent(a, TIME, event.getTime());
        putIfPresent(a, DATASCHEMA, event.getDataSchema());
        putIfPresent(a, DATACONTENTTYPE, event.getDataContentType());
        return a;
    }

    private static void putIfPresent(Map<String, String> a, String name, Object value) {
        if (value != null) a.put(name, Attributes.canonical(value));
    }

    /**
     * The first thing wrong with these attributes, or null if nothing is.
     *
     * @param core the core attributes present, by CloudEvents name, as strings
     * @param extensions the extensions by name, each with its value when it is a string (null otherwise)
     */
    static String problem(Map<String, String> core, Map<String, String> extensions, Source from) {
        String specversion = core.get(SPECVERSION);
        if (specversion == null) return missing(from, SPECVERSION);
        if (!"1.0".equals(specversion)) {
            String l = from.core(SPECVERSION);
            return "attribute '" + l + "' is invalid: " + l + " " + quote(specversion) + " is not supported (supported: 1.0)";
        }
        String p = requiredString(core, ID, from);
        if (p != null) return p;
        p = requiredString(core, SOURCE, from);
        if (p != null) return p;
        p = uriProblem(from, SOURCE, core.get(SOURCE), false);
        if (p != null) return p;
        p = requiredString(core, TYPE, from);
        if (p != null) return p;

        String subject = core.get(SUBJECT);
        if (subject != null && subject.isEmpty()) return emptyOptional(from, SUBJECT, "string");
        for (String name : new String[] {ID, TYPE, SUBJECT}) {
            if (hasControlCharacter(core.get(name))) {
                return "attribute '" + from.core(name) + "' contains a control character (CloudEvents strings must"
                        + " not: U+0000-U+001F, U+007F-U+009F)";
            }
        }
        String schema = core.get(DATASCHEMA);
        if (schema != null) {
            if (schema.isEmpty()) return emptyOptional(from, DATASCHEMA, "absolute URI");
            p = uriProblem(from, DATASCHEMA, schema, true);
            if (p != null) return p;
        }
        String contentType = core.get(DATACONTENTTYPE);
        if (contentType != null) {
            if (contentType.isEmpty()) return emptyOptional(from, DATACONTENTTYPE, "RFC 2046 media type");
            if (!isMediaType(contentType)) {
                return "attribute '" + from.core(DATACONTENTTYPE) + "' is not an RFC 2046 media type"
                        + " (type/subtype, optionally followed by ; name=value parameters): "
                        + from.core(DATACONTENTTYPE) + " " + quote(contentType);
            }
        }
        String time = core.get(TIME);
        if (time != null) {
            p = timeProblem(from, time);
            if (p != null) return p;
        }
        for (var extension : extensions.entrySet()) {
            String name = extension.getKey();
            if (Attributes.isReservedName(name)) {
                String hint = from == Source.BINARY && name.equals(DATACONTENTTYPE)
                        ? "; binary mode carries datacontenttype in '" + Attributes.CONTENT_TYPE + "'" : "";
                return from.extension(name) + "extension '" + name + "' uses a reserved name"
                        + " (CloudEvents reserves the names of its core attributes, data and data_base64)" + hint;
            }
            if (!Attributes.isLegalExtensionName(name)) {
                return from.extension(name) + "extension name '" + name
                        + "' must be 1 to 20 lower-case letters or digits";
            }
            if (hasControlCharacter(extension.getValue())) {
                return from.extension(name) + "extension '" + name + "' contains a control character (CloudEvents"
                        + " strings must not: U+0000-U+001F, U+007F-U+009F)";
            }
        }
        return null;
    }

    /**
     * RFC 2046 (RFC 2045 section 5.1 syntax): {@code type "/" subtype *(OWS ";" OWS attribute "=" value)}, a
     * value being a token or an RFC 7230 quoted string. One pass over the characters, without a regular
     * expression: a repeated group in {@link java.util.regex.Pattern} recurses per repetition, and a long
     * quoted parameter overflowed the stack ({@code MediaTypeTest}).
     */
    static boolean isMediaType(String value) {
        int n = value.length();
        int i = token(value, 0);
        if (i == 0 || i == n || value.charAt(i) != '/') return false;
        int end = token(value, i + 1);
        if (end == i + 1) return false;
        i = end;
        while (i < n) {
            i = whitespace(value, i);
            if (i == n || value.charAt(i) != ';') return false;
            i = whitespace(value, i + 1);
            end = token(value, i);
            if (end == i || end == n || value.charAt(end) != '=') return false;
            i = end + 1;
            end = i < n && value.charAt(i) == '"' ? quoted(value, i) : token(value, i);
            if (end <= i) return false;
            i = end;
        }
        return true;
    }

    /** The index after the RFC 7230 token starting at {@code i} ({@code i} itself when there is none). */
    private static int token(String s, int i) {
        while (i < s.length() && isTokenChar(s.charAt(i))) i++;
        return i;
    }

    private static boolean isTokenChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "!#$%&'*+.^_`|~-".indexOf(c) >= 0;
    }

    private static int whitespace(String s, int i) {
        while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) i++;
        return i;
    }

    /** The index after the quoted string opening at {@code i}, or -1 when it is not one (RFC 7230 3.2.6). */
    private static int quoted(String s, int i) {
        for (i++; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') return i + 1;
            if (c == '\\') {
                if (++i == s.length() || !isVisibleOrBlank(s.charAt(i))) return -1;
            } else if (!isVisibleOrBlank(c)) {
                return -1;
            }
        }
        return -1;
    }

    private static boolean isVisibleOrBlank(char c) {
        return c == '\t' || (c >= 0x20 && c <= 0x7E);
    }

    private static String timeProblem(Source from, String time) {
        String l = from.core(TIME);
        if (!RFC3339.matcher(time).matches()) {
            return "attribute '" + l + "' is not an RFC 3339 timestamp (like 2024-01-01T10:00:00Z or"
                    + " 2024-01-01T10:00:00.5+05:00: seconds required, offset as Z or +hh:mm): " + l + " " + quote(time);
        }
        try {
            DateTimeFormatter.ISO_OFFSET_DATE_TIME.parse(time);
            return null;
        } catch (DateTimeParseException e) {
            return "attribute '" + l + "' is not a valid RFC 3339 timestamp: " + l + " " + quote(time) + ": " + e.getMessage();
        }
    }

    private static String uriProblem(Source from, String name, String value, boolean absolute) {
        String l = from.core(name);
        String kind = absolute ? "an absolute URI" : "a URI reference";
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            return "attribute '" + l + "' is not " + kind + ": " + e.getMessage();
        }
        if (absolute && !uri.isAbsolute()) {
            return "attribute '" + l + "' is not an absolute URI (it has no scheme): " + l + " " + quote(value);
        }
        return null;
    }

    private static boolean hasControlCharacter(String v) {
        if (v == null) return false;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c <= 0x1F || (c >= 0x7F && c <= 0x9F)) return true;
        }
        return false;
    }

    private static String requiredString(Map<String, String> core, String name, Source from) {
        String v = core.get(name);
        if (v == null) return missing(from, name);
        if (v.isEmpty()) return "required attribute '" + from.core(name) + "' is empty";
        return null;
    }

    private static String missing(Source from, String name) {
        return "required attribute '" + from.core(name) + "' is missing";
    }

    private static String emptyOptional(Source from, String name, String kind) {
        return "attribute '" + from.core(name) + "' is empty; when present it must be a non-empty " + kind;
    }

    private static String quote(String value) {
        return "'" + (value.length() <= MAX_QUOTED ? value : value.substring(0, MAX_QUOTED) + "...") + "'";
    }

    private static SluiceException invalid(String id, String what) {
        return new SluiceException(ErrorCode.INVALID, "event '" + id + "': " + what);
    }
}
