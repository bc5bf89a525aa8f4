package dev.sluice.sqs;

import dev.sluice.ErrorCode;
import dev.sluice.QueueDepth;
import dev.sluice.QueueSpec;
import dev.sluice.SluiceException;
import dev.sluice.spi.AckFailure;
import dev.sluice.spi.Capabilities;
import dev.sluice.spi.DriverContext;
import dev.sluice.spi.DriverError;
import dev.sluice.spi.InboundMessage;
import dev.sluice.spi.OutboundMessage;
import dev.sluice.spi.QueueDriver;
import dev.sluice.spi.SendResult;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * The driver for one SQS queue: a translation of the SPI's batch primitives onto {@link SqsAsyncClient}
 * calls. It does not retry (the client is built without SDK retries) and does not encode CloudEvents.
 */
final class SqsDriver implements QueueDriver {
    private static final Logger log = LoggerFactory.getLogger(SqsDriver.class);
    private static final String STRING = "String";

    private final SqsAddress address;
    private final SqsClients clients;
    /** Acquired on first use: a Lambda batch that succeeds never calls SQS, so a cold start need not build a client. */
    private volatile SqsAsyncClient client;
    private final DriverContext context;
    private final Capabilities capabilities;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Set<CompletableFuture<ReceiveMessageResponse>> pendingReceives = ConcurrentHashMap.newKeySet();
    private volatile String queueUrl;
    private volatile Integer leaseSeconds;

    SqsDriver(SqsAddress address, SqsClients clients, DriverContext context) {
        this.address = address;
        this.clients = clients;
        this.context = context;
        this.capabilities = address.fifo() ? SqsCapabilities.FIFO : SqsCapabilities.STANDARD;
        this.queueUrl = address.queueUrl();
    }

    @Override
    public Capabilities capabilities() {
        return capabilities;
    }

    @Override
    public URI uri() {
        return address.uri();
    }

    @Override
    public URI defaultDeadLetterUri() {
        return address.defaultDeadLetterUri();
    }

    // ---- send ------------------------------------------------------------------------------------

    @Override
    public List<SendResult> send(List<OutboundMessage> batch) {
        SendResult[] results = new SendResult[batch.size()];
        String url;
        try {
            url = queueUrl();
        } catch (SluiceException e) {
            DriverError error = new DriverError(e.code(), e.getMessage(), e.getCause());
            return batch.stream().map(m -> SendResult.failed(error)).toList();
        }
        List<SendMessageBatchRequestEntry> chunk = new ArrayList<>();
        int chunkBytes = 0;
        for (int i = 0; i < batch.size(); i++) {
            OutboundMessage m = batch.get(i);
            Entry entry;
            try {
                entry = entry(i, m);
            } catch (Invalid e) {
                results[i] = SendResult.failed(new DriverError(ErrorCode.INVALID, e.getMessage()));
                continue;
            }
            if (!chunk.isEmpty() && chunkBytes + entry.bytes() > SqsCapabilities.MAX_MESSAGE_BYTES) {
                sendChunk(url, chunk, batch, results);
                chunk = new ArrayList<>();
                chunkBytes = 0;
            }
            chunk.add(entry.entry());
            chunkBytes += entry.bytes();
        }
        if (!chunk.isEmpty()) sendChunk(url, chunk, batch, results);
        return List.of(results);
    }

