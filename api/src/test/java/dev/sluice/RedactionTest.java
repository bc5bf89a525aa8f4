package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

class RedactionTest {

    @Test
    void aPasswordInTheUserInfoIsHiddenTheUserKept() {
        assertThat(Redaction.uri(URI.create("amqp://app:s3cr%40t@127.0.0.1:5672/prod/orders")))
                .isEqualTo("amqp://app:***@127.0.0.1:5672/prod/orders");
        assertThat(Redaction.uri(URI.create("redis://:s3cret@127.0.0.1/jobs"))).isEqualTo("redis://:***@127.0.0.1/jobs");
    }

    @Test
    void aPasswordBeforeSeveralServersIsHiddenToo() {
        // "k1,k2" makes the authority registry-based, where java.net.URI reports no user-info
        assertThat(Redaction.uri(URI.create("kafka://app:s3cret@k1:9092,k2:9092/orders")))
                .isEqualTo("kafka://app:***@k1:9092,k2:9092/orders");
    }

    @Test
    void aUserWithoutPasswordAndAPlainUriStayAsWritten() {
        assertThat(Redaction.uri(URI.create("redis://app@127.0.0.1/jobs"))).isEqualTo("redis://app@127.0.0.1/jobs");
        assertThat(Redaction.uri(URI.create("sqs://orders.fifo?region=eu-west-1&endpoint=http://127.0.0.1:9324")))
                .isEqualTo("sqs://orders.fifo?region=eu-west-1&endpoint=http://127.0.0.1:9324");
    }

    @Test
    void queryParametersNamedLikeSecretsAreHiddenButNotTheNameOfAVariableHoldingOne() {
        assertThat(Redaction.uri(URI.create("redis://127.0.0.1/jobs?password=hunter2&group=g")))
                .isEqualTo("redis://127.0.0.1/jobs?password=***&group=g");
        assertThat(Redaction.uri(URI.create("x://q?accessToken=abc&apiKey=def")))
                .isEqualTo("x://q?accessToken=***&apiKey=***");
        assertThat(Redaction.uri(URI.create("redis://127.0.0.1/jobs?passwordEnv=REDIS_PASSWORD")))
                .isEqualTo("redis://127.0.0.1/jobs?passwordEnv=REDIS_PASSWORD");
    }
}
