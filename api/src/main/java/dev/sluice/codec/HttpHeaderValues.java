package dev.sluice.codec;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Values of binary-mode {@code ce-} HTTP headers, per the CloudEvents HTTP protocol binding, section 3.1.3.2
 * "HTTP Header Values". For hosts that receive CloudEvents over HTTP (the header names are theirs to map).
 *
 * <p>Writing: each character that is a space, a double quote, a percent sign, or outside printable ASCII
 * ({@code U+0021..U+007E}) is encoded as UTF-8 and each byte written as {@code %XY} (upper-case hex).
 *
 * <p>Reading: optional whitespace around the value is dropped, double-quoted strings (RFC 7230 section
 * 3.2.6, with backslash escapes), which older producers sent, are unquoted, then exactly one round of
 * percent-decoding is done (lower-case hex accepted); the resulting bytes must be valid UTF-8 (an overlong
 * {@code %C0%A0} is refused).
 */
public final class HttpHeaderValues {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private HttpHeaderValues() {
    }

    /**
     * The header value for an attribute's canonical string.
     *
     * @throws IllegalArgumentException if {@code value} holds an unpaired surrogate (not a CloudEvents string)
     */
    public static String encodeHeaderValue(String value) {
        Objects.requireNonNull(value, "value");
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); ) {
            int cp = value.codePointAt(i);
            int n = Character.charCount(cp);
            if (cp >= 0x21 && cp <= 0x7E && cp != '"' && cp != '%') {
                out.append((char) cp);
            } else {
                if (Character.isSurrogate(value.charAt(i)) && n == 1) {
                    throw new IllegalArgumentException("unpaired surrogate at index " + i
                            + " cannot be encoded as UTF-8 in a header value");
                }
                for (byte b : value.substring(i, i + n).getBytes(StandardCharsets.UTF_8)) {
                    out.append('%').append(HEX[(b >> 4) & 0xF]).append(HEX[b & 0xF]);
                }
            }
            i += n;
        }
        return out.toString();
    }

    /**
     * The attribute value a received header value carries.
     *
     * @throws DecodeException if a quoted string is not closed, a {@code %} is not followed by two hex
     *     digits, or the decoded bytes are not valid UTF-8
     */
    public static String decodeHeaderValue(String header) throws DecodeException {
        Objects.requireNonNull(header, "header");
        String unquoted = unquote(trimWhitespace(header));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(unquoted.length());
        for (int i = 0; i < unquoted.length(); ) {
            char c = unquoted.charAt(i);
            if (c == '%') {
                int hi = i + 1 < unquoted.length() ? Character.digit(unquoted.charAt(i + 1), 16) : -1;
                int lo = i + 2 < unquoted.length() ? Character.digit(unquoted.charAt(i + 2), 16) : -1;
                if (hi < 0 || lo < 0) {
                    throw new DecodeException("header value: '%' at index " + i + " is not followed by two hex digits");
                }
                bytes.write(hi << 4 | lo);
                i += 3;
            } else {
                int cp = unquoted.codePointAt(i);
                int n = Character.charCount(cp);
                byte[] utf8 = unquoted.substring(i, i + n).getBytes(StandardCharsets.UTF_8);
                bytes.write(utf8, 0, utf8.length);
                i += n;
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new DecodeException("header value: the percent-decoded bytes are not valid UTF-8", e);
        }
    }

    private static String trimWhitespace(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && (s.charAt(start) == ' ' || s.charAt(start) == '\t')) start++;
        while (end > start && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\t')) end--;
        return s.substring(start, end);
    }

    /** Removes RFC 7230 quoted strings' quotes and backslash escapes; text outside quotes is kept as is. */
    private static String unquote(String s) throws DecodeException {
        if (s.indexOf('"') < 0) return s;
        StringBuilder out = new StringBuilder(s.length());
        boolean quoted = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (quoted && c == '\\') {
                if (i + 1 >= s.length()) {
                    throw new DecodeException("header value: a backslash ends the value inside a quoted string");
                }
                out.append(s.charAt(++i));
            } else {
                out.append(c);
            }
        }
        if (quoted) throw new DecodeException("header value: a quoted string is not closed");
        return out.toString();
    }
}