    /** One SendMessageBatch call; SQS caps the sum of its messages at 1 MiB, so a batch may take several. */
    private void sendChunk(String url, List<SendMessageBatchRequestEntry> entries, List<OutboundMessage> batch,
                           SendResult[] results) {
        SendMessageBatchResponse response;
        try {
            response = call(client().sendMessageBatch(b -> b.queueUrl(url).entries(entries)), "sqs:SendMessage");
        } catch (SluiceException e) {
            DriverError error = new DriverError(e.code(), e.getMessage(), e.getCause());
            for (SendMessageBatchRequestEntry entry : entries) results[Integer.parseInt(entry.id())] = SendResult.failed(error);
            return;
        }
        response.successful().forEach(s -> results[Integer.parseInt(s.id())] = SendResult.ok(s.messageId()));
        for (BatchResultErrorEntry f : response.failed()) {
            ErrorCode code = SqsErrors.byEntry(f.code(), f.senderFault());
            results[Integer.parseInt(f.id())] = SendResult.failed(new DriverError(code, address.describe()
                    + " refused the message: " + f.code() + (f.message() == null ? "" : " (" + f.message() + ")")));
        }
        for (SendMessageBatchRequestEntry entry : entries) {
            int i = Integer.parseInt(entry.id());
            if (results[i] == null) {
                results[i] = SendResult.failed(new DriverError(ErrorCode.UNKNOWN, address.describe()
                        + " answered without a result for message " + batch.get(i).id()));
            }
        }
    }

    private record Entry(SendMessageBatchRequestEntry entry, int bytes) {
    }

    /** A message SQS would refuse; reported as INVALID without a call. */
    private static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;

        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    private Entry entry(int index, OutboundMessage m) throws Invalid {
        SendMessageBatchRequestEntry.Builder e = SendMessageBatchRequestEntry.builder().id(String.valueOf(index));
        if (address.fifo()) {
            String group = m.orderingKey() != null ? m.orderingKey() : address.group();
            if (group == null) {
                throw new Invalid(address.describe() + " needs a message group on every message: publish with"
                        + " PublishOptions.orderingKey(...), or give the queue a default group in its URI (sqs://"
                        + address.name() + "?group=<name>)");
            }
            if (group.length() > 128) {
                throw new Invalid("message group '" + group.substring(0, 20) + "...' is " + group.length()
                        + " characters; SQS FIFO allows at most 128");
            }
            e.messageGroupId(group);
            String dedup = m.deduplicationId();
            if (dedup == null) dedup = m.id(); // a raw driver send; the Publisher always sets one (source and id)
            if (dedup != null) e.messageDeduplicationId(deduplicationId(dedup));
            if (!m.delay().isZero()) {
                throw new Invalid("SQS FIFO queues have no per-message delay (got " + m.delay()
                        + "); use a standard queue, or the queue's own DelaySeconds");
            }
        } else {
            if (m.orderingKey() != null) {
                throw new Invalid(address.describe() + " is a standard queue and keeps no order, so it takes no"
                        + " ordering key (got '" + m.orderingKey() + "'); use a FIFO queue (a name ending in .fifo)");
            }
            if (m.deduplicationId() != null) {
                throw new Invalid(address.describe() + " is a standard queue and does not deduplicate, so it takes"
                        + " no deduplication id; use a FIFO queue (a name ending in .fifo)");
            }
            long delay = ceilSeconds(m.delay());
            if (delay > SqsCapabilities.MAX_DELAY_SECONDS) {
                throw new Invalid("delay is " + delay + "s; SQS allows at most " + SqsCapabilities.MAX_DELAY_SECONDS + "s");
            }
            if (delay > 0) e.delaySeconds((int) delay);
        }
        SqsBody.Encoded body = SqsBody.encode(m.body());
        Map<String, String> attributes = new HashMap<>(m.attributes());
        if (body.marked() && attributes.isEmpty()) attributes.put(SqsBody.MARKER_ATTRIBUTE, body.dataType());
        if (attributes.size() > SqsCapabilities.MAX_ATTRIBUTES) {
            throw new Invalid("the message has " + attributes.size() + " attributes; SQS allows at most "
                    + SqsCapabilities.MAX_ATTRIBUTES + " (send fewer, or encode it as a CloudEvent, which falls back"
                    + " to structured mode)");
        }
        int bytes = StandardCharsets.UTF_8.encode(body.text()).remaining();
        Map<String, MessageAttributeValue> values = new HashMap<>();
        for (var a : attributes.entrySet()) {
            if (a.getValue().isEmpty()) {
                throw new Invalid("attribute '" + a.getKey() + "' is empty; SQS does not accept empty attribute values");
            }
            if (!SqsBody.isSqsText(a.getValue())) {
                throw new Invalid("attribute '" + a.getKey() + "' holds characters SQS does not accept (control"
                        + " characters other than tab, CR and LF)");
            }
            values.put(a.getKey(), MessageAttributeValue.builder().dataType(body.dataType()).stringValue(a.getValue()).build());
            bytes += utf8(a.getKey()) + utf8(body.dataType()) + utf8(a.getValue());
        }
        if (bytes > SqsCapabilities.MAX_MESSAGE_BYTES) {
            throw new Invalid("the message is " + bytes + " bytes as SQS counts it (body" + (body.marked() && body.dataType()
                    .equals(SqsBody.BASE64_TYPE) ? " in Base64" : "") + ", attribute names, types and values); SQS"
                    + " accepts at most " + SqsCapabilities.MAX_MESSAGE_BYTES + " bytes; store the payload elsewhere"
                    + " (S3) and send a reference");
        }
        if (!values.isEmpty()) e.messageAttributes(values);
        return new Entry(e.messageBody(body.text()).build(), bytes);
    }

