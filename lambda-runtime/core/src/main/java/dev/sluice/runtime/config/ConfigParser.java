package dev.sluice.runtime.config;

import dev.sluice.ConfigurationException;
import dev.sluice.crypto.KeyProvider;
import dev.sluice.crypto.KeyProviderFactory;
import dev.sluice.crypto.LocalKeyring;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads the merged settings into a {@link RuntimeConfig}, collecting every problem into one message. */
final class ConfigParser {
    private static final Logger log = LoggerFactory.getLogger(ConfigParser.class);

    private final Sources sources;
    private final List<String> problems;

    private ConfigParser(Sources sources, List<String> problems) {
        this.sources = sources;
        this.problems = problems;
    }

    static RuntimeConfig parse(Map<String, String> env, Properties system) {
        List<String> problems = new ArrayList<>();
        Sources sources = Sources.read(env, system, problems);
        sources.warnings.forEach(log::warn);
        RuntimeConfig config = new ConfigParser(sources, problems).build();
        if (!problems.isEmpty()) {
            throw new ConfigurationException("the Sluice runtime configuration is invalid:\n  - "
                    + String.join("\n  - ", problems));
        }
        return config;
    }

    /**
     * The key provider of {@code SLUICE_KEYRING} or {@code SLUICE_KMS_KEY} alone, for a tool that needs the keys but
     * no queue (the CLI): the same rules as {@link #parse}, no other setting checked.
     */
    static Optional<KeyProvider> keysOnly(Map<String, String> env, Properties system) {
        List<String> problems = new ArrayList<>();
        Sources sources = Sources.read(env, system, problems);
        Optional<KeyProvider> keys = new ConfigParser(sources, problems).keys(new Values(sources.settings, problems), List.of());
        if (!problems.isEmpty()) {
            throw new ConfigurationException("the Sluice key settings are invalid:\n  - " + String.join("\n  - ", problems));
        }
        return keys;
    }

    private RuntimeConfig build() {
        Values v = new Values(sources.settings, problems);
        List<String> modules = Arrays.stream(Optional.ofNullable(v.string(Keys.Global.MODULES.env)).orElse("").split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).toList();
        List<QueueConfig> queues = queues(v);
        int port = v.integer(Keys.Global.PORT.env, 8080, 1, 65535);
        int maxBody = v.integer(Keys.Global.HTTP_MAX_BODY.env, RuntimeConfig.DEFAULT_MAX_BODY_BYTES, 1024, Integer.MAX_VALUE);
        Duration shutdown = v.duration(Keys.Global.SHUTDOWN_TIMEOUT.env, Duration.ofSeconds(30));
        HttpSettings defaults = HttpSettings.defaults(queues.stream().mapToInt(q -> q.spec().concurrency()).max().orElse(8));
        HttpSettings http = new HttpSettings(
                v.duration(Keys.Global.HTTP_IDLE_TIMEOUT.env, defaults.idleTimeout()),
                v.integer(Keys.Global.HTTP_MAX_HEADER.env, defaults.maxHeaderBytes(), 1024, 1024 * 1024),
                v.integer(Keys.Global.HTTP_MAX_THREADS.env, defaults.maxThreads(), HttpSettings.MIN_THREADS, 10_000));
        if (http.idleTimeout().isZero()) {
            problems.add(sources.settings.get(Keys.Global.HTTP_IDLE_TIMEOUT.env).origin()
                    + " is 0: a connection needs an idle timeout (e.g. 30s)");
        }
        boolean pushAuthOff = "none".equals(v.choice(Keys.Global.PUSH_AUTH.env, "oidc", List.of("oidc", "none")));
        return new RuntimeConfig(modules, queues, pushAuth(v, pushAuthOff), port, maxBody, shutdown, pushAuthOff, http,
                metrics(v), logs(v), keys(v, queues), console(v));
    }

