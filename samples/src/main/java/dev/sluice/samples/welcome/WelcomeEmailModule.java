package dev.sluice.samples.welcome;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import dev.sluice.runtime.inject.SluiceHandlers;
import java.util.Random;

/**
 * The welcome e-mail for the function runtime (AWS Lambda, Cloud Run, or the standalone poller): binds the
 * {@code send-welcome-email} handler and its mailer. Name it in {@code SLUICE_MODULES}; the queue comes from
 * {@code SLUICE_QUEUE_WELCOME_EMAIL_*} (the Terraform examples set both).
 *
 * <p>The mailer bound here is the sample's {@link SimulatedMailer}: replace {@link #mailer()} with your SMTP
 * or mail API client to send real e-mail.
 */
public final class WelcomeEmailModule extends AbstractModule {

    @Override
    protected void configure() {
        SluiceHandlers.bind(binder()).on(WelcomeEmailSample.TYPE, SignUp.class).to(WelcomeEmailHandler.class);
    }

    /** The mail client: one per process. */
    @Provides
    @Singleton
    Mailer mailer() {
        return new SimulatedMailer(new Random(), 0.10);
    }
}