    /** SQS takes 1..128 printable ASCII characters; longer or other ids are replaced by their SHA-256. */
    static String deduplicationId(String id) {
        if (id.length() <= 128 && id.chars().allMatch(c -> c > 0x20 && c < 0x7f)) return id;
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- receive ---------------------------------------------------------------------------------

    @Override
    public List<InboundMessage> receive(int max, Duration maxWait) throws InterruptedException {
        if (Thread.interrupted()) throw new InterruptedException();
        String url = queueUrl();
        ReceiveMessageRequest.Builder request = ReceiveMessageRequest.builder()
                .queueUrl(url)
                .maxNumberOfMessages(Math.max(1, Math.min(max, SqsCapabilities.MAX_BATCH)))
                .waitTimeSeconds((int) Math.min(20, ceilSeconds(maxWait)))
                .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT,
                        MessageSystemAttributeName.SENT_TIMESTAMP, MessageSystemAttributeName.MESSAGE_GROUP_ID,
                        MessageSystemAttributeName.AWS_TRACE_HEADER)
                .messageAttributeNames("All");
        Integer lease = leaseSeconds;
        if (lease != null) request.visibilityTimeout(lease);
        CompletableFuture<ReceiveMessageResponse> call = client().receiveMessage(request.build());
        ReceiveMessageResponse response;
        try {
            response = call.get();
        } catch (InterruptedException e) {
            releaseWhenDone(call);
            throw e;
        } catch (ExecutionException e) {
            throw SqsErrors.exception(e, "sqs:ReceiveMessage", address);
        }
        List<InboundMessage> messages = new ArrayList<>(response.messages().size());
        for (Message m : response.messages()) messages.add(SqsInbound.toInbound(m, address.fifo()));
        return messages;
    }

    /**
     * The caller stopped waiting; the request goes on (aborting it could lose messages SQS already handed
     * out until their visibility timeout), and whatever it brings is made visible again at once.
     */
    private void releaseWhenDone(CompletableFuture<ReceiveMessageResponse> call) {
        pendingReceives.add(call);
        call.whenComplete((r, t) -> pendingReceives.remove(call));
        call.handle((r, t) -> r == null ? List.<Message>of() : r.messages()).thenCompose(this::release);
    }

