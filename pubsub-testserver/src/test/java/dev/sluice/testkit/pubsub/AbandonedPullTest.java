package dev.sluice.testkit.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.pubsub.v1.DeadLetterPolicy;
import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.ReceivedMessage;
import com.google.pubsub.v1.Subscription;
import io.grpc.Deadline;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A unary pull the client has given up on: the client stops waiting at its deadline and the server hears of
 * it a moment later (its own deadline timer, or the client's cancel). Messages that become available in that
 * moment must not be leased to the abandoned pull, where they would be out with nobody for a whole ack
 * deadline; they wait for the next pull. (Seen as a conformance case whose nacked message, redelivered
 * exactly as a 200 ms pull timed out, never came back on the virtual clock.)
 */
class AbandonedPullTest {
    private final ManualTimeSource time = new ManualTimeSource();
    private final SubscriptionState subscription = new SubscriptionState(Subscription.newBuilder()
            .setName("projects/p/subscriptions/s").setTopic("projects/p/topics/t").setAckDeadlineSeconds(30)
            .setDeadLetterPolicy(DeadLetterPolicy.newBuilder().setDeadLetterTopic("projects/p/topics/d")
                    .setMaxDeliveryAttempts(5))
            .build(), time, (topic, message) -> { });

    @Test
    void aPullWithinTheMarginOfItsDeadlineIsNotGivenMessages() {
        List<ReceivedMessage> toAbandoned = new ArrayList<>();
        subscription.pullOrWait(10, Deadline.after(SubscriptionState.PULL_DEADLINE_MARGIN.toMillis() / 2,
                TimeUnit.MILLISECONDS), toAbandoned::addAll);

        subscription.enqueue(message("late"));

        assertThat(toAbandoned).as("leased to a pull whose client is giving up").isEmpty();
        List<ReceivedMessage> next = subscription.pull(10);
        assertThat(next).extracting(r -> r.getMessage().getData().toStringUtf8()).containsExactly("late");
        assertThat(next.get(0).getDeliveryAttempt()).isEqualTo(1);
    }

    @Test
    void aPullWithTimeLeftIsGivenMessages() {
        List<ReceivedMessage> got = new ArrayList<>();
        subscription.pullOrWait(10, Deadline.after(10, TimeUnit.SECONDS), got::addAll);

        subscription.enqueue(message("on time"));

        assertThat(got).hasSize(1);
    }

    @Test
    void messagesAnsweredToACancelledCallWaitAgainAtOnceWithNoAttemptCounted() {
        subscription.pullOrWait(10, Deadline.after(10, TimeUnit.SECONDS), subscription::undelivered);

        subscription.enqueue(message("orphan"));

        List<ReceivedMessage> next = subscription.pull(10);
        assertThat(next).extracting(r -> r.getMessage().getData().toStringUtf8()).containsExactly("orphan");
        assertThat(next.get(0).getDeliveryAttempt()).as("it never left the server").isEqualTo(1);
    }

    private static PubsubMessage message(String data) {
        return PubsubMessage.newBuilder().setData(ByteString.copyFromUtf8(data)).setMessageId(data).build();
    }
}
