package dev.sluice.samples.welcome;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Outcome;
import dev.sluice.core.Sluice;
import dev.sluice.runtime.config.RuntimeConfig;
import dev.sluice.runtime.inject.SluiceRuntime;
import dev.sluice.spi.InboundMessage;
import dev.sluice.spi.QueueDriver;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The module the Terraform examples deploy, booted by the function runtime from the same variables. */
class WelcomeEmailModuleTest {

    @Test
    void runtimeBootsTheModuleFromTheTerraformVariablesAndRoutesTheJob() throws Exception {
        Map<String, String> env = Map.of(
                "SLUICE_MODULES", WelcomeEmailModule.class.getName(),
                "SLUICE_QUEUE_WELCOME_EMAIL_URI", "mem://welcome-email",
                "SLUICE_QUEUE_WELCOME_EMAIL_MAX_DELIVERY_ATTEMPTS", "3");
        try (SluiceRuntime runtime = SluiceRuntime.start(RuntimeConfig.load(env, new Properties()), Sluice.builder(),
                List.of())) {
            assertThat(runtime.router().types()).containsExactly(WelcomeEmailSample.TYPE);
            assertThat(runtime.injector().getInstance(Mailer.class)).isInstanceOf(SimulatedMailer.class);

            runtime.sluice().publisher("mem://welcome-email")
                    .publish(WelcomeEmailSample.TYPE, new SignUp("not an address", "Nobody")).join();
            QueueDriver queue = runtime.sluice().driver(URI.create("mem://welcome-email"));
            InboundMessage message = queue.receive(1, Duration.ofSeconds(5)).get(0);
            Outcome outcome = runtime.pipeline(WelcomeEmailSample.QUEUE).orElseThrow().process(message, new dev.sluice.testkit.RecordingSettlement());

            assertThat(outcome).isInstanceOf(Outcome.DeadLetter.class);
            assertThat(((Outcome.DeadLetter) outcome).reason().message()).contains("not an e-mail address");
        }
    }
}