    private ConsoleSettings console(Values v) {
        ConsoleSettings d = ConsoleSettings.defaults();
        boolean on = "on".equals(v.choice(Keys.Global.CONSOLE.env, "off", List.of("off", "on")));
        String host = Optional.ofNullable(v.string(Keys.Global.CONSOLE_HOST.env)).orElse(d.host());
        int port = v.integer(Keys.Global.CONSOLE_PORT.env, d.port(), 0, 65535);
        Optional<String> viewer = token(v, Keys.Global.CONSOLE_VIEWER_TOKEN.env);
        Optional<String> operator = token(v, Keys.Global.CONSOLE_OPERATOR_TOKEN.env);
        if (viewer.isPresent() && viewer.equals(operator)) {
            problems.add(v.origin(Keys.Global.CONSOLE_VIEWER_TOKEN.env) + " equals " + Keys.Global.CONSOLE_OPERATOR_TOKEN.env
                    + ": give each role its own token");
        }
        String issuer = v.string(Keys.Global.CONSOLE_OIDC_ISSUER.env);
        String mode = v.choice(Keys.Global.CONSOLE_AUTH.env, null, List.of("token", "oidc", "none"));
        Optional<ConsoleSettings.Auth> auth = Optional.ofNullable(mode)
                .map(m -> ConsoleSettings.Auth.valueOf(m.toUpperCase(java.util.Locale.ROOT)))
                .or(() -> viewer.isPresent() || operator.isPresent() ? Optional.of(ConsoleSettings.Auth.TOKEN)
                        : issuer != null ? Optional.of(ConsoleSettings.Auth.OIDC) : Optional.empty());
        if (auth.orElse(null) == ConsoleSettings.Auth.TOKEN && viewer.isEmpty() && operator.isEmpty()) {
            problems.add(v.origin(Keys.Global.CONSOLE_AUTH.env) + " is 'token', but neither "
                    + Keys.Global.CONSOLE_VIEWER_TOKEN.env + " nor " + Keys.Global.CONSOLE_OPERATOR_TOKEN.env
                    + " is set: set one or both (make one with: openssl rand -base64 32)");
        }
        if (auth.orElse(null) == ConsoleSettings.Auth.NONE && (viewer.isPresent() || operator.isPresent() || issuer != null)) {
            problems.add(v.origin(Keys.Global.CONSOLE_AUTH.env) + " is 'none', but console credentials are set too:"
                    + " unset one or the other");
        }
        Optional<ConsoleSettings.Oidc> oidc = auth.orElse(null) == ConsoleSettings.Auth.OIDC ? consoleOidc(v, issuer) : Optional.empty();
        return new ConsoleSettings(on, host, port, auth, viewer, operator, oidc);
    }

    private Optional<String> token(Values v, String variable) {
        String t = v.string(variable);
        if (t == null) return Optional.empty();
        if (t.length() < ConsoleSettings.MIN_TOKEN_LENGTH) {
            problems.add(v.origin(variable) + " is " + t.length() + " characters long: a console token needs at least "
                    + ConsoleSettings.MIN_TOKEN_LENGTH + " (make one with: openssl rand -base64 32)");
        }
        return Optional.of(t);
    }

    private Optional<ConsoleSettings.Oidc> consoleOidc(Values v, String issuer) {
        String audience = v.string(Keys.Global.CONSOLE_OIDC_AUDIENCE.env);
        URI jwks = v.uri(Keys.Global.CONSOLE_OIDC_JWKS_URL.env);
        List<String> missing = new ArrayList<>();
        if (issuer == null) missing.add(Keys.Global.CONSOLE_OIDC_ISSUER.env);
        if (audience == null) missing.add(Keys.Global.CONSOLE_OIDC_AUDIENCE.env);
        if (jwks == null) missing.add(Keys.Global.CONSOLE_OIDC_JWKS_URL.env);
        List<String> operators = list(v.string(Keys.Global.CONSOLE_OIDC_OPERATORS.env));
        List<String> viewers = list(v.string(Keys.Global.CONSOLE_OIDC_VIEWERS.env));
        if (operators.isEmpty() && viewers.isEmpty()) {
            missing.add(Keys.Global.CONSOLE_OIDC_OPERATORS.env + " or " + Keys.Global.CONSOLE_OIDC_VIEWERS.env);
        }
        if (!missing.isEmpty()) {
            problems.add("the console's OIDC mode needs " + String.join(", ", missing)
                    + " (the issuer, the console's client id as audience, the issuer's jwks_uri, and the claim values"
                    + " of each role)");
            return Optional.empty();
        }
        String claim = Optional.ofNullable(v.string(Keys.Global.CONSOLE_OIDC_ROLE_CLAIM.env)).orElse("groups");
        return Optional.of(new ConsoleSettings.Oidc(issuer, audience, jwks, claim, operators, viewers));
    }

