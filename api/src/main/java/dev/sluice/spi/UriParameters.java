package dev.sluice.spi;

import dev.sluice.ConfigurationException;
import dev.sluice.Redaction;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The query parameters of a queue URI, read the same way by every driver. */
public final class UriParameters {
    private UriParameters() {
    }

    /**
     * The parameters of {@code uri}, decoded, in the order written. A parameter not in {@code known}, or one given
     * twice, fails with a {@link ConfigurationException} naming it (and the URI, shown through {@link Redaction}).
     */
    public static Map<String, String> parse(URI uri, List<String> known) {
        Map<String, String> params = new LinkedHashMap<>();
        String q = uri.getRawQuery();
        if (q == null || q.isEmpty()) return params;
        for (String pair : q.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            if (!known.contains(key)) {
                throw new ConfigurationException("queue uri '" + Redaction.uri(uri) + "': unknown parameter '" + key
                        + "' (known: " + String.join(", ", known) + ")");
            }
            if (params.put(key, value) != null) {
                throw new ConfigurationException("queue uri '" + Redaction.uri(uri) + "': parameter '" + key
                        + "' is given twice");
            }
        }
        return params;
    }
}
