package dev.sluice.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.DeadLetter;
import dev.sluice.DeadLetterReason;
import dev.sluice.SluiceException;
import dev.sluice.core.Sluice;
import dev.sluice.crypto.PayloadEncryption;
import dev.sluice.crypto.UndecryptableException;
import io.cloudevents.CloudEvent;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * How a dead letter is shown: a table row or a JSON object. Its data only when asked ({@code --show-data}):
 * as text when it is UTF-8 text, else as {@code base64:...} (an undecodable message shows its raw bytes); an
 * encrypted event's decrypted when the CLI has the key, else its ciphertext envelope with why not.
 */
final class DeadLetterView {
    static final String[] HEADERS = {"MESSAGE ID", "TYPE", "EVENT ID", "ATTEMPTS", "DEAD-LETTERED", "REASON"};

    /**
     * A dead letter's data as shown.
     *
     * @param text      the data (decrypted, or as stored)
     * @param keyId     the key an encrypted event's data key is wrapped under; null when not encrypted
     * @param decrypted whether {@code text} was decrypted
     * @param problem   why an encrypted event was not decrypted ("encrypted, no key for k1"), else null
     */
    record Data(String text, String keyId, boolean decrypted, String problem) {
        /** The table cell: the problem first, so a cut cell still says it. */
        String cell() {
            return problem == null ? text : problem + ": " + text;
        }
    }

    /** {@code d}'s data, decrypted with {@code sluice}'s key provider ({@link Sluice#decrypt}) when it is encrypted. */
    static Data data(DeadLetter d, Sluice sluice) {
        CloudEvent e = d.event();
        if (e == null || !PayloadEncryption.isEncrypted(e)) return new Data(data(d), null, false, null);
        String kid = PayloadEncryption.keyId(e).orElse("?");
        try {
            CloudEvent plain = sluice.decrypt(e);
            return new Data(text(plain.getData() == null ? new byte[0] : plain.getData().toBytes()), kid, true, null);
        } catch (UndecryptableException x) {
            return new Data(data(d), kid, false, x.missingKeyId().map(k -> "encrypted, no key for " + k)
                    .orElse("encrypted, cannot decrypt: " + x.getMessage()));
        } catch (RuntimeException x) {
            String what = x instanceof SluiceException s ? s.code().toString() : x.getClass().getSimpleName();
            return new Data(data(d), kid, false, "encrypted, the key service failed (" + what + "): " + x.getMessage());
        }
    }

    private DeadLetterView() {
    }

    /** The row; with a last cell for {@code data} unless it is null. */
    static String[] row(DeadLetter d, Data data) {
        DeadLetterReason r = d.reason().orElse(null);
        String[] cells = {
            d.messageId(),
            d.event() == null ? "-" : d.event().getType(),
            d.event() == null ? "-" : d.event().getId(),
            r == null || r.attempts() == null ? "-" : String.valueOf(r.attempts()),
            r == null ? "-" : r.lastFailure().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString(),
            Table.cut(reason(d), 100),
        };
        if (data == null) return cells;
        String[] withData = java.util.Arrays.copyOf(cells, cells.length + 1);
        withData[cells.length] = Table.cut(data.cell(), data.problem() == null ? 60 : data.problem().length() + 60);
        return withData;
    }

    /** The JSON object; with {@code data} (and {@code encryption} for an encrypted event) unless it is null. */
    static ObjectNode json(DeadLetter d, Data data, ObjectMapper mapper) {
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
        if (data != null) {
            n.put("data", data.text());
            if (data.keyId() != null) {
                ObjectNode encryption = n.putObject("encryption");
                encryption.put("keyId", data.keyId());
                encryption.put("decrypted", data.decrypted());
                if (data.problem() != null) encryption.put("problem", data.problem());
            }
        }
        return n;
    }

    /** The reason's summary; for a message that is no CloudEvent, why; for one the broker moved, that. */
    static String reason(DeadLetter d) {
        if (d.reason().isPresent()) return d.reason().get().summary();
        if (d.decodeError() != null) return "not a CloudEvent: " + d.decodeError();
        return "moved by the broker (no Sluice reason: e.g. a worker crashed on it)";
    }

    /** The event's data as stored, or the raw body of a message that is no CloudEvent. */
    static String data(DeadLetter d) {
        return text(d.event() != null ? (d.event().getData() == null ? new byte[0] : d.event().getData().toBytes())
                : d.body());
    }

    /** UTF-8 text as it is, else {@code base64:...}. */
    private static String text(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException binary) {
            return "base64:" + Base64.getEncoder().encodeToString(bytes);
        }
    }
}
