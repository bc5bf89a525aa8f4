package dev.sluice.rabbitmq;

import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.sluice.ErrorCode;
import dev.sluice.QueueSpec;
import dev.sluice.SluiceException;
import dev.sluice.spi.DriverContext;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Declares a queue and its dead-letter queue as a {@link QueueSpec} asks, and reports contradictions as sentences.
 * Both are durable quorum queues. The queue's arguments:
 * <ul>
 *   <li>{@code x-queue-type=quorum};</li>
 *   <li>{@code x-delivery-limit = maxDeliveryAttempts}: the backstop for a message whose workers die on it (a lost
 *       channel returns it, and the quorum queue counts the return); Sluice dead-letters a message itself, with
 *       its reason, on its last attempt, so the broker only moves one that could never finish an attempt;</li>
 *   <li>{@code x-dead-letter-exchange=""} (the default exchange), {@code x-dead-letter-routing-key=<dlq>},
 *       {@code x-dead-letter-strategy=at-least-once} with {@code x-overflow=reject-publish} (which at-least-once
 *       dead-lettering requires): where the broker moves such a message.</li>
 * </ul>
 * RabbitMQ does not let a client read a queue's arguments over AMQP; declaring a queue that exists with other
 * arguments fails with {@code 406 PRECONDITION_FAILED}, whose text names the argument: that is the check.
 */
final class RabbitProvisioner {
    private static final Logger log = LoggerFactory.getLogger(RabbitProvisioner.class);

    private final Connection connection;
    private final RabbitAddress address;
    private final DriverContext context;

    RabbitProvisioner(Connection connection, RabbitAddress address, DriverContext context) {
        this.connection = connection;
        this.address = address;
        this.context = context;
    }

    List<String> provision(QueueSpec spec, URI deadLetterUri) {
        if (spec.provisioning() == QueueSpec.Provisioning.NONE) return List.of();
        String dlq = sameVhostQueue(deadLetterUri);
        if (dlq == null) {
            log.info("{}: the dead-letter queue {} is not a queue of the same vhost, so the broker gets no dead-letter"
                    + " route (Sluice still dead-letters there itself)", address.describe(), deadLetterUri);
        }
        List<String> mismatches = new ArrayList<>();
        boolean create = spec.provisioning() == QueueSpec.Provisioning.CREATE_IF_MISSING;
        if (dlq != null) check(dlq, quorum(), create, mismatches);
        check(address.queue(), queueArguments(spec.maxDeliveryAttempts(), dlq), create, mismatches);
        return mismatches;
    }

    /** The arguments of the work queue. */
    static Map<String, Object> queueArguments(int maxDeliveryAttempts, String dlq) {
        Map<String, Object> args = quorum();
        args.put("x-delivery-limit", maxDeliveryAttempts);
        if (dlq != null) deadLetterTo(args, dlq);
        return args;
    }

    /** The arguments of a retry queue: wait {@code ttlMs}, then dead-letter back to {@code queue}. */
    static Map<String, Object> retryArguments(String queue, long ttlMs) {
        Map<String, Object> args = quorum();
        args.put("x-message-ttl", (int) ttlMs);
        deadLetterTo(args, queue);
        return args;
    }

    static Map<String, Object> quorum() {
        Map<String, Object> args = new HashMap<>();
        args.put("x-queue-type", "quorum");
        return args;
    }

    private static void deadLetterTo(Map<String, Object> args, String target) {
        args.put("x-dead-letter-exchange", "");
        args.put("x-dead-letter-routing-key", target);
        args.put("x-dead-letter-strategy", "at-least-once");
        args.put("x-overflow", "reject-publish");
    }

    /** Declares {@code name} (create) or checks it exists with these arguments (verify); a contradiction is a sentence. */
    private void check(String name, Map<String, Object> args, boolean create, List<String> mismatches) {
        if (!create && !exists(name)) {
            mismatches.add(address.describe(name) + " does not exist (provisioning VERIFY creates nothing)");
            return;
        }
        String problem = declare(name, args);
        if (problem != null) mismatches.add(problem);
    }

    /** Declares a durable queue; null when it now exists with these arguments, else the broker's sentence. */
    String declare(String name, Map<String, Object> args) {
        try (Channel ch = connection.createChannel()) {
            ch.queueDeclare(name, true, false, false, args);
            return null;
        } catch (IOException | AlreadyClosedException e) {
            if (RabbitErrors.code(e) == ErrorCode.INVALID) {
                return address.describe(name) + " exists with other arguments than Sluice declares (" + RabbitErrors.said(e)
                        + "); delete it, or make its arguments match: " + args;
            }
            throw RabbitErrors.exception(e, "declare queue '" + name + "'", address);
        } catch (TimeoutException e) {
            throw RabbitErrors.exception(e, "declare queue '" + name + "'", address);
        }
    }

    private boolean exists(String name) {
        return ready(name).isPresent();
    }

    /** The messages ready in queue {@code name} (a passive declare), or empty when there is no such queue. */
    OptionalLong ready(String name) {
        try (Channel ch = connection.createChannel()) {
            return OptionalLong.of(ch.queueDeclarePassive(name).getMessageCount());
        } catch (IOException | AlreadyClosedException e) {
            if (RabbitErrors.code(e) == ErrorCode.NOT_FOUND) return OptionalLong.empty();
            throw RabbitErrors.exception(e, "check queue '" + name + "'", address);
        } catch (TimeoutException e) {
            throw RabbitErrors.exception(e, "check queue '" + name + "'", address);
        }
    }

    /** The queue name of an {@code amqp(s)://} URI on the same broker and vhost, else null. */
    private String sameVhostQueue(URI uri) {
        if (uri == null || !("amqp".equals(uri.getScheme()) || "amqps".equals(uri.getScheme()))) return null;
        RabbitAddress other;
        try {
            other = RabbitAddress.parse(uri, context);
        } catch (SluiceException e) {
            return null;
        }
        boolean same = other.host().equals(address.host()) && other.port() == address.port()
                && other.vhost().equals(address.vhost());
        return same ? other.queue() : null;
    }
}
