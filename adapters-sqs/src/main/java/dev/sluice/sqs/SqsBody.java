package dev.sluice.sqs;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collection;

/**
 * How bytes become an SQS body and back. SQS bodies are non-empty text of XML-legal characters; a body that
 * is (the codec sends text on SQS) travels as it is. A body that is not, an empty one (a CloudEvent without
 * data) or one with characters SQS refuses (raw bytes, control characters), travels marked: every message
 * attribute gets a custom data type, {@value #EMPTY_TYPE} (the body is a placeholder {@value #PLACEHOLDER}) or
 * {@value #BASE64_TYPE} (the body is Base64), and a message with no attributes gets one,
 * {@value #MARKER_ATTRIBUTE}. The marker costs no attribute slot when the message has attributes.
 *
 * <p>Hosts that receive SQS messages without this driver (the Lambda host) go through {@link SqsLambdaEvent},
 * which uses the same inbound translation ({@link SqsInbound}).
 */
final class SqsBody {
    /** The attribute added to a marked message that has no attributes of its own. */
    static final String MARKER_ATTRIBUTE = "sluice-body";
    /** Data type of the attributes of a message whose real body is empty. */
    static final String EMPTY_TYPE = "String.sluice-empty";
    /** Data type of the attributes of a message whose body is the Base64 of the real one. */
    static final String BASE64_TYPE = "String.sluice-base64";
    /** The body sent for an empty one. */
    static final String PLACEHOLDER = "-";

    private SqsBody() {
    }

    /** How a body travels: its text, and the data type its attributes carry. */
    record Encoded(String text, String dataType) {
        boolean marked() {
            return !"String".equals(dataType);
        }
    }

    static Encoded encode(byte[] body) {
        if (body.length == 0) return new Encoded(PLACEHOLDER, EMPTY_TYPE);
        String text = sqsText(body);
        if (text != null) return new Encoded(text, "String");
        return new Encoded(Base64.getEncoder().encodeToString(body), BASE64_TYPE);
    }

    /**
     * The bytes a received body stands for.
     *
     * @param body      the SQS body
     * @param dataTypes the data types of the message's attributes
     */
    static byte[] decode(String body, Collection<String> dataTypes) {
        if (dataTypes.contains(EMPTY_TYPE)) return new byte[0];
        if (dataTypes.contains(BASE64_TYPE)) {
            try {
                return Base64.getDecoder().decode(body);
            } catch (IllegalArgumentException e) {
                return body.getBytes(StandardCharsets.UTF_8);
            }
        }
        return body.getBytes(StandardCharsets.UTF_8);
    }

    /** The body as text when SQS accepts it as it is, else null. */
    static String sqsText(byte[] body) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
        return isSqsText(text) ? text : null;
    }

    /** Whether SQS accepts {@code s}: #x9, #xA, #xD, #x20-#xD7FF, #xE000-#xFFFD, #x10000-#x10FFFF. */
    static boolean isSqsText(String s) {
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            boolean ok = c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF)
                    || (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
            if (!ok) return false;
            i += Character.charCount(c);
        }
        return true;
    }
}
