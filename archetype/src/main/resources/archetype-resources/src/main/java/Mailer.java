package ${package};

/** Sends e-mail; bind your mail client in {@link WorkerModule}. */
public interface Mailer {
    void send(String to, String subject) throws Exception;
}
