package dev.sluice.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.ConfigurationException;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class UriParametersTest {
    private static final List<String> KNOWN = List.of("region", "endpoint");

    @Test
    void parametersAreDecodedAndKeptInTheOrderWritten() {
        assertThat(UriParameters.parse(URI.create("x://q?endpoint=http%3A%2F%2F127.0.0.1%3A9324&region=eu-west-1"), KNOWN))
                .containsExactly(java.util.Map.entry("endpoint", "http://127.0.0.1:9324"), java.util.Map.entry("region", "eu-west-1"));
        assertThat(UriParameters.parse(URI.create("x://q"), KNOWN)).isEmpty();
    }

    @Test
    void anUnknownOrRepeatedParameterIsRefusedByNameWithoutShowingAPassword() {
        assertThatThrownBy(() -> UriParameters.parse(URI.create("x://app:pw123@h/q?regoin=eu"), KNOWN))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("unknown parameter 'regoin' (known: region, endpoint)")
                .hasMessageContaining("x://app:***@h/q").hasMessageNotContaining("pw123");
        assertThatThrownBy(() -> UriParameters.parse(URI.create("x://q?region=a&region=b"), KNOWN))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("parameter 'region' is given twice");
    }
}
