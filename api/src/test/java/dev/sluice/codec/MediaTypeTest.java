package dev.sluice.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.spi.Capabilities;
import dev.sluice.spi.InboundMessage;
import io.cloudevents.CloudEvent;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.OptionalInt;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The media-type check ({@link EventValidation#isMediaType}) on inputs that once crashed the codec: a
 * {@code content-type} with a long quoted parameter made {@link java.util.regex.Pattern} overflow the stack
 * (found by fuzzing; a 10 KB parameter was enough), in binary mode, structured mode and when wrapping a
 * foreign message alike. The seeds are under {@code regressions/}.
 */
class MediaTypeTest {
    /** The regular expression the check replaced: the oracle for inputs short enough for it. */
    static final Pattern ORACLE;

    static {
        String token = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
        String quoted = "\"(?:[\\t\\x20\\x21\\x23-\\x5B\\x5D-\\x7E]|\\\\[\\t\\x20-\\x7E])*\"";
        ORACLE = Pattern.compile(token + "/" + token + "(?:[ \\t]*;[ \\t]*" + token + "=(?:" + token + "|" + quoted + "))*");
    }

    private final CloudEventCodec codec = new CloudEventCodec(Capabilities.builder("test").build());

    @ParameterizedTest
    @ValueSource(strings = {"content-type-long-quoted-parameter.txt", "content-type-long-escaped-parameter.txt"})
    void aLongQuotedParameterIsReadInOnePass(String seed) throws Exception {
        String contentType = seed(seed);
        assertThat(EventValidation.isMediaType(contentType)).isTrue();

        CloudEvent binary = codec.decode(message(Map.of("ce-specversion", "1.0", "ce-id", "1", "ce-source", "/s",
                "ce-type", "t", "content-type", contentType), new byte[] {1}), FuzzBounds.QUEUE);
        assertThat(binary.getDataContentType()).isEqualTo(contentType);

        String json = "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\",\"datacontenttype\":"
                + com.fasterxml.jackson.databind.node.TextNode.valueOf(contentType) + "}";
        CloudEvent structured = codec.decode(message(Map.of("content-type", "application/cloudevents+json"),
                json.getBytes(StandardCharsets.UTF_8)), FuzzBounds.QUEUE);
        assertThat(structured.getDataContentType()).isEqualTo(contentType);

        CloudEvent foreign = codec.decode(message(Map.of("content-type", contentType), new byte[] {1}), FuzzBounds.QUEUE);
        assertThat(foreign.getDataContentType()).isEqualTo(contentType);
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/plain", "application/json; charset=utf-8", "a/b;c=\"d\\\"e\"", "a/b ;c=d", "a/b;c=d ",
            "a/b;", "a/b;c=", "a/b;c=\"", "a/b;c=\"\\", "a/b;c=\"\u0001\"", "/b", "a/", "a b/c", "a/b;c=d;e=\"f g\"",
            "a/b;c=\"\\\u00e9\"", "a/b;=d", "a/b\t;\tc=d", "", "a", "a/b/c"})
    void agreesWithTheRegularExpressionItReplaced(String value) {
        assertThat(EventValidation.isMediaType(value)).isEqualTo(ORACLE.matcher(value).matches());
    }

    static String seed(String name) throws IOException {
        try (InputStream in = MediaTypeTest.class.getResourceAsStream("regressions/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static InboundMessage message(Map<String, String> attributes, byte[] body) {
        return new InboundMessage("m-1", body, attributes, null, OptionalInt.empty(), null, "h", null);
    }
}
