package dev.sluice.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.ConfigurationException;
import dev.sluice.Scheduler;
import dev.sluice.spi.DriverContext;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** URI parsing: every form, every refusal naming what is wrong, and the password never shown. */
class RedisAddressTest {
    private static final DriverContext CONTEXT = new DriverContext(Scheduler.system(), Map.of("REDIS_PW", "from-env")::get);

    private static RedisAddress parse(String uri) {
        return RedisAddress.parse(URI.create(uri), CONTEXT);
    }

    @Test
    void hostPortAndQueueWithDefaults() {
        RedisAddress a = parse("redis://127.0.0.1:6380/orders");
        assertThat(a.server().host()).isEqualTo("127.0.0.1");
        assertThat(a.server().port()).isEqualTo(6380);
        assertThat(a.server().tls()).isFalse();
        assertThat(a.server().database()).isZero();
        assertThat(a.server().user()).isNull();
        assertThat(a.server().password()).isNull();
        assertThat(a.name()).isEqualTo("orders");
        assertThat(a.group()).isEqualTo("sluice");
        assertThat(a.delayedKey()).isEqualTo("orders:sluice:delayed");
        assertThat(parse("redis://localhost/orders").server().port()).isEqualTo(6379);
    }

    @Test
    void userPasswordTlsDatabaseAndGroup() {
        RedisAddress a = parse("rediss://worker:s%40cret@redis.example.com:6390/orders?group=billing&database=3&verifyPeer=false");
        assertThat(a.server().tls()).isTrue();
        assertThat(a.server().verifyPeer()).isFalse();
        assertThat(a.server().user()).isEqualTo("worker");
        assertThat(a.server().password()).isEqualTo("s@cret");
        assertThat(a.server().database()).isEqualTo(3);
        assertThat(a.group()).isEqualTo("billing");
        assertThat(parse("redis://:only-password@h/q").server().user()).isNull();
        assertThat(parse("redis://:only-password@h/q").server().password()).isEqualTo("only-password");
    }

    @Test
    void passwordFromTheEnvironment() {
        RedisAddress a = parse("redis://worker@h/q?passwordEnv=REDIS_PW");
        assertThat(a.server().password()).isEqualTo("from-env");
        assertThatThrownBy(() -> parse("redis://worker@h/q?passwordEnv=MISSING_PW"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("MISSING_PW");
        assertThatThrownBy(() -> parse("redis://worker:pw@h/q?passwordEnv=REDIS_PW"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("password twice");
    }

    @Test
    void thePasswordIsNeverShown() {
        RedisAddress a = parse("redis://worker:hunter2@h:1/q");
        assertThat(a.toString()).doesNotContain("hunter2").contains("worker");
        assertThat(a.server().toString()).doesNotContain("hunter2");
        assertThat(a.describe()).doesNotContain("hunter2");
        assertThatThrownBy(() -> parse("redis://worker:hunter2@h:1/q?bogus=1"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'bogus'").hasMessageNotContaining("hunter2").hasMessageContaining("worker:***@");
    }

    @Test
    void theDefaultDeadLetterQueueKeepsServerAndParameters() {
        assertThat(parse("redis://u:p@h:1/orders?group=g").defaultDeadLetterUri())
                .isEqualTo(URI.create("redis://u:p@h:1/orders-dlq?group=g"));
        assertThat(parse("rediss://h/orders").defaultDeadLetterUri()).isEqualTo(URI.create("rediss://h/orders-dlq"));
    }

    @Test
    void refusalsNameWhatIsWrong() {
        assertThatThrownBy(() -> parse("redis://h:1/orders?prefetch=5")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("unknown parameter 'prefetch'");
        assertThatThrownBy(() -> parse("redis://h:1/")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("names no queue");
        assertThatThrownBy(() -> parse("redis:///orders")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("names no server");
        assertThatThrownBy(() -> parse("redis://h/a:b")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'a:b' is not a queue name");
        assertThatThrownBy(() -> parse("redis://h/q?database=x")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("database");
        assertThatThrownBy(() -> parse("redis://h/q?group=a%20b")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("group 'a b'");
        assertThatThrownBy(() -> parse("redis://h/q?verifyPeer=false")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("rediss://");
        assertThatThrownBy(() -> parse("redis://h/q?group=a&group=b")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'group' is given twice");
    }
}