    private static List<String> list(String value) {
        if (value == null) return List.of();
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /**
     * The key provider: the keyring of {@code SLUICE_KEYRING} or the key service key of {@code SLUICE_KMS_KEY}
     * (opened by the {@link KeyProviderFactory} of its scheme); a problem (naming key ids, never keys) when it is
     * malformed, missing, or both are set.
     */
    private Optional<KeyProvider> keys(Values v, List<QueueConfig> queues) {
        String keyring = v.string(Keys.Global.KEYRING.env);
        String kmsKey = v.string(Keys.Global.KMS_KEY.env);
        if (keyring != null && kmsKey != null) {
            problems.add(v.origin(Keys.Global.KEYRING.env) + " and " + v.origin(Keys.Global.KMS_KEY.env)
                    + " are both set: choose one key provider");
            return Optional.empty();
        }
        Optional<KeyProvider> keys = Optional.empty();
        String variable = keyring != null ? Keys.Global.KEYRING.env : Keys.Global.KMS_KEY.env;
        try {
            if (keyring != null) keys = Optional.of(LocalKeyring.of(keyring));
            if (kmsKey != null) keys = Optional.of(KeyProviderFactory.open(kmsKey));
        } catch (ConfigurationException e) {
            problems.add(v.origin(variable) + ": " + e.getMessage());
            return Optional.empty();
        }
        for (QueueConfig q : queues) {
            if (q.encrypted() && keys.flatMap(KeyProvider::primaryKeyId).isEmpty()) {
                problems.add(v.origin(q.variable("ENCRYPTED")) + " is true, but neither " + Keys.Global.KEYRING.env
                        + " nor " + Keys.Global.KMS_KEY.env + " holds a key: set " + Keys.Global.KEYRING.env
                        + " to kid:base64key (make a key with: openssl rand -base64 32) or " + Keys.Global.KMS_KEY.env
                        + " to aws-kms:<key ARN or alias>");
            }
        }
        return keys;
    }

    private LogSettings logs(Values v) {
        boolean json = "json".equals(v.choice(Keys.Global.LOG_FORMAT.env, "text", List.of("text", "json")));
        return new LogSettings(json, Optional.ofNullable(v.string(Keys.Global.LOG_GCP_PROJECT.env)));
    }

    private MetricsSettings metrics(Values v) {
        MetricsSettings d = MetricsSettings.defaults();
        boolean on = "auto".equals(v.choice(Keys.Global.METRICS.env, "auto", List.of("auto", "off")));
        String host = Optional.ofNullable(v.string(Keys.Global.METRICS_HOST.env)).orElse(d.host());
        int port = v.integer(Keys.Global.METRICS_PORT.env, d.port(), 0, 65535);
        String path = Optional.ofNullable(v.string(Keys.Global.METRICS_PATH.env)).orElse(d.path());
        if (!path.startsWith("/")) {
            problems.add(v.origin(Keys.Global.METRICS_PATH.env) + " is '" + path + "': write a path starting with /, e.g. /metrics");
        }
        Duration interval = v.duration(Keys.Global.METRICS_DEPTH_INTERVAL.env, d.depthInterval());
        return new MetricsSettings(on, host, port, path, interval);
    }

    private Optional<PushAuth> pushAuth(Values v, boolean off) {
        Setting audience = sources.settings.get(Keys.Global.PUSH_AUDIENCE.env);
        Setting account = sources.settings.get(Keys.Global.PUSH_SERVICE_ACCOUNT.env);
        URI jwks = v.uri(Keys.Global.PUSH_JWKS_URL.env);
        if (off) {
            if (audience != null || account != null) {
                problems.add(sources.settings.get(Keys.Global.PUSH_AUTH.env).origin() + " is 'none', but "
                        + (audience != null ? audience : account).origin() + " is set: unset one or the other");
            }
            return Optional.empty();
        }
        if (audience == null && account == null) return Optional.empty();
        if (audience == null || account == null) {
            Setting set = audience != null ? audience : account;
            String missing = audience == null ? Keys.Global.PUSH_AUDIENCE.env : Keys.Global.PUSH_SERVICE_ACCOUNT.env;
            problems.add(set.origin() + " is set but " + missing + " is not: push token verification needs both"
                    + " (set " + missing + ", or unset " + set.origin() + " and set " + Keys.Global.PUSH_AUTH.env
                    + "=none to turn verification off)");
            return Optional.empty();
        }
        return Optional.of(new PushAuth(audience.value(), account.value(), jwks != null ? jwks : PushAuth.GOOGLE_JWKS));
    }

    private List<QueueConfig> queues(Values v) {
        Map<String, List<String>> byQueue = new TreeMap<>();
        for (String variable : sources.settings.keySet()) {
            if (!variable.startsWith(Keys.QUEUE_PREFIX)) continue;
            String rest = variable.substring(Keys.QUEUE_PREFIX.length());
            Keys.Queue key = Keys.Queue.BY_LENGTH.stream()
                    .filter(k -> rest.endsWith("_" + k.name()) && rest.length() > k.name().length() + 1)
                    .findFirst().orElse(null);
            if (key == null) {
                problems.add(sources.settings.get(variable).origin() + ": unknown queue setting; write SLUICE_QUEUE_<NAME>_<KEY>"
                        + " with <KEY> one of " + Arrays.toString(Keys.Queue.values()));
                continue;
            }
            byQueue.computeIfAbsent(rest.substring(0, rest.length() - key.name().length() - 1), k -> new ArrayList<>())
                    .add(variable);
        }
        List<QueueConfig> queues = new ArrayList<>();
        byQueue.forEach((envKey, variables) -> {
            String name = sources.queueNames.getOrDefault(envKey, envKey.toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
            String uriVariable = Keys.QUEUE_PREFIX + envKey + "_URI";
            if (!sources.settings.containsKey(uriVariable)) {
                problems.add(sources.settings.get(variables.get(0)).origin() + " is set, but queue '" + name
                        + "' has no URI: set " + uriVariable + " (or sluice.queue." + name + ".uri)");
                return;
            }
            QueueConfig q = new QueueSettings(name, envKey, v, problems).build();
            if (q != null) queues.add(q);
        });
        if (queues.isEmpty() && problems.isEmpty()) {
            problems.add("no queue is configured: set SLUICE_QUEUE_<NAME>_URI (e.g. SLUICE_QUEUE_ORDERS_URI=sqs://orders)"
                    + " or the system property sluice.queue.<name>.uri");
        }
        return queues;
    }
}
