package dev.sluice.samples.orders;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Sends e-mails and text messages; the sample keeps them in a list. */
public final class Notifier {

    /** A message sent. */
    public record Message(String channel, String to, String text) {
    }

    private final List<Message> sent = new CopyOnWriteArrayList<>();

    public void send(String channel, String to, String text) {
        sent.add(new Message(channel, to, text));
    }

    /** Everything sent, in order. */
    public List<Message> sent() {
        return List.copyOf(sent);
    }

    /** How many messages went out on {@code channel}. */
    public long count(String channel) {
        return sent.stream().filter(m -> m.channel().equals(channel)).count();
    }
}
