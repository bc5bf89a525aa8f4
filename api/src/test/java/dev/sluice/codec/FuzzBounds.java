package dev.sluice.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.spi.InboundMessage;
import io.cloudevents.CloudEvent;
import java.net.URI;

/** The property every codec fuzz target checks. */
final class FuzzBounds {
    static final URI QUEUE = URI.create("mem://fuzz");

    private FuzzBounds() {
    }

    /**
     * Decodes {@code m}: a {@link DecodeException} is an answer, any other throwable a finding. A decoded
     * event holds no more data than the message and no more extensions than it has attributes (or JSON members).
     */
    static CloudEvent decodes(CloudEventCodec codec, InboundMessage m) {
        CloudEvent event;
        try {
            event = codec.decode(m, QUEUE);
        } catch (DecodeException expected) {
            assertThat(expected.getMessage()).isNotBlank();
            return null;
        }
        assertThat(event).isNotNull();
        int data = event.getData() == null ? 0 : event.getData().toBytes().length;
        assertThat(data).isLessThanOrEqualTo(m.body().length + 16);
        assertThat(event.getExtensionNames().size()).isLessThanOrEqualTo(m.attributes().size() + m.body().length);
        return event;
    }
}
