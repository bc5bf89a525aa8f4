package dev.sluice.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ReturnListener;
import com.rabbitmq.client.ShutdownSignalException;
import dev.sluice.ErrorCode;
import dev.sluice.spi.DriverError;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * A channel in confirm mode: a publish completes when the broker confirmed it (the message is in the queue, on a
 * quorum queue replicated to a majority), fails when the broker nacked it, returned it as unroutable (the queue is
 * missing; every publish is {@code mandatory}), or when the channel went down before the confirm came. One per
 * driver, opened on the first send; it recovers with its connection (then the sequence numbers start again).
 */
final class ConfirmedPublisher {
    /** What became of one publish: null on success. */
    record Pending(String messageId, String routingKey, CompletableFuture<DriverError> result, String[] returned) {
    }

    private final Connection connection;
    private final RabbitAddress address;
    private final ConcurrentNavigableMap<Long, Pending> pending = new ConcurrentSkipListMap<>();
    private final Map<String, Pending> byMessageId = new ConcurrentHashMap<>();
    private Channel channel;

    ConfirmedPublisher(Connection connection, RabbitAddress address) {
        this.connection = connection;
        this.address = address;
    }

    /** One message to publish to the default exchange. */
    record Publish(String routingKey, AMQP.BasicProperties properties, byte[] body) {
    }

    /** Publishes in order; returns one future per message: null when confirmed, else the error. */
    synchronized List<CompletableFuture<DriverError>> publish(List<Publish> batch) throws IOException {
        Channel ch = channel();
        List<CompletableFuture<DriverError>> results = new java.util.ArrayList<>(batch.size());
        for (Publish p : batch) {
            Pending entry = new Pending(p.properties().getMessageId(), p.routingKey(), new CompletableFuture<>(), new String[1]);
            long seq = ch.getNextPublishSeqNo();
            pending.put(seq, entry);
            if (entry.messageId() != null) byMessageId.put(entry.messageId(), entry);
            try {
                ch.basicPublish("", p.routingKey(), true, p.properties(), p.body());
            } catch (IOException | RuntimeException e) {
                pending.remove(seq);
                forget(entry);
                DriverError error = RabbitErrors.error(e, "publish", address);
                entry.result().complete(error);
                results.add(entry.result());
                for (int i = results.size(); i < batch.size(); i++) results.add(CompletableFuture.completedFuture(error));
                return results;
            }
            results.add(entry.result());
        }
        return results;
    }

    private Channel channel() throws IOException {
        if (channel != null && channel.isOpen()) return channel;
        if (channel != null) failAll("the channel closed before the broker confirmed the message; it may or may not be"
                + " in the queue (sent again, it may arrive twice)");
        Channel ch = connection.createChannel();
        ch.confirmSelect();
        ch.addConfirmListener(new ConfirmListener() {
            @Override
            public void handleAck(long seq, boolean multiple) {
                settle(seq, multiple, null);
            }

            @Override
            public void handleNack(long seq, boolean multiple) {
                settle(seq, multiple, new DriverError(ErrorCode.UNAVAILABLE, address.describe() + " did not take the"
                        + " message (basic.nack: the queue is over its length limit, or the broker failed to store it)"));
            }
        });
        ch.addReturnListener((ReturnListener) (replyCode, replyText, exchange, routingKey, properties, body) -> {
            Pending p = properties.getMessageId() == null ? null : byMessageId.get(properties.getMessageId());
            if (p != null) p.returned()[0] = replyCode + " " + replyText;
        });
        ch.addShutdownListener(this::channelDown);
        channel = ch;
        return ch;
    }

    private void settle(long seq, boolean multiple, DriverError nacked) {
        ConcurrentNavigableMap<Long, Pending> done = multiple ? pending.headMap(seq, true) : pending.subMap(seq, true, seq, true);
        for (var it = done.entrySet().iterator(); it.hasNext(); ) {
            Pending p = it.next().getValue();
            it.remove();
            forget(p);
            String returned = p.returned()[0];
            if (nacked != null) {
                p.result().complete(nacked);
            } else if (returned != null) {
                boolean noRoute = returned.startsWith(AMQP.NO_ROUTE + " ");
                p.result().complete(new DriverError(noRoute ? ErrorCode.NOT_FOUND : ErrorCode.INVALID,
                        address.describe(p.routingKey()) + (noRoute ? " does not exist: the broker returned the message ("
                        + returned + "); let Sluice create the queue (QueueSpec provisioning CREATE_IF_MISSING) or check"
                        + " the name and the vhost" : " returned the message: " + returned)));
            } else {
                p.result().complete(null);
            }
        }
    }

    private void channelDown(ShutdownSignalException cause) {
        failAll("the channel closed before the broker confirmed the message (" + RabbitErrors.said(cause) + "); it may"
                + " or may not be in the queue (sent again, it may arrive twice)");
    }

    private void failAll(String why) {
        DriverError error = new DriverError(ErrorCode.UNAVAILABLE, "publish to " + address.describe() + ": " + why);
        for (var it = pending.entrySet().iterator(); it.hasNext(); ) {
            Pending p = it.next().getValue();
            it.remove();
            forget(p);
            p.result().complete(error);
        }
    }

    private void forget(Pending p) {
        if (p.messageId() != null) byMessageId.remove(p.messageId(), p);
    }

    synchronized void close() {
        if (channel != null && channel.isOpen()) {
            try {
                channel.close();
            } catch (Exception ignored) {
                // the connection is going away too
            }
        }
        failAll("the driver closed");
    }
}
