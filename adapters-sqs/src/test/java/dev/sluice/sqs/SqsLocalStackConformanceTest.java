package dev.sluice.sqs;

import dev.sluice.core.Sluice;
import dev.sluice.testkit.ConformanceHarness;
import dev.sluice.testkit.ConformanceSuite;
import java.util.Map;
import org.junit.jupiter.api.condition.EnabledIf;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The conformance suite (standard queues) against LocalStack in a container. Where no Docker engine is
 * reachable every case is reported as skipped with that reason, and the build passes.
 */
@EnabledIf(value = "dockerAvailable",
        disabledReason = "no Docker engine is reachable here, so LocalStack cannot run (the same suite runs on ElasticMQ)")
class SqsLocalStackConformanceTest extends ConformanceSuite {

    static boolean dockerAvailable() {
        return DockerClientFactory.instance().isDockerAvailable();
    }

    @Override
    protected ConformanceHarness createHarness() {
        LocalStackContainer localstack = new LocalStackContainer(DockerImageName.parse("localstack/localstack:4.4"))
                .withServices(LocalStackContainer.Service.SQS);
        localstack.start();
        Map<String, String> env = Map.of("AWS_ENDPOINT_URL_SQS", localstack.getEndpoint().toString(),
                "AWS_REGION", localstack.getRegion());
        Sluice sluice = Sluice.builder().environment(env::get).driver(new SqsDriverProvider(b -> b.credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create(localstack.getAccessKey(),
                        localstack.getSecretKey()))))).build();
        return new SqsHarness(sluice, false, "ls-", localstack::stop);
    }
}
