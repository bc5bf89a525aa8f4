package dev.sluice.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.ConfigurationException;
import dev.sluice.QueueSpec;
import dev.sluice.RetryPolicy;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuntimeConfigTest {
    @TempDir
    Path dir;

    private static Properties props(String... kv) {
        Properties p = new Properties();
        for (int i = 0; i < kv.length; i += 2) p.setProperty(kv[i], kv[i + 1]);
        return p;
    }

    private static Map<String, String> env(String... kv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
        return m;
    }

    @Test
    void terraformsVariablesMakeTheSpec() {
        RuntimeConfig c = RuntimeConfig.load(env(
                "SLUICE_MODULES", "com.acme.AppModule, com.acme.MailModule",
                "SLUICE_QUEUE_WELCOME_EMAIL_URI", "sqs://welcome-email?region=eu-west-1",
                "SLUICE_QUEUE_WELCOME_EMAIL_DLQ", "sqs://welcome-email-dlq?region=eu-west-1",
                "SLUICE_QUEUE_WELCOME_EMAIL_MAX_DELIVERY_ATTEMPTS", "7",
                "SLUICE_QUEUE_WELCOME_EMAIL_RETRY", "exponential",
                "SLUICE_QUEUE_WELCOME_EMAIL_RETRY_INITIAL_DELAY", "2s",
                "SLUICE_QUEUE_WELCOME_EMAIL_RETRY_MAX_DELAY", "600s",
                "SLUICE_QUEUE_WELCOME_EMAIL_RETRY_MULTIPLIER", "3",
                "SLUICE_QUEUE_WELCOME_EMAIL_LEASE", "PT45S",
                "SLUICE_QUEUE_WELCOME_EMAIL_CONCURRENCY", "4",
                "SLUICE_PUSH_AUDIENCE", "aud", "SLUICE_PUSH_SERVICE_ACCOUNT", "sa@p.iam.gserviceaccount.com",
                "PORT", "9090", "PATH", "/usr/bin"), new Properties());

        assertThat(c.modules()).containsExactly("com.acme.AppModule", "com.acme.MailModule");
        assertThat(c.port()).isEqualTo(9090);
        assertThat(c.pushAuth()).hasValueSatisfying(a -> {
            assertThat(a.audience()).isEqualTo("aud");
            assertThat(a.jwksUri()).isEqualTo(PushAuth.GOOGLE_JWKS);
        });
        QueueConfig q = c.queue("welcome-email").orElseThrow();
        assertThat(q.name()).isEqualTo("welcome-email");
        QueueSpec s = q.spec();
        assertThat(s.uri()).isEqualTo(URI.create("sqs://welcome-email?region=eu-west-1"));
        assertThat(s.deadLetterUri()).isEqualTo(URI.create("sqs://welcome-email-dlq?region=eu-west-1"));
        assertThat(s.maxDeliveryAttempts()).isEqualTo(7);
        assertThat(s.retryPolicy()).isEqualTo(new RetryPolicy(Duration.ofSeconds(2), 3.0, Duration.ofSeconds(600),
                RetryPolicy.defaults().jitter()));
        assertThat(s.lease()).isEqualTo(Duration.ofSeconds(45));
        assertThat(s.concurrency()).isEqualTo(4);
    }

    @Test
    void whatNothingSetsComesFromQueueSpecDefaults() {
        RuntimeConfig c = RuntimeConfig.load(env("SLUICE_QUEUE_ORDERS_URI", "mem://orders"), new Properties());
        assertThat(c.queues().get(0).spec()).isEqualTo(QueueSpec.of("mem://orders"));
        assertThat(c.port()).isEqualTo(8080);
        assertThat(c.pushAuth()).isEmpty();
        assertThat(c.shutdownTimeout()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void environmentBeatsSystemPropertiesWhichBeatTheFile() throws Exception {
        Path file = dir.resolve("sluice.properties");
        Files.writeString(file, String.join("\n",
                "sluice.queue.welcome-email.uri=mem://from-file",
                "sluice.queue.welcome-email.lease=10s",
                "sluice.queue.welcome-email.concurrency=2",
                "sluice.queue.welcome-email.retry=none",
                "sluice.modules=com.acme.FileModule"));
        RuntimeConfig c = RuntimeConfig.load(
                env("SLUICE_CONFIG_FILE", file.toString(), "SLUICE_QUEUE_WELCOME_EMAIL_URI", "mem://from-env"),
                props("sluice.queue.welcome-email.uri", "mem://from-properties", "sluice.queue.welcome-email.lease", "20s"));
        QueueConfig q = c.queues().get(0);
        assertThat(q.name()).isEqualTo("welcome-email");
        assertThat(q.spec().uri()).isEqualTo(URI.create("mem://from-env"));
        assertThat(q.spec().lease()).isEqualTo(Duration.ofSeconds(20));
        assertThat(q.spec().concurrency()).isEqualTo(2);
        assertThat(q.spec().retryPolicy()).isEqualTo(RetryPolicy.immediate());
        assertThat(c.modules()).containsExactly("com.acme.FileModule");

        RuntimeConfig bySystemProperty = RuntimeConfig.load(env(), props("sluice.config.file", file.toString()));
        assertThat(bySystemProperty.queues().get(0).spec().uri()).isEqualTo(URI.create("mem://from-file"));
    }

    @Test
    void durationsInEveryAcceptedForm() {
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("1s")).isEqualTo(Duration.ofSeconds(1));
        assertThat(Durations.parse("600s")).isEqualTo(Duration.ofSeconds(600));
        assertThat(Durations.parse("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(Durations.parse("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(Durations.parse("PT1S")).isEqualTo(Duration.ofSeconds(1));
        assertThat(Durations.parse("PT0.5S")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("30")).isNull();
        assertThat(Durations.parse("1 s")).isNull();
        assertThat(Durations.parse("PTxS")).isNull();
    }

    @Test
    void metricsSettingsHaveDefaultsAndAreChecked() {
        RuntimeConfig plain = RuntimeConfig.load(env("SLUICE_QUEUE_A_URI", "mem://a"), new Properties());
        assertThat(plain.metrics()).isEqualTo(MetricsSettings.defaults());
        assertThat(plain.metrics().enabled()).isTrue();
        assertThat(plain.metrics().port()).isEqualTo(9464);

        RuntimeConfig c = RuntimeConfig.load(env("SLUICE_QUEUE_A_URI", "mem://a", "SLUICE_METRICS", "off",
                "SLUICE_METRICS_HOST", "127.0.0.1", "SLUICE_METRICS_PORT", "0", "SLUICE_METRICS_PATH", "/prom",
                "SLUICE_METRICS_DEPTH_INTERVAL", "30s"), new Properties());
        assertThat(c.metrics()).isEqualTo(new MetricsSettings(false, "127.0.0.1", 0, "/prom", Duration.ofSeconds(30)));
        assertThat(RuntimeConfig.load(env("SLUICE_QUEUE_A_URI", "mem://a"), props("sluice.metrics.port", "9100"))
                .metrics().port()).isEqualTo(9100);

        assertThatThrownBy(() -> RuntimeConfig.load(env("SLUICE_QUEUE_A_URI", "mem://a", "SLUICE_METRICS", "maybe",
                "SLUICE_METRICS_PORT", "70000", "SLUICE_METRICS_PATH", "metrics"), new Properties()))
                .hasMessageContaining("SLUICE_METRICS is 'maybe': write one of auto, off")
                .hasMessageContaining("SLUICE_METRICS_PORT is '70000'")
                .hasMessageContaining("SLUICE_METRICS_PATH is 'metrics'");
    }

    @Test
    void logFormatIsTextOrJson() {
        assertThat(RuntimeConfig.load(env("SLUICE_QUEUE_A_URI", "mem://a"), new Properties()).logs())
                .isEqualTo(LogSettings.defaults());
        RuntimeConfig c = RuntimeConfig.load(env("SLUICE_QUEUE_A_URI", "mem://a", "SLUICE_LOG_FORMAT", "json",
                "SLUICE_LOG_GCP_PROJECT", "acme"), new Properties());
        assertThat(c.logs()).isEqualTo(new LogSettings(true, java.util.Optional.of("acme")));
        assertThatThrownBy(() -> RuntimeConfig.load(env("SLUICE_QUEUE_A_URI", "mem://a", "SLUICE_LOG_FORMAT", "xml"),
                new Properties())).hasMessageContaining("SLUICE_LOG_FORMAT is 'xml': write one of text, json");
    }

    @Test
    void anEncryptedQueueNeedsTheKeyringAndTheKeyringShowsOnlyItsKeyIds() {
        String key = java.util.Base64.getEncoder().encodeToString(new byte[32]);
        RuntimeConfig c = RuntimeConfig.load(env("SLUICE_QUEUE_A_URI", "mem://a", "SLUICE_QUEUE_A_ENCRYPTED", "true",
                "SLUICE_KEYRING", "k2:" + key + ",k1:" + key), new Properties());
        assertThat(c.queues().get(0).encrypted()).isTrue();
        assertThat(c.keys()).hasValueSatisfying(k -> assertThat(k.primaryKeyId()).hasValue("k2"));
        assertThat(c.toString()).contains("k2").doesNotContain(key);
        assertThat(RuntimeConfig.load(env("SLUICE_QUEUE_A_URI", "mem://a"), new Properties()).queues().get(0).encrypted())
                .isFalse();

        assertThatThrownBy(() -> RuntimeConfig.load(env("SLUICE_QUEUE_A_URI", "mem://a", "SLUICE_QUEUE_A_ENCRYPTED", "true"),
                new Properties())).hasMessageContaining("SLUICE_QUEUE_A_ENCRYPTED").hasMessageContaining("SLUICE_KEYRING");
        String shortKey = java.util.Base64.getEncoder().encodeToString(new byte[16]);
        assertThatThrownBy(() -> RuntimeConfig.load(env("SLUICE_QUEUE_A_URI", "mem://a", "SLUICE_KEYRING", "k1:" + shortKey),
                new Properties())).hasMessageContaining("SLUICE_KEYRING").hasMessageContaining("'k1'")
                .hasMessageNotContaining(shortKey);
    }

    @Test
    void aKeyServiceKeyOpensThroughItsFactoryAndAMissingModuleOrTwoProvidersAreNamed() {
        RuntimeConfig c = RuntimeConfig.load(env("SLUICE_QUEUE_A_URI", "mem://a", "SLUICE_QUEUE_A_ENCRYPTED", "true",
                "SLUICE_KMS_KEY", "test-kms:orders-key"), new Properties());
        assertThat(c.keys()).hasValueSatisfying(k -> assertThat(k.primaryKeyId()).hasValue("orders-key"));

        assertThatThrownBy(() -> RuntimeConfig.load(env("SLUICE_QUEUE_A_URI", "mem://a",
                "SLUICE_KMS_KEY", "aws-kms:alias/orders"), new Properties()))
                .hasMessageContaining("SLUICE_KMS_KEY").hasMessageContaining("'aws-kms:'")
                .hasMessageContaining("sluice-kms-aws");
        String key = java.util.Base64.getEncoder().encodeToString(new byte[32]);
        assertThatThrownBy(() -> RuntimeConfig.load(env("SLUICE_QUEUE_A_URI", "mem://a", "SLUICE_KEYRING", "k1:" + key,
                "SLUICE_KMS_KEY", "test-kms:orders-key"), new Properties()))
                .hasMessageContaining("SLUICE_KEYRING").hasMessageContaining("SLUICE_KMS_KEY")
                .hasMessageContaining("choose one").hasMessageNotContaining(key);
    }

    @Test
    void theKeySettingsAloneNeedNoQueueAndFollowTheSameRules() {
        String key = java.util.Base64.getEncoder().encodeToString(new byte[32]);
        assertThat(RuntimeConfig.keyProvider(env("SLUICE_KEYRING", "k2:" + key + ",k1:" + key), new Properties()))
                .hasValueSatisfying(k -> assertThat(k.primaryKeyId()).hasValue("k2"));
        Properties system = new Properties();
        system.setProperty("sluice.kms-key", "test-kms:orders-key");
        assertThat(RuntimeConfig.keyProvider(env(), system))
                .hasValueSatisfying(k -> assertThat(k.primaryKeyId()).hasValue("orders-key"));
        assertThat(RuntimeConfig.keyProvider(env(), new Properties())).isEmpty();
        assertThatThrownBy(() -> RuntimeConfig.keyProvider(env("SLUICE_KEYRING", "k1:" + key, "SLUICE_KMS_KEY",
                "test-kms:orders-key"), new Properties())).hasMessageContaining("choose one").hasMessageNotContaining(key);
        assertThatThrownBy(() -> RuntimeConfig.keyProvider(env("SLUICE_KEYRING", "k1:short"), new Properties()))
                .hasMessageContaining("SLUICE_KEYRING").hasMessageContaining("'k1'");
    }

    @Test
    void fixedRetryUsesTheInitialDelay() {
        RuntimeConfig c = RuntimeConfig.load(env("SLUICE_QUEUE_A_URI", "mem://a", "SLUICE_QUEUE_A_RETRY", "FIXED",
                "SLUICE_QUEUE_A_RETRY_INITIAL_DELAY", "1500ms", "SLUICE_QUEUE_A_RETRY_MAX_DELAY", "1s"), new Properties());
        assertThat(c.queues().get(0).spec().retryPolicy()).isEqualTo(RetryPolicy.fixed(Duration.ofMillis(1500)));
    }

    @Test
    void everyProblemIsReportedAtOnceNamingTheSettingAndTheFix() {
        assertThatThrownBy(() -> RuntimeConfig.load(env(
                "SLUICE_QUEUE_A_URI", "mem://a",
                "SLUICE_QUEUE_A_LEASE", "30",
                "SLUICE_QUEUE_A_MAX_DELIVERY_ATTEMPTS", "zero",
                "SLUICE_QUEUE_A_CONCURRENCY", "0",
                "SLUICE_QUEUE_A_RETRY", "linear",
                "SLUICE_QUEUE_A_RETRY_MULTIPLIER", "0.5",
                "SLUICE_QUEUE_A_ORDERING", "yes",
                "SLUICE_QUEUE_A_PROVISIONING", "always",
                "SLUICE_QUEUE_B_URI", "orders",
                "SLUICE_QUEUE_C_RETRY_INITIAL_DELAY", "10s", "SLUICE_QUEUE_C_RETRY_MAX_DELAY", "1s", "SLUICE_QUEUE_C_URI", "mem://c",
                "SLUICE_QUEUE_D_DLQ", "mem://d-dlq",
                "SLUICE_QUEUE_E_URI", "mem://e", "SLUICE_QUEUE_E_DLQ", "sqs://e-dlq",
                "SLUICE_QUEUE_F_VISIBILITY", "30s",
                "SLUICE_PUSH_AUDIENCE", "aud",
                "PORT", "http"), new Properties()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("SLUICE_QUEUE_A_LEASE is '30': write a duration such as 500ms, 30s, 5m, 1h or PT30S")
                .hasMessageContaining("SLUICE_QUEUE_A_MAX_DELIVERY_ATTEMPTS is 'zero': write a whole number from 1 to 1000")
                .hasMessageContaining("SLUICE_QUEUE_A_CONCURRENCY is '0': write a whole number from 1")
                .hasMessageContaining("SLUICE_QUEUE_A_RETRY is 'linear': write one of exponential, fixed, none")
                .hasMessageContaining("SLUICE_QUEUE_A_RETRY_MULTIPLIER is '0.5': write a number from 1.0")
                .hasMessageContaining("SLUICE_QUEUE_A_ORDERING is 'yes': write true or false")
                .hasMessageContaining("SLUICE_QUEUE_A_PROVISIONING is 'always': write one of create, verify, none")
                .hasMessageContaining("SLUICE_QUEUE_B_URI is 'orders', which has no scheme: write e.g. sqs://orders")
                .hasMessageContaining("SLUICE_QUEUE_C_RETRY_MAX_DELAY (PT1S) is shorter than SLUICE_QUEUE_C_RETRY_INITIAL_DELAY (PT10S)")
                .hasMessageContaining("SLUICE_QUEUE_D_DLQ is set, but queue 'd' has no URI: set SLUICE_QUEUE_D_URI")
                .hasMessageContaining("SLUICE_QUEUE_E_DLQ is sqs://e-dlq but the queue is mem://e: a dead-letter queue must be on the same broker")
                .hasMessageContaining("SLUICE_QUEUE_F_VISIBILITY: unknown queue setting")
                .hasMessageContaining("SLUICE_PUSH_AUDIENCE is set but SLUICE_PUSH_SERVICE_ACCOUNT is not")
                .hasMessageContaining("PORT is 'http': write a whole number from 1 to 65535");
    }

    @Test
    void noQueueOrAMissingFileIsAnError() {
        assertThatThrownBy(() -> RuntimeConfig.load(env("SLUICE_MODULES", "com.acme.App"), new Properties()))
                .hasMessageContaining("no queue is configured: set SLUICE_QUEUE_<NAME>_URI");
        assertThatThrownBy(() -> RuntimeConfig.load(env("SLUICE_CONFIG_FILE", "/nonexistent/sluice.properties",
                "SLUICE_QUEUE_A_URI", "mem://a"), new Properties()))
                .hasMessageContaining("names /nonexistent/sluice.properties, which does not exist");
        assertThatThrownBy(() -> RuntimeConfig.load(env(), props("sluice.queue.a.uri", "mem://a", "sluice.queue.a.lease-time", "3s")))
                .hasMessageContaining("system property sluice.queue.a.lease-time: unknown queue setting");
    }
}
