package dev.sluice.kafka;

import dev.sluice.ConfigurationException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * How the clients reach one cluster: the bootstrap servers and the security settings (TLS, SASL), with the secrets
 * read from the environment. The URI carries only what is not secret: {@code security.protocol},
 * {@code sasl.mechanism}, the {@code ssl.*} locations and types, the user (as user-info) and the name of the variable
 * that holds the password; a password in the URI is refused, because URIs are logged.
 *
 * <p>Two drivers with equal connections share one producer and one Admin client. {@link #toString()} never shows a
 * secret.
 *
 * @param bootstrap {@code host:port,...}
 * @param protocol  {@code security.protocol}
 * @param mechanism {@code sasl.mechanism}, or null without SASL
 * @param user      the SASL user, or null without SASL
 * @param written   the connection's URI parameters as written (none secret), carried into the dead-letter URI
 * @param settings  the client settings beyond {@code bootstrap.servers}, secrets included
 */
record KafkaConnection(String bootstrap, String protocol, String mechanism, String user, Map<String, String> written,
                       Map<String, String> settings) {
    /** The URI parameters that are Kafka client settings, passed through under their Kafka names. */
    static final List<String> CLIENT_PARAMETERS = List.of("security.protocol", "sasl.mechanism",
            "ssl.truststore.location", "ssl.truststore.type", "ssl.keystore.location", "ssl.keystore.type",
            "ssl.endpoint.identification.algorithm");
    /** The URI parameter naming the environment variable that holds the SASL password. */
    static final String PASSWORD_ENV = "passwordEnv";
    static final String DEFAULT_PASSWORD_ENV = "KAFKA_PASSWORD";
    static final String USERNAME_ENV = "KAFKA_USERNAME";
    private static final List<String> PROTOCOLS = List.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");
    private static final Map<String, String> LOGIN_MODULES = Map.of(
            "PLAIN", "org.apache.kafka.common.security.plain.PlainLoginModule",
            "SCRAM-SHA-256", "org.apache.kafka.common.security.scram.ScramLoginModule",
            "SCRAM-SHA-512", "org.apache.kafka.common.security.scram.ScramLoginModule");
    /** The TLS secrets: the setting and the environment variable it is read from (only when its store is named). */
    private static final Map<String, String> TLS_SECRETS = Map.of(
            "ssl.truststore.password", "KAFKA_SSL_TRUSTSTORE_PASSWORD",
            "ssl.keystore.password", "KAFKA_SSL_KEYSTORE_PASSWORD",
            "ssl.key.password", "KAFKA_SSL_KEY_PASSWORD");
    private static final Pattern ENV = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

    KafkaConnection {
        written = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(written));
        settings = Map.copyOf(settings);
    }

    /** A plaintext connection to {@code bootstrap}. */
    static KafkaConnection plaintext(String bootstrap) {
        return new KafkaConnection(bootstrap, "PLAINTEXT", null, null, Map.of(), Map.of());
    }

    /**
     * The connection a URI asks for. {@code params} are the URI's parameters, {@code userInfo} its raw user-info (or
     * null), {@code shown} the URI as messages show it; secrets come from {@code env}. Fails, naming the setting, when
     * the settings contradict each other or a secret they need is not in the environment.
     */
    static KafkaConnection of(String bootstrap, Map<String, String> params, String userInfo, Function<String, String> env,
                              String shown) {
        Map<String, String> written = new LinkedHashMap<>();
        for (String name : CLIENT_PARAMETERS) {
            if (params.containsKey(name)) written.put(name, params.get(name));
        }
        if (params.containsKey(PASSWORD_ENV)) written.put(PASSWORD_ENV, params.get(PASSWORD_ENV));
        if (userInfo != null && userInfo.contains(":")) {
            throw new ConfigurationException("queue uri '" + shown + "' has a password in its user-info; the kafka://"
                    + " driver reads the password from the environment (" + DEFAULT_PASSWORD_ENV + ", or the variable"
                    + " passwordEnv= names), never from a URI, which gets logged");
        }
        String protocol = written.getOrDefault("security.protocol", "PLAINTEXT").toUpperCase(java.util.Locale.ROOT);
        if (!PROTOCOLS.contains(protocol)) {
            throw new ConfigurationException("queue uri '" + shown + "': security.protocol must be one of " + PROTOCOLS
                    + ", was '" + written.get("security.protocol") + "'");
        }
        boolean sasl = protocol.startsWith("SASL_");
        boolean tls = protocol.endsWith("SSL");
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("security.protocol", protocol);
        for (String name : List.of("ssl.truststore.location", "ssl.truststore.type", "ssl.keystore.location",
                "ssl.keystore.type", "ssl.endpoint.identification.algorithm")) {
            String v = written.get(name);
            if (v == null) continue;
            if (!tls) {
                throw new ConfigurationException("queue uri '" + shown + "': " + name + " is a TLS setting, but"
                        + " security.protocol is " + protocol + "; use SSL or SASL_SSL");
            }
            settings.put(name, v);
        }
        if (tls) {
            TLS_SECRETS.forEach((setting, variable) -> {
                String store = setting.startsWith("ssl.truststore") ? "ssl.truststore.location" : "ssl.keystore.location";
                String v = env.apply(variable);
                if (settings.containsKey(store) && v != null && !v.isEmpty()) settings.put(setting, v);
            });
        }
        String mechanism = written.get("sasl.mechanism");
        String user = null;
        if (!sasl) {
            if (mechanism != null || written.containsKey(PASSWORD_ENV) || userInfo != null) {
                throw new ConfigurationException("queue uri '" + shown + "': " + (mechanism != null ? "sasl.mechanism"
                        : userInfo != null ? "a user" : PASSWORD_ENV) + " is for SASL, but security.protocol is "
                        + protocol + "; use SASL_SSL (or SASL_PLAINTEXT)");
            }
        } else {
            if (mechanism == null || !LOGIN_MODULES.containsKey(mechanism.toUpperCase(java.util.Locale.ROOT))) {
                throw new ConfigurationException("queue uri '" + shown + "': security.protocol=" + protocol + " needs"
                        + " sasl.mechanism=PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512" + (mechanism == null ? ""
                        : ", was '" + mechanism + "' (OAUTHBEARER and GSSAPI are not"
                        + " supported)"));
            }
            mechanism = mechanism.toUpperCase(java.util.Locale.ROOT);
            user = userInfo != null ? java.net.URLDecoder.decode(userInfo, StandardCharsets.UTF_8) : env.apply(USERNAME_ENV);
            if (user == null || user.isEmpty()) {
                throw new ConfigurationException("queue uri '" + shown + "': sasl.mechanism=" + mechanism + " needs a user:"
                        + " write kafka://<user>@host/topic or set " + USERNAME_ENV);
            }
            String variable = written.getOrDefault(PASSWORD_ENV, DEFAULT_PASSWORD_ENV);
            if (!ENV.matcher(variable).matches()) {
                throw new ConfigurationException("queue uri '" + shown + "': passwordEnv '" + variable
                        + "' is not an environment variable name");
            }
            String password = env.apply(variable);
            if (password == null || password.isEmpty()) {
                throw new ConfigurationException("queue uri '" + shown + "': sasl.mechanism=" + mechanism + " as user '"
                        + user + "' needs a password, and the environment has no " + variable);
            }
            settings.put("sasl.mechanism", mechanism);
            settings.put("sasl.jaas.config", LOGIN_MODULES.get(mechanism) + " required username=\"" + quoted(user)
                    + "\" password=\"" + quoted(password) + "\";");
        }
        return new KafkaConnection(bootstrap, protocol, mechanism, user, written, settings);
    }

    /** The client settings: {@code bootstrap.servers} and the security settings. */
    Map<String, Object> config() {
        Map<String, Object> c = new java.util.HashMap<>(settings);
        c.put("bootstrap.servers", bootstrap);
        return c;
    }

    /** {@code user@} (URI-encoded) when the connection has a SASL user, else empty. */
    String userInfo() {
        return user == null ? "" : URLEncoder.encode(user, StandardCharsets.UTF_8).replace("+", "%20") + "@";
    }

    /** {@code &name=value...} of the written parameters, for another URI on the same cluster. */
    String query() {
        StringBuilder q = new StringBuilder();
        written.forEach((k, v) -> q.append('&').append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return q.toString();
    }

    /** The servers, and how the clients connect when not in plaintext: never a secret. */
    String describe() {
        if ("PLAINTEXT".equals(protocol)) return bootstrap;
        return bootstrap + " (" + protocol + (mechanism == null ? "" : ", " + mechanism + " as user '" + user + "'") + ")";
    }

    @Override
    public String toString() {
        return describe();
    }

    /** A JAAS option value between double quotes. */
    private static String quoted(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
