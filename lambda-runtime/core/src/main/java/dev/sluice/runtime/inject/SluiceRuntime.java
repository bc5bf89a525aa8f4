package dev.sluice.runtime.inject;

import com.google.inject.CreationException;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.Module;
import com.google.inject.Stage;
import com.google.inject.TypeLiteral;
import com.google.inject.spi.Message;
import dev.sluice.ConfigurationException;
import dev.sluice.Interceptor;
import dev.sluice.Redaction;
import dev.sluice.Router;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.sluice.core.Sluice;
import dev.sluice.interceptor.LoggingInterceptor;
import dev.sluice.observe.JsonLogListener;
import dev.sluice.pipeline.Pipeline;
import dev.sluice.runtime.config.QueueConfig;
import dev.sluice.runtime.config.RuntimeConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The application as every host runs it, built once per process (per cold start): the {@link Sluice}, one
 * Guice injector from the {@link SluiceModule} and the application's modules, the router of the bound
 * handlers, and one {@link Pipeline} per configured queue, each queue opened and checked against its
 * broker. Whatever is wrong stops {@link #start} with one message that says what to change.
 */
public final class SluiceRuntime implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SluiceRuntime.class);

    private final RuntimeConfig config;
    private final Sluice sluice;
    private final Injector injector;
    private final Map<String, Pipeline> pipelines;
    private final Router router;
    private final List<Interceptor> interceptors;

    private SluiceRuntime(RuntimeConfig config, Sluice sluice, Injector injector, Map<String, Pipeline> pipelines,
                          Router router, List<Interceptor> interceptors) {
        this.config = config;
        this.sluice = sluice;
        this.injector = injector;
        this.pipelines = pipelines;
        this.router = router;
        this.interceptors = interceptors;
    }

    /** Starts from the process's configuration ({@link RuntimeConfig#load()}). */
    public static SluiceRuntime start() {
        return start(RuntimeConfig.load(), Sluice.builder(), List.of());
    }

    /** Starts from {@code config}, with the modules it names. */
    public static SluiceRuntime start(RuntimeConfig config) {
        return start(config, Sluice.builder(), List.of());
    }

    /**
     * Starts from {@code config} with a prepared {@link Sluice.Builder} (a test's clock, extra drivers) and
     * modules in addition to those {@code config} names.
     */
    public static SluiceRuntime start(RuntimeConfig config, Sluice.Builder sluiceBuilder, List<Module> extraModules) {
        List<Module> modules = new ArrayList<>(ModuleLoader.load(config.modules(), classLoader()));
        modules.addAll(extraModules);
        if (config.logs().json()) {
            JsonLogListener.Builder logs = JsonLogListener.builder();
            config.logs().gcpProject().ifPresent(logs::gcpProject);
            sluiceBuilder.listener(logs.build());
        }
        config.keys().ifPresent(sluiceBuilder::keyProvider);
        for (QueueConfig q : config.queues()) {
            if (q.encrypted()) sluiceBuilder.encrypted(q.spec().uri().toString());
        }
        Sluice sluice = sluiceBuilder.build();
        try {
            openQueues(config, sluice);
            Injector injector = injector(config, sluice, modules);
            Router router = HandlerRouter.build(injector, config);
            List<Interceptor> bound = List.copyOf(injector.getInstance(Key.get(new TypeLiteral<Set<Interceptor>>() { })));
            Map<String, Pipeline> pipelines = new LinkedHashMap<>();
            for (QueueConfig q : config.queues()) {
                List<Interceptor> chain = new ArrayList<>();
                chain.add(new LoggingInterceptor(Redaction.uri(q.spec().uri())));
                chain.addAll(bound);
                pipelines.put(q.name(), sluice.pipeline(q.spec(), router, chain));
                log.info("queue {} on {}: {} handler slots, handling {}", q.name(), q.spec().uri(), q.spec().concurrency(),
                        router.types().stream().sorted().toList());
            }
            return new SluiceRuntime(config, sluice, injector, pipelines, router, bound);
        } catch (RuntimeException | Error e) {
            sluice.close();
            throw e;
        }
    }

    /** Opens every queue (driver, capability check, provisioning) before anything else depends on it. */
    private static void openQueues(RuntimeConfig config, Sluice sluice) {
        List<String> problems = new ArrayList<>();
        for (QueueConfig q : config.queues()) {
            try {
                sluice.open(q.spec());
            } catch (ConfigurationException e) {
                problems.add("queue '" + q.name() + "' (" + q.variable("URI") + "=" + Redaction.uri(q.spec().uri()) + "): " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException("the configured queues cannot be opened:\n  - " + String.join("\n  - ", problems));
        }
    }

    private static Injector injector(RuntimeConfig config, Sluice sluice, List<Module> modules) {
        List<Module> all = new ArrayList<>();
        all.add(new SluiceModule(config, sluice));
        all.addAll(modules);
        try {
            return Guice.createInjector(Stage.PRODUCTION, all);
        } catch (CreationException e) {
            String messages = e.getErrorMessages().stream().map(Message::getMessage)
                    .collect(Collectors.joining("\n  - "));
            throw new ConfigurationException("the application's Guice modules " + config.modules()
                    + " cannot be assembled:\n  - " + messages, e);
        }
    }

    private static ClassLoader classLoader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : SluiceRuntime.class.getClassLoader();
    }

    public RuntimeConfig config() {
        return config;
    }

    public Sluice sluice() {
        return sluice;
    }

    public Injector injector() {
        return injector;
    }

    /** The handlers by event type, as the application's modules bound them. */
    public Router router() {
        return router;
    }

    /** The interceptors the application's modules bound (the hosts add logging outermost). */
    public List<Interceptor> interceptors() {
        return interceptors;
    }

    /** The pipelines by logical queue name, in configuration order. */
    public Map<String, Pipeline> pipelines() {
        return java.util.Collections.unmodifiableMap(pipelines);
    }

    /** The pipeline of the queue named {@code name}. */
    public Optional<Pipeline> pipeline(String name) {
        return config.queue(name).map(q -> pipelines.get(q.name()));
    }

    /** Closes the {@link Sluice} (flushing publishers, closing drivers). */
    @Override
    public void close() {
        sluice.close();
    }
}
