package dev.sluice.runtime.inject;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.AbstractModule;
import com.google.inject.Key;
import com.google.inject.Module;
import com.google.inject.name.Names;
import dev.sluice.ConfigurationException;
import dev.sluice.Delivery;
import dev.sluice.EventHandler;
import dev.sluice.Publisher;
import dev.sluice.core.Sluice;
import dev.sluice.runtime.testapp.Recorder;
import dev.sluice.runtime.testapp.TestAppModule;
import dev.sluice.runtime.testapp.TestConfigs;
import dev.sluice.spi.InboundMessage;
import io.cloudevents.CloudEvent;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SluiceRuntimeTest {

    static SluiceRuntime start(Map<String, String> env, Module... extra) {
        return SluiceRuntime.start(TestConfigs.config(env), Sluice.builder(), List.of(extra));
    }

    @Test
    void handlersGetTheirDependenciesAndPublishFollowUps() throws Exception {
        try (SluiceRuntime runtime = start(TestConfigs.env("mem://orders"))) {
            assertThat(runtime.injector().getInstance(Publisher.class).uri().toString()).isEqualTo("mem://orders");
            assertThat(runtime.injector().getInstance(Key.get(Publisher.class, Names.named("orders"))))
                    .isSameAs(runtime.injector().getInstance(Publisher.class));
            assertThat(runtime.injector().getInstance(Sluice.class)).isSameAs(runtime.sluice());
            runtime.sluice().publisher("mem://orders").publish("order.placed", Map.of("sku", "X1")).join();
            List<InboundMessage> received = runtime.sluice().driver(java.net.URI.create("mem://orders"))
                    .receive(10, Duration.ofSeconds(5));
            assertThat(runtime.pipeline("orders").orElseThrow().process(received.get(0), new dev.sluice.testkit.RecordingSettlement()))
                    .isEqualTo(dev.sluice.Outcome.ACK);
            assertThat(runtime.injector().getInstance(Recorder.class).handled()).hasSize(1);
            List<InboundMessage> followUp = runtime.sluice().driver(java.net.URI.create("mem://orders"))
                    .receive(10, Duration.ofSeconds(5));
            assertThat(followUp).hasSize(1);
            assertThat(followUp.get(0).attributes()).containsEntry("ce-type", "order.confirmed");
        }
    }

    static final class Twice extends AbstractModule {
        @Override
        protected void configure() {
            SluiceHandlers.bind(binder()).on("greet").to(Noop.class);
        }
    }

    static final class Noop implements EventHandler {
        @Override
        public void handle(CloudEvent event, Delivery delivery) {
        }
    }

    @Test
    void aTypeBoundTwiceNamesBothBindings() {
        assertThatThrownBy(() -> start(TestConfigs.env("mem://orders"), new Twice()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("event type 'greet' is bound twice: to dev.sluice.runtime.testapp.GreetHandler (bound in "
                        + TestAppModule.class.getName() + ") and to " + Noop.class.getName() + " (bound in "
                        + Twice.class.getName() + "); bind it once");
    }

    @Test
    void aMissingOrWrongModuleClassSaysWhatToChange() {
        Map<String, String> env = TestConfigs.env("mem://orders");
        env.put("SLUICE_MODULES", "com.acme.MissingModule,java.lang.String");
        assertThatThrownBy(() -> start(env))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("SLUICE_MODULES names com.acme.MissingModule, which is not on the class path")
                .hasMessageContaining("SLUICE_MODULES names java.lang.String, which is not a com.google.inject.Module");
    }

    @Test
    void anUnknownSchemeNamesTheQueueAndTheVariable() {
        assertThatThrownBy(() -> start(TestConfigs.env("kafka://orders")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("queue 'orders' (SLUICE_QUEUE_ORDERS_URI=kafka://orders)")
                .hasMessageContaining("no Sluice driver for scheme 'kafka'");
    }

    @Test
    void noHandlersBoundIsAnError() {
        Map<String, String> env = TestConfigs.env("mem://orders");
        env.remove("SLUICE_MODULES");
        assertThatThrownBy(() -> start(env)).hasMessageContaining("no handler is bound");
    }

    interface Mailer {
        void send(String to);
    }

    static final class NeedsMailer implements EventHandler {
        @Inject
        NeedsMailer(Mailer mailer) {
        }

        @Override
        public void handle(CloudEvent event, Delivery delivery) {
        }
    }

    static final class Unsatisfied extends AbstractModule {
        @Override
        protected void configure() {
            SluiceHandlers.bind(binder()).on("mail").to(NeedsMailer.class);
        }
    }

    @Test
    void aMissingHandlerDependencyFailsAtStartUp() {
        assertThatThrownBy(() -> start(TestConfigs.env("mem://orders"), new Unsatisfied()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("cannot be assembled")
                .hasMessageContaining(Mailer.class.getSimpleName());
    }

    @Test
    void aCapabilityTheBrokerLacksFailsAtStartUp() {
        Map<String, String> env = TestConfigs.env("mem://orders");
        env.put("SLUICE_QUEUE_ORDERS_MAX_DELIVERY_ATTEMPTS", "1000");
        env.put("SLUICE_QUEUE_ORDERS_LEASE", "2h");
        assertThatThrownBy(() -> start(env))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("queue 'orders' (SLUICE_QUEUE_ORDERS_URI=mem://orders)")
                .hasMessageContaining("lease is 7200s; in-memory allows at most 600s");
    }
}
