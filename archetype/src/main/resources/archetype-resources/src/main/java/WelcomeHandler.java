package ${package};

import dev.sluice.DataHandler;
import dev.sluice.Delivery;
import dev.sluice.PermanentFailureException;
import jakarta.inject.Inject;

/**
 * Handles {@code send-welcome-email}. Returning acknowledges the event; throwing retries it with backoff;
 * {@link PermanentFailureException} sends it to the dead-letter queue at once.
 */
public final class WelcomeHandler implements DataHandler<SignUp> {
    public static final String TYPE = "send-welcome-email";

    private final Mailer mailer;

    @Inject
    public WelcomeHandler(Mailer mailer) {
        this.mailer = mailer;
    }

    @Override
    public void handle(SignUp signUp, Delivery delivery) throws Exception {
        if (signUp.email() == null || !signUp.email().contains("@")) {
            throw new PermanentFailureException("not an e-mail address: '" + signUp.email() + "'");
        }
        mailer.send(signUp.email(), "Welcome, " + signUp.name() + "!");
    }
}
