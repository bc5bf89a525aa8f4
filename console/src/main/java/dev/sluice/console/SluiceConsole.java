package dev.sluice.console;

import dev.sluice.ConfigurationException;
import dev.sluice.QueueSpec;
import dev.sluice.core.Sluice;
import dev.sluice.runtime.config.ConsoleSettings;
import dev.sluice.runtime.config.QueueConfig;
import dev.sluice.runtime.config.RuntimeConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web console: the queues' depth (and an hour of it, sampled here), each queue's spec, and its dead letters
 * browsed in pages, shown, redriven and purged. Server-rendered HTML on Jetty; nothing is loaded from elsewhere.
 *
 * <pre>{@code
 * try (SluiceConsole console = SluiceConsole.builder(sluice)
 *         .queue("orders", ordersSpec)
 *         .auth(ConsoleAuth.tokens(viewerToken, operatorToken))
 *         .port(8081)
 *         .start()) { ... }
 * }</pre>
 *
 * <p>Access fails closed: {@link Builder#start()} refuses without an {@link ConsoleAuth} unless
 * {@link Builder#insecureNoAuth(boolean) insecureNoAuth(true)} is set, and then listens on 127.0.0.1 only. Viewers
 * read; operators also show payloads, redrive and purge. Every change (and every payload shown) is one line on the
 * logger {@code dev.sluice.audit}.
 */
public final class SluiceConsole implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SluiceConsole.class);

    private final Server server;
    private final ServerConnector connector;
    private final DepthSampler sampler;
    private final Authenticator authenticator;

    private SluiceConsole(Server server, ServerConnector connector, DepthSampler sampler, Authenticator authenticator) {
        this.server = server;
        this.connector = connector;
        this.sampler = sampler;
        this.authenticator = authenticator;
    }

    /** Starts building a console on {@code sluice}'s queues. */
    public static Builder builder(Sluice sluice) {
        return new Builder(sluice);
    }

    /**
     * A console as the runtime's configuration describes it: its queues ({@code SLUICE_QUEUE_*}) and
     * {@code SLUICE_CONSOLE_*} (host, port, auth mode, tokens or OIDC). Not started.
     */
    public static Builder builder(Sluice sluice, RuntimeConfig config) {
        Builder b = builder(sluice).settings(config.console());
        for (QueueConfig q : config.queues()) b.queue(q.name(), q.spec());
        return b;
    }

    /** The port the console listens on. */
    public int port() {
        return connector.getLocalPort();
    }

    /** Stops serving (the {@code Sluice} stays open: it is the caller's). */
    @Override
    public void close() {
        sampler.close();
        authenticator.close();
        try {
            server.stop();
        } catch (Exception e) {
            log.warn("console: stopping the server failed", e);
        }
    }

    /** Options of a console. */
    public static final class Builder {
        private final Sluice sluice;
        private final List<ConsoleQueue> queues = new ArrayList<>();
        private ConsoleAuth auth;
        private boolean insecureNoAuth;
        private String host = "0.0.0.0";
        private int port = ConsoleSettings.DEFAULT_PORT;
        private Duration sampleInterval = Duration.ofSeconds(15);
        private Clock clock = Clock.systemUTC();
        private OutcomeTotals outcomeTotals;

        private Builder(Sluice sluice) {
            this.sluice = Objects.requireNonNull(sluice, "sluice");
        }

        /** Shows the queue of {@code spec} under {@code name} (letters, digits, '.', '_', '-'). */
        public Builder queue(String name, QueueSpec spec) {
            queues.add(new ConsoleQueue(name, Objects.requireNonNull(spec, "spec")));
            return this;
        }

        /** Who may use the console. */
        public Builder auth(ConsoleAuth v) {
            auth = Objects.requireNonNull(v, "auth");
            return this;
        }

        /**
         * Lets anyone who reaches the console in as an operator. Off by default; when on, the console listens on
         * 127.0.0.1 only and logs a warning. For a laptop, never for a shared host.
         */
        public Builder insecureNoAuth(boolean v) {
            insecureNoAuth = v;
            return this;
        }

        /** The address to listen on (default 0.0.0.0; 127.0.0.1 with {@link #insecureNoAuth}). */
        public Builder host(String v) {
            host = Objects.requireNonNull(v, "host");
            return this;
        }

        /** The port (default {@value ConsoleSettings#DEFAULT_PORT}; 0: any free port, see {@link SluiceConsole#port()}). */
        public Builder port(int v) {
            if (v < 0 || v > 65535) throw new ConfigurationException("console port must be 0 to 65535, was " + v);
            port = v;
            return this;
        }

        /** How often the queues' depth is read for the charts (default 15 s; at least 1 s). */
        public Builder sampleInterval(Duration v) {
            if (v.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new ConfigurationException("console sampleInterval must be at least 1s, was " + v);
            }
            sampleInterval = v;
            return this;
        }

        /**
         * Where each queue's handled and failed totals come from (read alongside depth): the overview then shows
         * handled and failed per minute. With {@code sluice-micrometer}: {@code outcomeTotals(MicrometerTotals.of(metrics))}
         * with the {@code SluiceMetrics} registered on the console's {@code Sluice}. Default: none, no rates.
         */
        public Builder outcomeTotals(OutcomeTotals v) {
            outcomeTotals = Objects.requireNonNull(v, "outcomeTotals");
            return this;
        }

        /** The clock sessions, ID tokens, login throttling and samples are read against. */
        public Builder clock(Clock v) {
            clock = Objects.requireNonNull(v, "clock");
            return this;
        }

        /** Host, port and auth from {@code SLUICE_CONSOLE_*}. */
        public Builder settings(ConsoleSettings s) {
            host(s.host());
            port(s.port());
            ConsoleAuth.of(s).ifPresent(this::auth);
            insecureNoAuth(s.auth().orElse(null) == ConsoleSettings.Auth.NONE);
            return this;
        }

        /** Starts serving. Refuses without an auth mode (unless {@link #insecureNoAuth(boolean)}) or without a queue. */
        public SluiceConsole start() {
            if (auth == null && !insecureNoAuth) {
                throw new ConfigurationException("the console has no authentication: set SLUICE_CONSOLE_AUTH=token with"
                        + " SLUICE_CONSOLE_VIEWER_TOKEN / SLUICE_CONSOLE_OPERATOR_TOKEN, or SLUICE_CONSOLE_AUTH=oidc with"
                        + " SLUICE_CONSOLE_OIDC_*, or (on a laptop only) SLUICE_CONSOLE_AUTH=none; embedded: .auth(...) or"
                        + " .insecureNoAuth(true)");
            }
            if (auth != null && insecureNoAuth) {
                throw new ConfigurationException("the console has an auth mode and insecureNoAuth(true): choose one");
            }
            if (queues.isEmpty()) throw new ConfigurationException("the console has no queue to show: add one with queue(name, spec)");
            Set<String> names = new HashSet<>();
            for (ConsoleQueue q : queues) {
                if (!names.add(q.name())) throw new ConfigurationException("console queue name '" + q.name() + "' is used twice");
            }
            String bind = host;
            if (insecureNoAuth) {
                bind = "127.0.0.1";
                log.warn("console: authentication is OFF (insecureNoAuth / SLUICE_CONSOLE_AUTH=none): anyone on this machine"
                        + " is an operator; listening on 127.0.0.1 only");
            }
            Authenticator authenticator = insecureNoAuth ? Authenticator.none() : Authenticator.of(auth, clock);
            DepthSampler sampler = new DepthSampler(sluice, queues, sampleInterval, outcomeTotals, clock);
            QueuedThreadPool threads = new QueuedThreadPool(16, 2);
            threads.setName("sluice-console");
            Server server = new Server(threads);
            server.setStopTimeout(0);
            HttpConfiguration http = new HttpConfiguration();
            http.setSendServerVersion(false);
            http.setSendXPoweredBy(false);
            http.setRequestHeaderSize(16 * 1024);
            ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
            connector.setHost(bind.equals("0.0.0.0") ? null : bind);
            connector.setPort(port);
            connector.setIdleTimeout(30_000);
            server.addConnector(connector);
            server.setHandler(new ConsoleHandler(sluice, queues, authenticator, insecureNoAuth,
                    auth instanceof ConsoleAuth.Oidc, new Sessions(clock), sampler, sampleInterval, new LoginThrottle(clock), clock));
            SluiceConsole console = new SluiceConsole(server, connector, sampler, authenticator);
            try {
                server.start();
            } catch (Exception e) {
                console.close();
                throw new ConfigurationException("the console cannot listen on " + bind + ":" + port + ": " + e.getMessage());
            }
            log.info("console: serving {} queue(s) on http://{}:{}/ ({})", queues.size(), bind, console.port(),
                    insecureNoAuth ? "no authentication" : auth instanceof ConsoleAuth.Oidc ? "OIDC" : "bearer tokens");
            return console;
        }
    }
}
