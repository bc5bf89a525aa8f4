package dev.sluice.samples.welcome;

/** Sends e-mail. The sample uses {@link SimulatedMailer}; an application binds its SMTP or API client. */
public interface Mailer {

    /**
     * Sends one message.
     *
     * @throws MailException when the mail server refuses it (the job is retried)
     * @throws InterruptedException when the worker stops while the server has not answered
     */
    void send(String to, String subject, String body) throws MailException, InterruptedException;
}
