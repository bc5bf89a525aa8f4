package dev.sluice.runtime.hosts;

import dev.sluice.runtime.lambda.FakeLambdaRuntimeApi;
import dev.sluice.runtime.lambda.LambdaProcess;
import static dev.sluice.runtime.hosts.Host.QueueSetup.DELAY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.runtime.brokers.ElasticMq;
import dev.sluice.runtime.hosts.Host.Msg;
import dev.sluice.runtime.hosts.Host.QueueSetup;
import dev.sluice.runtime.hosts.Host.Result;
import dev.sluice.runtime.hosts.Host.Sent;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The host contract on the Lambda host ({@link dev.sluice.runtime.lambda.SqsLambdaHandler}) on SQS (ElasticMQ),
 * invoked in process; and the success and retry cases once more under the real Runtime Interface Client.
 */
class LambdaHostContractTest extends HostContract {
    @TempDir
    Path taskRoot;

    @Override
    protected Host createHost() {
        return new LambdaHost(ElasticMq.shared());
    }

    /**
     * Cases 1 and 2 with the function run as Lambda runs it: the real Runtime Interface Client in a child JVM,
     * polling a Runtime API served here, its runtime configured by the same variables and talking to the same
     * ElasticMQ. The records are received from ElasticMQ here and sent as Lambda's SQS event; what became of them
     * is seen in the response and in the broker (the failed one is not visible at once, and comes back after its
     * 7 s delay although the visibility timeout is 10 minutes: the child's ChangeMessageVisibility did that).
     */
    @Test
    @DisplayName("01+02 under the real Runtime Interface Client: success acked, failure retried with the policy's delay")
    void successAndRetryUnderTheRealRuntimeInterfaceClient() throws Exception {
        LambdaHost lambda = (LambdaHost) host;
        AtomicReference<LambdaProcess> child = new AtomicReference<>();
        try (FakeLambdaRuntimeApi api = new FakeLambdaRuntimeApi()) {
            lambda.invoker(event -> {
                FakeLambdaRuntimeApi.Result r = api.invoke(event).get(60, TimeUnit.SECONDS);
                assertThat(r.error()).as("the invocation failed: %s%n%s", r.body(), child.get().output()).isFalse();
                return r.body();
            });
            lambda.start(QueueSetup.defaults());
            try (LambdaProcess c = LambdaProcess.start(api, withRegion(lambda.env()), LambdaProcess.testClassPath(), taskRoot)) {
                child.set(c);
                Sent ok = host.send(Msg.job("ric-ok", "ok"));
                Sent fail = host.send(Msg.job("ric-fail", "fail"));

                assertThat(host.deliver(ok)).isInstanceOf(Result.Acked.class);
                assertThat(host.deliver(fail)).isInstanceOf(Result.Retried.class);

                host.assertRedeliveredAfter(fail, DELAY);
                assertThat(host.deadLetters()).isEmpty();
                assertThat(host.journal().runs()).as("the handlers ran in the child JVM, not here").isEmpty();
            }
        }
    }

    private static java.util.Map<String, String> withRegion(java.util.Map<String, String> env) {
        java.util.Map<String, String> all = new java.util.HashMap<>(env);
        all.putIfAbsent("AWS_REGION", "us-east-1");
        return all;
    }
}
