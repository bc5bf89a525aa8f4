package dev.sluice.sqs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Creates a queue and its dead-letter queue, or reads an existing one and says, in sentences, how it
 * contradicts the {@link QueueSpec}. The dead-letter queue is made first (same type, 14 days' retention,
 * a {@code RedriveAllowPolicy} naming the source), then the source queue with {@code VisibilityTimeout} =
 * the lease and {@code RedrivePolicy.maxReceiveCount} = {@link SqsCapabilities#maxReceiveCount}
 * ({@code maxDeliveryAttempts} on a standard queue, 10 times that on a FIFO queue).
 *
 * <p>The redrive policy is a backstop: the worker dead-letters a message itself, with its reason, on its last
 * allowed attempt; SQS moves it (without a reason) only if more receives than that happen, e.g. after a
 * worker crashed on it. On a FIFO queue the receives also include the give-backs of later messages of a
 * group behind a failure, which are not attempts, hence the headroom.
 */
final class SqsProvisioner {
    private static final Logger log = LoggerFactory.getLogger(SqsProvisioner.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RETENTION_14_DAYS = "1209600";

    /** What provisioning found: the source queue's URL (null when it does not exist) and the mismatches. */
    record Result(String queueUrl, List<String> mismatches) {
    }

    private final SqsAsyncClient client;
    private final SqsAddress source;
    private final DriverContext context;

    SqsProvisioner(SqsAsyncClient client, SqsAddress source, DriverContext context) {
        this.client = client;
        this.source = source;
        this.context = context;
    }

    Result provision(QueueSpec spec, URI deadLetterUri, int leaseSeconds) {
        boolean create = spec.provisioning() == QueueSpec.Provisioning.CREATE_IF_MISSING;
        List<String> mismatches = new ArrayList<>();

        // the dead-letter queue first: the source's redrive policy needs its ARN
        String dlqArn = null;
        if (deadLetterUri != null && "sqs".equals(deadLetterUri.getScheme())) {
            SqsAddress dlq = SqsAddress.parse(deadLetterUri, context);
            if (!dlq.clientKey().equals(source.clientKey())) {
                mismatches.add("dead-letter queue " + deadLetterUri + " is not in the region and endpoint of "
                        + source.uri() + " (" + dlq.where() + " vs " + source.where() + "); an SQS redrive policy"
                        + " needs both queues in one region and account");
            } else {
                if (dlq.fifo() != source.fifo()) {
                    mismatches.add("dead-letter queue " + dlq.name() + " is " + type(dlq.fifo()) + " but " + source.name()
                            + " is " + type(source.fifo()) + "; SQS needs a dead-letter queue of the same type (name it "
                            + (source.fifo() ? "<name>.fifo" : "without .fifo") + ")");
                }
                String dlqUrl = lookup(dlq);
                if (dlqUrl == null && create && dlq.fifo() == source.fifo()) {
                    dlqUrl = createDeadLetterQueue(dlq);
                } else if (dlqUrl == null) {
                    mismatches.add("dead-letter queue " + dlq.describe() + " does not exist"
                            + (create ? "" : " and provisioning is " + spec.provisioning() + ", so Sluice creates nothing")
                            + "; create it");
                }
                if (dlqUrl != null) {
                    Map<String, String> attributes = attributes(dlqUrl);
                    boolean fifo = "true".equalsIgnoreCase(attributes.get("FifoQueue"));
                    if (fifo != source.fifo() && dlq.fifo() == source.fifo()) {
                        mismatches.add("dead-letter queue " + dlq.name() + " is " + type(fifo) + " but " + source.name()
                                + " is " + type(source.fifo()) + "; SQS needs a dead-letter queue of the same type");
                    }
                    dlqArn = attributes.get("QueueArn");
                    checkRedriveAllowPolicy(dlq, attributes.get("RedriveAllowPolicy"), sourceArn(dlqArn), mismatches);
                }
            }
        } else if (deadLetterUri != null) {
            log.info("dead-letter queue {} of {} is not an SQS queue: no redrive policy is set; Sluice dead-letters"
                    + " messages itself", deadLetterUri, source.uri());
        }

        String url = lookup(source);
        if (url == null) {
            if (!create) {
                mismatches.add(source.describe() + " does not exist and provisioning is " + spec.provisioning()
                        + ", so Sluice creates nothing; create it");
                return new Result(null, mismatches);
            }
            if (source.ownerAccount() != null) {
                mismatches.add(source.describe() + " does not exist; Sluice creates queues only in the caller's"
                        + " account, not in account " + source.ownerAccount());
                return new Result(null, mismatches);
            }
            Map<String, String> attributes = new HashMap<>();
            if (source.fifo()) attributes.put("FifoQueue", "true");
            attributes.put("VisibilityTimeout", String.valueOf(leaseSeconds));
            int maxReceiveCount = SqsCapabilities.maxReceiveCount(source.fifo(), spec.maxDeliveryAttempts());
            if (dlqArn != null) attributes.put("RedrivePolicy", redrivePolicy(dlqArn, maxReceiveCount));
            url = create(source, attributes);
            log.info("created {} (visibility {}s, maxReceiveCount {}, dead-letter queue {})", source.describe(),
                    leaseSeconds, maxReceiveCount, dlqArn);
            return new Result(url, mismatches);
        }
        Map<String, String> attributes = attributes(url);
        boolean fifo = "true".equalsIgnoreCase(attributes.get("FifoQueue"));
        if (fifo != source.fifo()) {
            mismatches.add("queue " + source.name() + " is " + type(fifo) + " but its URI says " + type(source.fifo()));
        }
        if (dlqArn != null) checkRedrivePolicy(attributes.get("RedrivePolicy"), dlqArn, fifo, spec, mismatches);
        String visibility = attributes.get("VisibilityTimeout");
        if (visibility != null && !visibility.equals(String.valueOf(leaseSeconds))) {
            log.info("{} has VisibilityTimeout {}s; Sluice asks for the spec's lease, {}s, on every receive",
                    source.describe(), visibility, leaseSeconds);
        }
        return new Result(url, mismatches);
    }

    private void checkRedrivePolicy(String policy, String dlqArn, boolean fifo, QueueSpec spec, List<String> mismatches) {
        int expectedCount = SqsCapabilities.maxReceiveCount(fifo, spec.maxDeliveryAttempts());
        String expected = "RedrivePolicy {deadLetterTargetArn: " + dlqArn + ", maxReceiveCount: " + expectedCount + "}";
        if (policy == null || policy.isBlank()) {
            mismatches.add("queue " + source.name() + " has no RedrivePolicy; the spec expects " + expected
                    + " (without it a message that crashes its worker is retried until it expires)");
            return;
        }
        JsonNode n = parse(policy);
        String target = n == null ? null : n.path("deadLetterTargetArn").asText(null);
        int count = n == null ? -1 : n.path("maxReceiveCount").asInt(-1);
        if (!dlqArn.equals(target)) {
            mismatches.add("queue " + source.name() + "'s RedrivePolicy sends dead letters to " + target
                    + " but the spec's dead-letter queue is " + dlqArn);
        }
        if (count != expectedCount) {
            mismatches.add("queue " + source.name() + "'s RedrivePolicy.maxReceiveCount is " + count
                    + " but the spec's maxDeliveryAttempts is " + spec.maxDeliveryAttempts() + ", which needs "
                    + (fifo ? expectedCount + " on a FIFO queue (10 times the attempts: receives of messages given"
                    + " back behind a failure of their group count too)" : String.valueOf(expectedCount))
                    + (count >= 0 && count < expectedCount
                    ? "; SQS would move messages to the dead-letter queue before their last attempt, without a reason"
                    : "; a higher count only lets a message that crashes its worker be received more often before SQS moves it"));
        }
    }

    private void checkRedriveAllowPolicy(SqsAddress dlq, String policy, String sourceArn, List<String> mismatches) {
        if (policy == null || policy.isBlank()) return; // absent means allowAll
        JsonNode n = parse(policy);
        String permission = n == null ? "" : n.path("redrivePermission").asText("");
        if ("denyAll".equals(permission)) {
            mismatches.add("dead-letter queue " + dlq.name() + " has RedriveAllowPolicy denyAll, so SQS will not let "
                    + source.name() + " use it; allow it (byQueue with " + sourceArn + ", or allowAll)");
        } else if ("byQueue".equals(permission)) {
            boolean listed = false;
            for (JsonNode arn : n.path("sourceQueueArns")) listed |= arn.asText().equals(sourceArn);
            if (!listed) {
                mismatches.add("dead-letter queue " + dlq.name() + "'s RedriveAllowPolicy does not list " + sourceArn
                        + "; add it to sourceQueueArns");
            }
        }
    }

    private String createDeadLetterQueue(SqsAddress dlq) {
        Map<String, String> attributes = new HashMap<>();
        if (dlq.fifo()) attributes.put("FifoQueue", "true");
        attributes.put("MessageRetentionPeriod", RETENTION_14_DAYS);
        String url = create(dlq, attributes);
        // the source's ARN differs from the DLQ's only in its name: allow exactly that source
        String dlqArn = attributes(url).get("QueueArn");
        if (dlqArn != null) {
            ObjectNode allow = JSON.createObjectNode().put("redrivePermission", "byQueue");
            allow.putArray("sourceQueueArns").add(sourceArn(dlqArn));
            try {
                call(client.setQueueAttributes(b -> b.queueUrl(url)
                        .attributesWithStrings(Map.of("RedriveAllowPolicy", allow.toString()))), "sqs:SetQueueAttributes", dlq);
            } catch (SluiceException e) {
                if (!"InvalidAttributeName".equals(SqsErrors.awsCode(e.getCause()))) throw e;
                // ElasticMQ does not know RedriveAllowPolicy; without one, SQS allows every source
                log.info("{} does not support RedriveAllowPolicy; {} allows every source queue", dlq.where(), dlq.name());
            }
        }
        log.info("created dead-letter queue {}", dlq.describe());
        return url;
    }

    private String sourceArn(String dlqArn) {
        return dlqArn == null ? null : dlqArn.substring(0, dlqArn.lastIndexOf(':') + 1) + source.name();
    }

    private static String redrivePolicy(String dlqArn, int maxReceiveCount) {
        return JSON.createObjectNode().put("deadLetterTargetArn", dlqArn).put("maxReceiveCount", maxReceiveCount).toString();
    }

    /** The queue's URL, or null when it does not exist. */
    private String lookup(SqsAddress a) {
        try {
            if (a.queueUrl() != null) {
                call(client.getQueueAttributes(b -> b.queueUrl(a.queueUrl()).attributeNames(QueueAttributeName.QUEUE_ARN)),
                        "sqs:GetQueueAttributes", a);
                return a.queueUrl();
            }
            return call(client.getQueueUrl(b -> b.queueName(a.name()).queueOwnerAWSAccountId(a.ownerAccount())),
                    "sqs:GetQueueUrl", a).queueUrl();
        } catch (SluiceException e) {
            if (e.code() == ErrorCode.NOT_FOUND) return null;
            throw e;
        }
    }

    private String create(SqsAddress a, Map<String, String> attributes) {
        return call(client.createQueue(b -> b.queueName(a.name()).attributesWithStrings(attributes)),
                "sqs:CreateQueue", a).queueUrl();
    }

    private Map<String, String> attributes(String url) {
        return call(client.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.ALL)),
                "sqs:GetQueueAttributes", source).attributesAsStrings();
    }

    private <T> T call(CompletableFuture<T> future, String action, SqsAddress a) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SluiceException(ErrorCode.UNAVAILABLE, action + " on " + a.describe() + " interrupted", e);
        } catch (ExecutionException e) {
            throw SqsErrors.exception(e, action, a);
        }
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            return null;
        }
    }

    private static String type(boolean fifo) {
        return fifo ? "a FIFO queue" : "a standard queue";
    }
}
