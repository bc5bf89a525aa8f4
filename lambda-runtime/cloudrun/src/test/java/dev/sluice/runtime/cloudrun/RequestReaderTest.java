package dev.sluice.runtime.cloudrun;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The host's own reading: {@code ce-*} header values per the CloudEvents HTTP binding, and structured events' ids. */
class RequestReaderTest {
    @Test
    void headerValuesArePercentDecodedOnceAsUtf8() {
        assertThat(RequestReader.headerValue("Euro%20%E2%82%AC%20%F0%9F%98%80")).isEqualTo("Euro \u20ac \ud83d\ude00");
        assertThat(RequestReader.headerValue("lower%e2%82%ac")).isEqualTo("lower\u20ac");
        assertThat(RequestReader.headerValue("needless%41")).isEqualTo("needlessA");
        assertThat(RequestReader.headerValue("%2541")).as("one round only").isEqualTo("%41");
        assertThat(RequestReader.headerValue("plain/value:1")).isEqualTo("plain/value:1");
    }

    @Test
    void doubleQuotedValuesAreUnquotedFirst() {
        assertThat(RequestReader.headerValue("\"a b \\\"c\\\"\"")).isEqualTo("a b \"c\"");
        assertThat(RequestReader.headerValue("\"%20\"")).isEqualTo(" ");
    }

    @Test
    void invalidEncodingsAreRejected() {
        assertThat(RequestReader.headerValue("%C0%A0")).as("overlong").isNull();
        assertThat(RequestReader.headerValue("%FF")).as("not UTF-8").isNull();
        assertThat(RequestReader.headerValue("%E2%82")).as("truncated").isNull();
        assertThat(RequestReader.headerValue("100%")).as("no hex digits").isNull();
        assertThat(RequestReader.headerValue("%zz")).isNull();
    }

    @Test
    void theIdAndTypeOfAStructuredEventAreReadWithoutDecodingIt() {
        String json = "{\"data\":{\"id\":\"inner\",\"type\":\"inner\"},\"specversion\":\"1.0\",\"id\":\"e1\",\"type\":\"greet\"}";
        assertThat(RequestReader.idAndType(json.getBytes(StandardCharsets.UTF_8))).containsExactly("e1", "greet");
        assertThat(RequestReader.idAndType("{broken".getBytes(StandardCharsets.UTF_8))).containsExactly(null, null);
        assertThat(RequestReader.idAndType("[]".getBytes(StandardCharsets.UTF_8))).containsExactly(null, null);
    }
}
