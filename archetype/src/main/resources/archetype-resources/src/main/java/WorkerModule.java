package ${package};

import com.google.inject.AbstractModule;
import dev.sluice.runtime.inject.SluiceHandlers;
import org.slf4j.LoggerFactory;

/**
 * The application for every host (poller, AWS Lambda, Cloud Run): name it in
 * {@code SLUICE_MODULES=${package}.WorkerModule}.
 */
public final class WorkerModule extends AbstractModule {
    @Override
    protected void configure() {
        bind(Mailer.class).toInstance((to, subject) ->
                LoggerFactory.getLogger(Mailer.class).info("to {}: {}", to, subject));   // your mail client here
        SluiceHandlers.bind(binder()).on(WelcomeHandler.TYPE, SignUp.class).to(WelcomeHandler.class);
    }
}
