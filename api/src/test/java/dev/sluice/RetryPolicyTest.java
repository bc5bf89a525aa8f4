package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    @Test
    void exponentialDoublesFromTheInitialDelayUpToTheCap() {
        RetryPolicy p = RetryPolicy.exponential(Duration.ofSeconds(1)).multiplier(2).maxDelay(Duration.ofSeconds(10)).build();
        assertThat(p.delayAfter(1, () -> 0.5)).isEqualTo(Duration.ofSeconds(1));
        assertThat(p.delayAfter(2, () -> 0.5)).isEqualTo(Duration.ofSeconds(2));
        assertThat(p.delayAfter(3, () -> 0.5)).isEqualTo(Duration.ofSeconds(4));
        assertThat(p.delayAfter(4, () -> 0.5)).isEqualTo(Duration.ofSeconds(8));
        assertThat(p.delayAfter(5, () -> 0.5)).isEqualTo(Duration.ofSeconds(10));
        assertThat(p.delayAfter(60, () -> 0.5)).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void jitterSpreadsEitherWayByItsFraction() {
        RetryPolicy p = RetryPolicy.exponential(Duration.ofSeconds(10)).jitter(0.2).build();
        assertThat(p.delayAfter(1, () -> 0.0)).isEqualTo(Duration.ofSeconds(8));
        assertThat(p.delayAfter(1, () -> 0.5)).isEqualTo(Duration.ofSeconds(10));
        assertThat(p.delayAfter(1, () -> 0.999999)).isBetween(Duration.ofMillis(11_999), Duration.ofSeconds(12));
    }

    @Test
    void fixedAndImmediate() {
        assertThat(RetryPolicy.fixed(Duration.ofSeconds(3)).delayAfter(7, () -> 0.9)).isEqualTo(Duration.ofSeconds(3));
        assertThat(RetryPolicy.immediate().delayAfter(1, () -> 0.9)).isZero();
    }

    @Test
    void defaultsComeFromTheSharedDefaultsFile() {
        RetryPolicy p = RetryPolicy.defaults();
        assertThat(p.initialDelay()).isEqualTo(Duration.ofSeconds(1));
        assertThat(p.maxDelay()).isEqualTo(Duration.ofSeconds(600));
        assertThat(QueueSpec.of("mem://q").maxDeliveryAttempts()).isEqualTo(5);
    }

    @Test
    void invalidValuesNameTheField() {
        assertThatThrownBy(() -> RetryPolicy.exponential(Duration.ofSeconds(1)).multiplier(0.5).build())
                .hasMessageContaining("multiplier");
        assertThatThrownBy(() -> RetryPolicy.exponential(Duration.ofSeconds(1)).jitter(2).build())
                .hasMessageContaining("jitter");
        assertThatThrownBy(() -> new RetryPolicy(Duration.ofSeconds(5), 2, Duration.ofSeconds(1), 0))
                .hasMessageContaining("maxDelay");
    }
}
