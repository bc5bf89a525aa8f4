package dev.sluice.cli;

import dev.sluice.ConfigurationException;
import dev.sluice.QueueSpec;
import dev.sluice.core.Sluice;
import dev.sluice.crypto.KeyProvider;
import dev.sluice.runtime.config.QueueConfig;
import dev.sluice.runtime.config.RuntimeConfig;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * One command's use of Sluice: opens it once (with the configured key provider, {@code SLUICE_KEYRING} or
 * {@code SLUICE_KMS_KEY}, when the command decrypts), reads the runtime's configuration only when a queue is named (a
 * URI needs none), and turns a {@code <queue>} argument into a {@link QueueTarget}. Closes the Sluice it opened.
 */
final class Session implements AutoCloseable {
    private final CliEnvironment environment;
    private final String configFile;
    private final boolean decrypts;
    private Sluice sluice;
    private RuntimeConfig config;

    Session(CliEnvironment environment, String configFile, boolean decrypts) {
        this.environment = environment;
        this.configFile = configFile;
        this.decrypts = decrypts;
    }

    Sluice sluice() {
        if (sluice == null) sluice = environment.sluice().apply(decrypts ? keys() : Optional.empty());
        return sluice;
    }

    /** The key provider of the configuration's {@code SLUICE_KEYRING} or {@code SLUICE_KMS_KEY}; empty when neither is set. */
    private Optional<KeyProvider> keys() {
        try {
            return RuntimeConfig.keyProvider(runtimeEnv(), runtimeSystem());
        } catch (ConfigurationException e) {
            throw new CliFailure(ExitCode.USAGE, e.getMessage() + "\n  what to do: fix the key setting named, or leave out"
                    + " --show-data");
        }
    }

    /** The queues configured by {@code SLUICE_QUEUE_<NAME>_*} (or the properties file), each as a target. */
    List<QueueTarget> configured() {
        return config().queues().stream().map(this::target).toList();
    }

    /**
     * The queue {@code arg} names: a URI ({@code scheme://...}) as it is, or the logical name of a configured queue.
     *
     * @param deadLetterQueue the DLQ to use instead of the configured one or the driver's default, or null
     */
    QueueTarget resolve(String arg, URI deadLetterQueue) {
        QueueTarget t;
        if (arg.contains("://")) {
            URI uri;
            try {
                uri = URI.create(arg);
            } catch (IllegalArgumentException e) {
                throw new CliFailure(ExitCode.USAGE, "'" + arg + "' is not a queue URI (" + e.getMessage()
                        + "); write a configured queue name or a URI such as sqs://orders");
            }
            t = target(null, QueueSpec.builder(uri).provisioning(QueueSpec.Provisioning.NONE).build());
        } else {
            RuntimeConfig c = config();
            QueueConfig q = c.queue(arg).orElseThrow(() -> new CliFailure(ExitCode.UNREACHABLE, "no queue named '" + arg
                    + "' is configured (configured: " + c.queues().stream().map(QueueConfig::name).toList()
                    + "); set SLUICE_QUEUE_" + arg.toUpperCase(java.util.Locale.ROOT).replace('-', '_')
                    + "_URI, or pass the queue's URI instead of its name"));
            t = target(q);
        }
        if (deadLetterQueue == null) return t;
        return new QueueTarget(t.name(), t.spec().toBuilder().deadLetterQueue(deadLetterQueue).build(), t.broker());
    }

    /** Whether {@code target} is a configured queue whose events are encrypted. */
    boolean isEncrypted(QueueTarget target) {
        return target.name() != null && config().queue(target.name()).map(QueueConfig::encrypted).orElse(false);
    }

    private QueueTarget target(QueueConfig q) {
        return target(q.name(), q.spec().toBuilder().provisioning(QueueSpec.Provisioning.NONE).build());
    }

    private QueueTarget target(String name, QueueSpec spec) {
        String broker;
        try {
            broker = sluice().driver(spec.uri()).capabilities().broker();
        } catch (ConfigurationException e) {
            throw new CliFailure(ExitCode.USAGE, e.getMessage());
        }
        return new QueueTarget(name, spec, broker);
    }

    /** The runtime configuration the queues come from (also the console's {@code SLUICE_CONSOLE_*}). */
    RuntimeConfig config() {
        if (config != null) return config;
        try {
            config = RuntimeConfig.load(runtimeEnv(), runtimeSystem());
        } catch (ConfigurationException e) {
            throw new CliFailure(ExitCode.USAGE, "the configuration (SLUICE_* variables, sluice.* properties, "
                    + "the --config file) has problems:\n" + e.getMessage()
                    + "\n  what to do: fix the settings named, or pass queue URIs instead of names");
        }
        return config;
    }

    /** The environment as the runtime reads it: the CLI's own settings ({@code SLUICE_CLI_*}) are not the runtime's. */
    private Map<String, String> runtimeEnv() {
        Map<String, String> env = new HashMap<>(environment.env());
        env.keySet().removeIf(k -> k.startsWith("SLUICE_CLI_"));
        if (configFile != null) env.put("SLUICE_CONFIG_FILE", configFile);
        return env;
    }

    /** The system properties as the runtime reads them, without the CLI's own ({@code sluice.cli.*}). */
    private Properties runtimeSystem() {
        Properties system = new Properties();
        environment.system().stringPropertyNames().stream().filter(k -> !k.startsWith("sluice.cli."))
                .forEach(k -> system.setProperty(k, environment.system().getProperty(k)));
        return system;
    }

    @Override
    public void close() {
        if (sluice != null && environment.ownsSluice()) sluice.close();
    }
}
