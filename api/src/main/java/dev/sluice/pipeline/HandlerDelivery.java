package dev.sluice.pipeline;

import dev.sluice.Delivery;
import dev.sluice.Events;
import dev.sluice.PublishOptions;
import dev.sluice.Publisher;
import dev.sluice.spi.InboundMessage;
import io.cloudevents.CloudEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/** The {@link Delivery} a handler gets: one message, its follow-ups, its lease. */
final class HandlerDelivery implements Delivery {
    private final CloudEvent event;
    private final InboundMessage message;
    private final String queue;
    private final Events events;
    private final Publisher followUpPublisher;
    private final Predicate<Duration> leaseExtender;
    private final OptionalInt attempt;
    private final List<FollowUp> followUps = new ArrayList<>();

    HandlerDelivery(CloudEvent event, InboundMessage message, String queue, Events events, Publisher followUpPublisher,
                    Predicate<Duration> leaseExtender, OptionalInt attempt) {
        this.event = event;
        this.message = message;
        this.queue = queue;
        this.events = events;
        this.followUpPublisher = followUpPublisher;
        this.leaseExtender = leaseExtender;
        this.attempt = attempt;
    }

    @Override
    public CloudEvent event() {
        return event;
    }

    @Override
    public String queue() {
        return queue;
    }

    @Override
    public String messageId() {
        return message.messageId();
    }

    @Override
    public OptionalInt attempt() {
        return attempt;
    }

    @Override
    public <T> T data(Class<T> type) {
        return events.bind(event, type);
    }

    @Override
    public void emit(CloudEvent e, PublishOptions options) {
        emit(followUpPublisher, e, options);
    }

    @Override
    public void emit(String type, Object data) {
        CloudEvent followUp;
        synchronized (this) {
            followUp = events.followUp(event, followUps.size(), type, data);
        }
        emit(followUpPublisher, followUp, PublishOptions.NONE);
    }

    @Override
    public synchronized void emit(Publisher publisher, CloudEvent e, PublishOptions options) {
        Objects.requireNonNull(publisher, "publisher");
        Objects.requireNonNull(e, "event");
        followUps.add(new FollowUp(publisher, e, options == null ? PublishOptions.NONE : options));
    }

    @Override
    public boolean extendLease(Duration duration) {
        return leaseExtender.test(Objects.requireNonNull(duration, "duration"));
    }

    /** The message as the broker delivered it. */
    InboundMessage message() {
        return message;
    }

    @Override
    public <T> Optional<T> unwrap(Class<T> type) {
        return message.unwrap(type);
    }

    /** Publishes every follow-up and waits until all are sent; throws the first failure. */
    void publishFollowUps() {
        List<FollowUp> toSend;
        synchronized (this) {
            toSend = List.copyOf(followUps);
        }
        if (toSend.isEmpty()) return;
        List<CompletableFuture<?>> sends = new ArrayList<>(toSend.size());
        for (FollowUp f : toSend) sends.add(f.publisher().publish(f.event(), f.options()));
        CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).join();
    }
}
