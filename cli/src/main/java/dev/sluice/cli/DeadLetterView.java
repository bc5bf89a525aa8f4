package dev.sluice.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.DeadLetter;
import dev.sluice.DeadLetterReason;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * How a dead letter is shown: a table row or a JSON object. Its data only when asked ({@code --show-data}):
 * as text when it is UTF-8 text, else as {@code base64:...} (an undecodable message shows its raw bytes).
 */
final class DeadLetterView {
    static final String[] HEADERS = {"MESSAGE ID", "TYPE", "EVENT ID", "ATTEMPTS", "DEAD-LETTERED", "REASON"};

    private DeadLetterView() {
    }

    static String[] row(DeadLetter d, boolean showData) {
        DeadLetterReason r = d.reason().orElse(null);
        String[] cells = {
            d.messageId(),
            d.event() == null ? "-" : d.event().getType(),
            d.event() == null ? "-" : d.event().getId(),
            r == null || r.attempts() == null ? "-" : String.valueOf(r.attempts()),
            r == null ? "-" : r.lastFailure().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString(),
            Table.cut(reason(d), 100),
        };
        if (!showData) return cells;
        String[] withData = java.util.Arrays.copyOf(cells, cells.length + 1);
        withData[cells.length] = Table.cut(data(d), 60);
        return withData;
    }

    static ObjectNode json(DeadLetter d, boolean showData, ObjectMapper mapper) {
        ObjectNode n = mapper.createObjectNode();
        n.put("messageId", d.messageId());
        if (d.event() != null) {
            n.put("type", d.event().getType());
            n.put("eventId", d.event().getId());
            n.put("source", d.event().getSource().toString());
        }
        d.reason().ifPresent(r -> {
            n.put("cause", r.cause().name());
            if (r.exception() != null) n.put("exception", r.exception());
            if (r.message() != null) n.put("message", r.message());
            if (r.attempts() != null) n.put("attempts", r.attempts());
            n.put("sourceQueue", r.sourceQueue());
            n.put("firstFailure", r.firstFailure().toString());
            n.put("lastFailure", r.lastFailure().toString());
        });
        n.put("reason", reason(d));
        if (d.decodeError() != null) n.put("decodeError", d.decodeError());
        if (showData) n.put("data", data(d));
        return n;
    }

    /** The reason's summary; for a message that is no CloudEvent, why; for one the broker moved, that. */
    static String reason(DeadLetter d) {
        if (d.reason().isPresent()) return d.reason().get().summary();
        if (d.decodeError() != null) return "not a CloudEvent: " + d.decodeError();
        return "moved by the broker (no Sluice reason: e.g. a worker crashed on it)";
    }

    /** The event's data, or the raw body of a message that is no CloudEvent. */
    static String data(DeadLetter d) {
        byte[] bytes = d.event() != null ? (d.event().getData() == null ? new byte[0] : d.event().getData().toBytes())
                : d.body();
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException binary) {
            return "base64:" + Base64.getEncoder().encodeToString(bytes);
        }
    }
}
