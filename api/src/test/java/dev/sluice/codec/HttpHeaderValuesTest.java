package dev.sluice.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** CloudEvents HTTP protocol binding, 3.1.3.2 "HTTP Header Values". */
class HttpHeaderValuesTest {

    static Stream<Arguments> encodings() {
        return Stream.of(
                arguments("order.placed", "order.placed"),
                arguments("", ""),
                arguments("Euro \u20ac \ud83d\ude00", "Euro%20%E2%82%AC%20%F0%9F%98%80"),
                arguments("say \"hi\"", "say%20%22hi%22"),
                arguments("100%", "100%25"),
                arguments("tab\there", "tab%09here"),
                arguments("del\u007f", "del%7F"),
                arguments("caf\u00e9", "caf%C3%A9"),
                arguments("a/b?c=d&e;f,g:h@i", "a/b?c=d&e;f,g:h@i"),
                arguments("!#$&'()*+,-./:;<=>?@[\\]^_`{|}~", "!#$&'()*+,-./:;<=>?@[\\]^_`{|}~"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("encodings")
    void encodesSpaceDoubleQuotePercentAndEverythingOutsidePrintableAsciiAsUtf8Octets(String value, String encoded) {
        assertThat(HttpHeaderValues.encodeHeaderValue(value)).isEqualTo(encoded);
    }

    @ParameterizedTest(name = "{1} -> {0}")
    @MethodSource("encodings")
    void decodingUndoesEncoding(String value, String encoded) throws Exception {
        assertThat(HttpHeaderValues.decodeHeaderValue(encoded)).isEqualTo(value);
    }

    static Stream<Arguments> decodings() {
        return Stream.of(
                arguments("caf%c3%a9", "caf\u00e9"),              // lower-case hex is accepted
                arguments("%61%62c", "abc"),                      // needlessly encoded characters are accepted
                arguments("%2541", "%41"),                        // one round only
                arguments("\"hello world\"", "hello world"),      // quoted-string of older producers
                arguments("\"say \\\"hi\\\"\"", "say \"hi\""),    // backslash escapes inside quotes
                arguments("\"50%25 off\"", "50% off"),            // unquoted, then percent-decoded
                arguments("  padded \t", "padded"),               // optional whitespace around the value
                arguments("caf\u00e9", "caf\u00e9"));             // already-decoded text passes through
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("decodings")
    void decodesQuotedStringsThenOneRoundOfPercentDecoding(String header, String value) throws Exception {
        assertThat(HttpHeaderValues.decodeHeaderValue(header)).isEqualTo(value);
    }

    @ParameterizedTest
    @ValueSource(strings = {"%C0%A0", "%E2%82", "%FF", "%ED%A0%80", "%G1", "abc%4", "%", "\"unterminated", "\"dangling\\"})
    void refusesInvalidUtf8AndMalformedEscapes(String header) {
        assertThatThrownBy(() -> HttpHeaderValues.decodeHeaderValue(header))
                .isInstanceOf(DecodeException.class).hasMessageContaining("header value");
    }

    @Test
    void anUnpairedSurrogateCannotBeEncoded() {
        assertThatThrownBy(() -> HttpHeaderValues.encodeHeaderValue("a\ud800b"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("surrogate");
    }

    @Test
    void everyCodePointRoundTrips() throws Exception {
        StringBuilder all = new StringBuilder();
        for (int cp = 0; cp < 0x11000; cp++) {
            if (cp >= 0xD800 && cp <= 0xDFFF) continue;
            all.appendCodePoint(cp);
        }
        String encoded = HttpHeaderValues.encodeHeaderValue(all.toString());
        assertThat(encoded.chars().allMatch(c -> c >= 0x21 && c <= 0x7E && c != '"')).isTrue();
        assertThat(HttpHeaderValues.decodeHeaderValue(encoded)).isEqualTo(all.toString());
    }
}