    private CompletableFuture<?> release(List<Message> messages) {
        if (messages.isEmpty()) return CompletableFuture.completedFuture(null);
        log.debug("releasing {} messages of {} that arrived after their receive was interrupted", messages.size(), address.describe());
        List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            entries.add(ChangeMessageVisibilityBatchRequestEntry.builder().id(String.valueOf(i))
                    .receiptHandle(messages.get(i).receiptHandle()).visibilityTimeout(0).build());
        }
        return client().changeMessageVisibilityBatch(b -> b.queueUrl(queueUrl).entries(entries))
                .handle((r, t) -> {
                    if (t != null || (r != null && r.hasFailed() && !r.failed().isEmpty())) {
                        log.warn("could not release {} messages of {} after an interrupted receive; they come back when"
                                + " their visibility timeout ends ({})", messages.size(), address.describe(),
                                t != null ? SqsErrors.describe(t, "sqs:ChangeMessageVisibility", address) : r.failed());
                    }
                    return null;
                });
    }

    // ---- ack, nack, lease --------------------------------------------------------------------------

    @Override
    public List<AckFailure> ack(List<InboundMessage> batch) {
        if (batch.isEmpty()) return List.of();
        List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            entries.add(DeleteMessageBatchRequestEntry.builder().id(String.valueOf(i)).receiptHandle(batch.get(i).ackHandle()).build());
        }
        DeleteMessageBatchResponse response;
        try {
            response = call(client().deleteMessageBatch(b -> b.queueUrl(queueUrl()).entries(entries)), "sqs:DeleteMessage");
        } catch (SluiceException e) {
            DriverError error = new DriverError(e.code(), e.getMessage(), e.getCause());
            return batch.stream().map(m -> new AckFailure(m, error)).toList();
        }
        List<AckFailure> failures = new ArrayList<>();
        for (BatchResultErrorEntry f : response.failed()) {
            InboundMessage m = batch.get(Integer.parseInt(f.id()));
            ErrorCode code = SqsErrors.byEntry(f.code(), f.senderFault());
            failures.add(new AckFailure(m, new DriverError(code, "sqs:DeleteMessage of message " + m.messageId() + " on "
                    + address.describe() + " failed: " + f.code() + (f.message() == null ? "" : " (" + f.message() + ")")
                    + (code == ErrorCode.NOT_FOUND ? "; its lease ended first, so it was or will be delivered again" : ""))));
        }
        return failures;
    }

    @Override
    public void nack(InboundMessage message, Duration delay) {
        changeVisibility(message, delay, "nack delay");
    }

    @Override
    public void extendLease(InboundMessage message, Duration lease) {
        changeVisibility(message, lease, "lease");
    }

    private void changeVisibility(InboundMessage message, Duration d, String what) {
        long seconds = ceilSeconds(d);
        if (seconds > SqsCapabilities.MAX_VISIBILITY_SECONDS) {
            log.info("{} of {}s for message {} clamped to {}s, the longest SQS allows", what, seconds,
                    message.messageId(), SqsCapabilities.MAX_VISIBILITY_SECONDS);
            seconds = SqsCapabilities.MAX_VISIBILITY_SECONDS;
        }
        int timeout = (int) Math.max(0, seconds);
        call(client().changeMessageVisibility(b -> b.queueUrl(queueUrl()).receiptHandle(message.ackHandle())
                .visibilityTimeout(timeout)), "sqs:ChangeMessageVisibility");
    }

    // ---- provisioning, escape hatches, lifecycle ---------------------------------------------------------

    @Override
    public List<String> provision(QueueSpec spec, URI deadLetterUri) {
        long lease = Math.min(ceilSeconds(spec.lease()), SqsCapabilities.MAX_VISIBILITY_SECONDS);
        leaseSeconds = (int) lease;
        SqsProvisioner.Result result = new SqsProvisioner(client(), address, context).provision(spec, deadLetterUri, (int) lease);
        if (result.queueUrl() != null) queueUrl = result.queueUrl();
        return result.mismatches();
    }

    /** What SQS says of the queue's backlog, so its caller need not know SQS cannot tell the oldest message's age. */
    static final String NO_OLDEST_AGE = "SQS gives the age of the oldest message only as the CloudWatch metric"
            + " ApproximateAgeOfOldestMessage (namespace AWS/SQS, dimension QueueName), not through its API";

    /**
     * One {@code GetQueueAttributes}: {@code ApproximateNumberOfMessages} (visible),
     * {@code ...NotVisible} (in flight) and {@code ...Delayed}; approximate, as SQS says. The oldest message's age
     * is a CloudWatch metric only, so it is empty here with a note saying so.
     */
    @Override
    public QueueDepth depth() {
        String url = queueUrl();
        Map<QueueAttributeName, String> a = call(client().getQueueAttributes(b -> b.queueUrl(url).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)), "sqs:GetQueueAttributes").attributes();
        return new QueueDepth(uri(), count(a, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES),
                count(a, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE),
                count(a, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED), Optional.empty(), NO_OLDEST_AGE);
    }

    private static java.util.OptionalLong count(Map<QueueAttributeName, String> attributes, QueueAttributeName name) {
        String v = attributes.get(name);
        return v == null ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(Long.parseLong(v));
    }

    @Override
    public <T> Optional<T> unwrap(Class<T> type) {
        if (type == SqsAsyncClient.class) return Optional.of(type.cast(client()));
        if (type == String.class) return Optional.of(type.cast(queueUrl()));
        if (type == SqsRedrive.class) return Optional.of(type.cast(new SqsRedrive(client(), address, queueUrl())));
        return Optional.empty();
    }

    /**
     * Releases the client. Receives abandoned by an interrupt that are still waiting are aborted: a message
     * SQS hands to an aborted receive comes back when its visibility timeout ends. (While the driver stays
     * open, an abandoned receive runs to its end and what it brings is released at once.)
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        pendingReceives.forEach(f -> f.cancel(true));
        synchronized (this) {
            if (client != null) clients.release(address.clientKey());
        }
    }

    /** The shared client for this driver's region and endpoint, acquired on first use. */
    private SqsAsyncClient client() {
        SqsAsyncClient c = client;
        if (c != null) return c;
        synchronized (this) {
            if (client == null) {
                if (closed.get()) throw new IllegalStateException("the driver for " + address.uri() + " is closed");
                client = clients.acquire(address.clientKey(), address);
            }
            return client;
        }
    }

    @Override
    public String toString() {
        return "SqsDriver[" + address.uri() + "]";
    }

    // ---- helpers ----------------------------------------------------------------------------------------

    /** The queue URL, looked up by name once. */
    String queueUrl() {
        String url = queueUrl;
        if (url != null) return url;
        try {
            url = call(client().getQueueUrl(b -> b.queueName(address.name()).queueOwnerAWSAccountId(address.ownerAccount())),
                    "sqs:GetQueueUrl").queueUrl();
        } catch (SluiceException e) {
            if (e.code() == ErrorCode.NOT_FOUND || SqsErrors.unwrap(e.getCause()) instanceof QueueDoesNotExistException) {
                throw new SluiceException(ErrorCode.NOT_FOUND, address.describe() + " does not exist: check the queue"
                        + " name, the region (region= in the URI, or AWS_REGION) and the account, or let Sluice create"
                        + " it (QueueSpec provisioning CREATE_IF_MISSING)", e.getCause());
            }
            throw e;
        }
        queueUrl = url;
        return url;
    }

    /** Waits for a call; a failure becomes a {@link SluiceException} classified by the one table. */
    <T> T call(CompletableFuture<T> future, String action) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(true);
            throw new SluiceException(ErrorCode.UNAVAILABLE, action + " on " + address.describe() + " interrupted", e);
        } catch (ExecutionException e) {
            throw SqsErrors.exception(e, action, address);
        }
    }

    static long ceilSeconds(Duration d) {
        if (d.isNegative() || d.isZero()) return 0;
        long s = d.getSeconds();
        return d.getNano() > 0 ? s + 1 : s;
    }

    private static int utf8(String s) {
        return StandardCharsets.UTF_8.encode(s).remaining();
    }
}
