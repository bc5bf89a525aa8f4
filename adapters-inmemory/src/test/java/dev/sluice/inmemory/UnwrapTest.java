package dev.sluice.inmemory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.Sluice;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** The typed escape hatch on {@link Sluice}: the native object a driver hands out, or empty. */
class UnwrapTest {

    @Test
    void aQueueHandsOutWhatItsDriverDeclaresAndNothingElse() {
        try (Sluice sluice = Sluice.create()) {
            URI orders = URI.create("mem://orders");
            assertThat(sluice.unwrap(orders, MemoryQueue.class)).isPresent();
            assertThat(sluice.unwrap(orders, StringBuilder.class)).isEmpty();
        }
    }
}
