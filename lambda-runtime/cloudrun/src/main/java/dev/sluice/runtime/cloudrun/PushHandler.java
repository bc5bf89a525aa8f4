package dev.sluice.runtime.cloudrun;

import dev.sluice.pipeline.Pipeline;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host's one Jetty handler. {@code GET /healthz} answers 200 (503 once draining). {@code POST /} (and
 * {@code /queues/<name>}): refuses a declared body over the limit before reading it, checks the token, reads
 * the body within the limit, reads the message ({@link RequestReader}), runs it through the queue's pipeline
 * and answers what the pipeline settled ({@link PushSettlement}): 204 when it was handled or dead-lettered,
 * 503 with {@code Retry-After} when it must come again; 4xx when the request is refused before any handler saw it.
 *
 * <p>Response bodies are generic ({@link Rejected#body}); what was wrong goes to the log, by request id and
 * message id, never the payload or the token.
 */
final class PushHandler extends Handler.Abstract {
    private static final Logger log = LoggerFactory.getLogger(PushHandler.class);

    private final QueueChooser queues;
    private final OidcVerifier verifier;
    private final int maxBodyBytes;
    private final Drain drain;

    PushHandler(QueueChooser queues, OidcVerifier verifier, int maxBodyBytes, Drain drain) {
        super(InvocationType.BLOCKING);
        this.queues = queues;
        this.verifier = verifier;
        this.maxBodyBytes = maxBodyBytes;
        this.drain = drain;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        if (path.equals("/healthz")) {
            answer(response, callback, drain.draining() ? 503 : 200);
            return true;
        }
        if (!drain.enter()) {
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
            response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
            answer(response, callback, 503);
            return true;
        }
        Callback done = exitingDrain(callback);
        String requestId = request.getId();
        String messageId = null;
        boolean bodyRead = false;
        try {
            if (!request.getMethod().equals("POST")) throw new Rejected(405, "only POST is accepted here");
            Map<String, String> headers = headers(request);
            long declared = request.getLength();
            if (declared > maxBodyBytes) throw tooLarge(declared + " bytes declared");
            if (verifier != null) verifier.verify(headers.get("authorization"));
            byte[] body = body(request);
            bodyRead = true;
            Received received = RequestReader.read(headers, body);
            messageId = received.message().messageId();
            Pipeline pipeline = queues.choose(path, received.subscription());
            PushSettlement settlement = new PushSettlement();
            pipeline.process(received.message(), settlement);
            int status = settlement.status();
            if (status == 503) response.getHeaders().put(HttpHeader.RETRY_AFTER, String.valueOf(settlement.retryAfterSeconds()));
            log.debug("request {}: message {} ({}) answered {}", requestId, messageId, received.format(), status);
            answer(response, done, status);
        } catch (Rejected r) {
            log.warn("request {} refused {} ({} {} from {}{}): {}", requestId, r.status, request.getMethod(), path,
                    Request.getRemoteAddr(request), messageId == null ? "" : ", message " + messageId, r.getMessage());
            if (r.status == 401) response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer");
            // the body may be unread (413, 401, ...): do not keep a connection whose next bytes are this body's
            if (!bodyRead) response.getHeaders().put(HttpHeader.CONNECTION, "close");
            answer(response, done, r.status);
        } catch (RuntimeException e) {
            log.error("request {}{} failed in the host; the sender will retry it", requestId,
                    messageId == null ? "" : " (message " + messageId + ")", e);
            answer(response, done, 500);
        } catch (Error e) {
            done.failed(e);
            throw e;
        }
        return true;
    }

    /** {@code callback}, leaving the drain once the answer is written (or failed). */
    private Callback exitingDrain(Callback callback) {
        return new Callback() {
            @Override
            public void succeeded() {
                try {
                    callback.succeeded();
                } finally {
                    drain.exit();
                }
            }

            @Override
            public void failed(Throwable x) {
                try {
                    callback.failed(x);
                } finally {
                    drain.exit();
                }
            }

            @Override
            public InvocationType getInvocationType() {
                return callback.getInvocationType();
            }
        };
    }

    /** The body, up to {@code maxBodyBytes} (413 past it, whatever the framing: chunked included). */
    private byte[] body(Request request) throws Rejected {
        try (InputStream in = Content.Source.asInputStream(request)) {
            byte[] body = in.readNBytes(maxBodyBytes + 1);
            if (body.length > maxBodyBytes) throw tooLarge("more than " + maxBodyBytes + " bytes sent");
            return body;
        } catch (IOException e) {
            throw Rejected.badRequest("the body could not be read (" + e.getClass().getSimpleName() + ")");
        }
    }

    private Rejected tooLarge(String size) {
        return new Rejected(413, "the body is too large (" + size + "; at most " + maxBodyBytes
                + " accepted, SLUICE_HTTP_MAX_BODY_BYTES)");
    }

    /** The request headers, names in lower case, the first value of each. */
    private static Map<String, String> headers(Request request) {
        Map<String, String> headers = new HashMap<>();
        for (HttpField f : request.getHeaders()) {
            headers.putIfAbsent(f.getLowerCaseName(), f.getValue());
        }
        return headers;
    }

    /** Answers {@code status} with its generic text body (none for 204). */
    static void answer(Response response, Callback callback, int status) {
        try {
            write(response, callback, status);
        } catch (RuntimeException e) {
            callback.failed(e);
        }
    }

    private static void write(Response response, Callback callback, int status) {
        response.setStatus(status);
        if (status == 204) {
            callback.succeeded();
            return;
        }
        byte[] text = (Rejected.body(status) + "\n").getBytes(StandardCharsets.UTF_8);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, text.length);
        response.write(true, ByteBuffer.wrap(text), callback);
    }
}
