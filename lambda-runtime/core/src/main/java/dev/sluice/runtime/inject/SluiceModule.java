package dev.sluice.runtime.inject;

import com.google.inject.AbstractModule;
import com.google.inject.Provider;
import com.google.inject.Scopes;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.name.Names;
import dev.sluice.Interceptor;
import dev.sluice.Publisher;
import dev.sluice.core.Sluice;
import dev.sluice.runtime.config.QueueConfig;
import dev.sluice.runtime.config.RuntimeConfig;
import java.util.Objects;

/**
 * What the runtime offers an application's modules: the {@link RuntimeConfig}, the {@link Sluice}, and a
 * {@link Publisher} per configured queue, as {@code @Named("<queue name>") Publisher}; when exactly one
 * queue is configured, also as plain {@code Publisher}. Publish to any other queue through
 * {@code sluice.publisher(uri)}.
 */
public final class SluiceModule extends AbstractModule {
    private final RuntimeConfig config;
    private final Sluice sluice;

    public SluiceModule(RuntimeConfig config, Sluice sluice) {
        this.config = Objects.requireNonNull(config, "config");
        this.sluice = Objects.requireNonNull(sluice, "sluice");
    }

    @Override
    protected void configure() {
        bind(RuntimeConfig.class).toInstance(config);
        bind(Sluice.class).toInstance(sluice);
        Multibinder.newSetBinder(binder(), HandlerBinding.class);
        Multibinder.newSetBinder(binder(), Interceptor.class);
        for (QueueConfig q : config.queues()) {
            bind(Publisher.class).annotatedWith(Names.named(q.name())).toProvider(publisher(q)).in(Scopes.SINGLETON);
        }
        if (config.queues().size() == 1) {
            bind(Publisher.class).toProvider(publisher(config.queues().get(0))).in(Scopes.SINGLETON);
        }
    }

    private Provider<Publisher> publisher(QueueConfig q) {
        return () -> sluice.publisher(q.spec().uri());
    }
}
