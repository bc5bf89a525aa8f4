package dev.sluice.samples.welcome;

import dev.sluice.DataHandler;
import dev.sluice.Delivery;
import dev.sluice.PermanentFailureException;
import jakarta.inject.Inject;
import java.util.regex.Pattern;

/**
 * Handles {@code send-welcome-email}: sends the welcome e-mail. The whole contract in three lines:
 * returning acks the job; a {@link MailException} (the server said "later") retries it with backoff; a
 * {@link PermanentFailureException} (an address no retry will fix) sends it to the dead-letter queue at once.
 */
public final class WelcomeEmailHandler implements DataHandler<SignUp> {
    private static final Pattern ADDRESS = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");

    private final Mailer mailer;

    /** Guice calls this in the function runtime ({@link WelcomeEmailModule}); a plain main calls it itself. */
    @Inject
    public WelcomeEmailHandler(Mailer mailer) {
        this.mailer = mailer;
    }

    @Override
    public void handle(SignUp signUp, Delivery delivery) throws MailException, InterruptedException {
        if (signUp.email() == null || !ADDRESS.matcher(signUp.email()).matches()) {
            throw new PermanentFailureException("not an e-mail address: '" + signUp.email() + "'");
        }
        String name = signUp.displayName() == null || signUp.displayName().isBlank() ? "there" : signUp.displayName();
        mailer.send(signUp.email(), "Welcome, " + name + "!",
                "Hi " + name + ",\n\nthanks for signing up. Your account is ready.\n");
    }
}
