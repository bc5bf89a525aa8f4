package dev.sluice.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes {@link HttpHeaderValues#decodeHeaderValue}: any header value decodes to no more characters than it
 * has, or fails with {@link DecodeException}; and every string without unpaired surrogates comes back from
 * {@link HttpHeaderValues#encodeHeaderValue} unchanged.
 */
class HeaderValueFuzz {
    @FuzzTest(maxDuration = "4s")
    void headerValuesDecodeOrFailWithDecodeException(FuzzedDataProvider in) throws DecodeException {
        String header = in.consumeRemainingAsString();
        try {
            assertThat(HttpHeaderValues.decodeHeaderValue(header).length()).isLessThanOrEqualTo(header.length());
        } catch (DecodeException expected) {
            assertThat(expected.getMessage()).startsWith("header value: ");
        }
        if (header.codePoints().noneMatch(c -> c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE)) {
            assertThat(HttpHeaderValues.decodeHeaderValue(HttpHeaderValues.encodeHeaderValue(header))).isEqualTo(header);
        }
    }
}
