package dev.sluice.pubsub;

import com.google.api.gax.rpc.StatusCode;
import com.google.pubsub.v1.DeadLetterPolicy;
import com.google.pubsub.v1.Subscription;
import com.google.pubsub.v1.Topic;
import dev.sluice.ConfigurationException;
import dev.sluice.QueueSpec;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes a topic, its subscription and the dead-letter topic (with a subscription of its own, so dead
 * letters are kept) match a {@link QueueSpec}, and says in sentences how existing ones contradict it.
 * Existing resources are never changed: they belong to whoever made them (Terraform, a console user).
 *
 * <p>The subscription gets no Pub/Sub {@code RetryPolicy}. A worker pulls, and applies the spec's
 * {@link dev.sluice.RetryPolicy} itself by setting the failed message's ack deadline to the retry delay;
 * Pub/Sub applies a subscription's retry policy <em>after</em> that deadline passes, so having both would add
 * the two backoffs. A push subscription (the Cloud Run host's, which Terraform makes) is different: Pub/Sub's
 * retry policy is the only backoff a push gets, so there it is expected, not a contradiction.
 */
final class PubSubProvisioner {
    private final PubSubAddress address;
    private final PubSubClients clients;

    PubSubProvisioner(PubSubAddress address, PubSubClients clients) {
        this.address = address;
        this.clients = clients;
    }

    List<String> provision(QueueSpec spec, URI deadLetterUri) {
        PubSubAddress dlq = PubSubAddress.parse(deadLetterUri);
        int attempts = spec.maxDeliveryAttempts();
        if (attempts < PubSubLimits.MIN_ATTEMPTS || attempts > PubSubLimits.MAX_ATTEMPTS) {
            throw new ConfigurationException("queue " + spec.uri() + ": maxDeliveryAttempts is " + attempts
                    + "; a Pub/Sub dead-letter policy accepts " + PubSubLimits.MIN_ATTEMPTS + ".." + PubSubLimits.MAX_ATTEMPTS);
        }
        int ackDeadline = ackDeadlineSeconds(spec);
        String subscription = address.subscriptionName();
        boolean create = spec.provisioning() == QueueSpec.Provisioning.CREATE_IF_MISSING;
        List<String> problems = new ArrayList<>();

        topic(address.topicName(), create, problems);
        topic(dlq.topicName(), create, problems);
        String dlqSubscription = "projects/" + dlq.project() + "/subscriptions/"
                + (dlq.subscription() != null ? dlq.subscription() : dlq.topic());
        Subscription keeper = Subscription.newBuilder().setName(dlqSubscription).setTopic(dlq.topicName())
                .setAckDeadlineSeconds(60).build();
        Subscription existingKeeper = subscription(keeper, create, problems, "dead-letter subscription");
        if (existingKeeper != null && !existingKeeper.getTopic().equals(dlq.topicName())) {
            problems.add("dead-letter subscription " + dlqSubscription + " reads topic " + existingKeeper.getTopic()
                    + ", not the dead-letter topic " + dlq.topicName() + ", so dead letters would not be kept");
        }

        Subscription wanted = Subscription.newBuilder()
                .setName(subscription)
                .setTopic(address.topicName())
                .setAckDeadlineSeconds(ackDeadline)
                .setEnableMessageOrdering(spec.ordering())
                .setDeadLetterPolicy(DeadLetterPolicy.newBuilder().setDeadLetterTopic(dlq.topicName())
                        .setMaxDeliveryAttempts(attempts))
                .build();
        Subscription existing = subscription(wanted, create, problems, "subscription");
        if (existing != null) compare(existing, wanted, spec, problems);
        return problems;
    }

    /** The ack deadline for the spec's lease: whole seconds within Pub/Sub's 10..600, or a start-up error. */
    static int ackDeadlineSeconds(QueueSpec spec) {
        Duration lease = spec.lease();
        if (lease.compareTo(PubSubLimits.MIN_ACK_DEADLINE) < 0 || lease.compareTo(PubSubLimits.MAX_ACK_DEADLINE) > 0) {
            throw new ConfigurationException("queue " + spec.uri() + ": lease is " + lease.toSeconds()
                    + "s; a Pub/Sub ack deadline is 10..600s");
        }
        return (int) (lease.toSeconds() + (lease.toNanosPart() > 0 ? 1 : 0));
    }

    private void topic(String name, boolean create, List<String> problems) {
        try {
            clients.topicAdmin().getTopic(name);
            return;
        } catch (RuntimeException e) {
            if (PubSubErrors.status(e) != StatusCode.Code.NOT_FOUND) throw PubSubErrors.wrap("get topic " + name, e);
        }
        if (!create) {
            problems.add("topic " + name + " does not exist (provisioning is " + QueueSpec.Provisioning.VERIFY
                    + ", so Sluice does not create it)");
            return;
        }
        try {
            clients.topicAdmin().createTopic(Topic.newBuilder().setName(name).build());
        } catch (RuntimeException e) {
            if (PubSubErrors.status(e) != StatusCode.Code.ALREADY_EXISTS) throw PubSubErrors.wrap("create topic " + name, e);
        }
    }

    /** The existing subscription, or null when it was created now (or is missing, which is then a problem). */
    private Subscription subscription(Subscription wanted, boolean create, List<String> problems, String what) {
        String name = wanted.getName();
        try {
            return clients.subscriptionAdmin().getSubscription(name);
        } catch (RuntimeException e) {
            if (PubSubErrors.status(e) != StatusCode.Code.NOT_FOUND) throw PubSubErrors.wrap("get subscription " + name, e);
        }
        if (!create) {
            problems.add(what + " " + name + " does not exist (provisioning is " + QueueSpec.Provisioning.VERIFY
                    + ", so Sluice does not create it)");
            return null;
        }
        try {
            clients.subscriptionAdmin().createSubscription(wanted);
            return null;
        } catch (RuntimeException e) {
            if (PubSubErrors.status(e) == StatusCode.Code.ALREADY_EXISTS) {
                return clients.subscriptionAdmin().getSubscription(name);
            }
            throw PubSubErrors.wrap("create " + what + " " + name, e);
        }
    }

    private static void compare(Subscription have, Subscription want, QueueSpec spec, List<String> problems) {
        String name = "subscription " + have.getName();
        if (!have.getTopic().equals(want.getTopic())) {
            problems.add(name + " reads topic " + have.getTopic() + ", not " + want.getTopic());
        }
        if (!have.hasDeadLetterPolicy() || have.getDeadLetterPolicy().getDeadLetterTopic().isEmpty()) {
            problems.add(name + " has no dead-letter policy, so Pub/Sub neither counts delivery attempts nor"
                    + " dead-letters after maxDeliveryAttempts=" + spec.maxDeliveryAttempts()
                    + "; give it one with dead_letter_topic=" + want.getDeadLetterPolicy().getDeadLetterTopic()
                    + " and max_delivery_attempts=" + spec.maxDeliveryAttempts());
        } else {
            DeadLetterPolicy dl = have.getDeadLetterPolicy();
            int maxAttempts = dl.getMaxDeliveryAttempts() == 0 ? 5 : dl.getMaxDeliveryAttempts();
            if (maxAttempts != spec.maxDeliveryAttempts()) {
                problems.add(name + " dead-letters after " + maxAttempts + " delivery attempts, but the spec says "
                        + spec.maxDeliveryAttempts());
            }
            if (!dl.getDeadLetterTopic().equals(want.getDeadLetterPolicy().getDeadLetterTopic())) {
                problems.add(name + " dead-letters to " + dl.getDeadLetterTopic() + ", but the spec's dead-letter queue is "
                        + want.getDeadLetterPolicy().getDeadLetterTopic());
            }
        }
        if (spec.ordering() && !have.getEnableMessageOrdering()) {
            problems.add(name + " has message ordering off, but the spec asks for ordering; Pub/Sub cannot turn it"
                    + " on for an existing subscription, so create a new one with enable_message_ordering");
        }
        if (have.getAckDeadlineSeconds() != want.getAckDeadlineSeconds()) {
            problems.add(name + " has an ack deadline of " + have.getAckDeadlineSeconds() + "s, but the spec's lease is "
                    + want.getAckDeadlineSeconds() + "s");
        }
        if (!pushes(have) && have.hasRetryPolicy() && (positive(have.getRetryPolicy().getMinimumBackoff())
                || positive(have.getRetryPolicy().getMaximumBackoff()))) {
            problems.add(name + " has a retry policy (backoff " + seconds(have.getRetryPolicy().getMinimumBackoff())
                    + " to " + seconds(have.getRetryPolicy().getMaximumBackoff()) + "), which Pub/Sub adds to the delay"
                    + " the worker already applies through the ack deadline for the spec's retry policy; remove it"
                    + " from subscriptions a Sluice worker pulls from");
        }
    }

    /** A subscription Pub/Sub pushes from: its retry policy is the backoff, not an addition to Sluice's. */
    private static boolean pushes(Subscription subscription) {
        return !subscription.getPushConfig().getPushEndpoint().isEmpty();
    }

    private static boolean positive(com.google.protobuf.Duration d) {
        return d.getSeconds() > 0 || d.getNanos() > 0;
    }

    private static String seconds(com.google.protobuf.Duration d) {
        return Duration.ofSeconds(d.getSeconds(), d.getNanos()).toString().substring(2).toLowerCase();
    }
}
