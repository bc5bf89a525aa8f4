package dev.sluice.runtime.lambda;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A child JVM running the real AWS Lambda Runtime Interface Client with the Sluice handler, as Lambda's
 * Java runtime does: its working directory is the task root, its runtime API is a {@link FakeLambdaRuntimeApi}.
 * {@code sluiceEnv} may override the AWS variables it sets (the region, say).
 */
public final class LambdaProcess implements AutoCloseable {
    static final String HANDLER = "dev.sluice.runtime.lambda.SqsLambdaHandler::handleRequest";

    final Process process;
    final Path log;

    private LambdaProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    public static LambdaProcess start(FakeLambdaRuntimeApi api, Map<String, String> sluiceEnv, String classPath, Path taskRoot)
            throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "-cp", classPath, "com.amazonaws.services.lambda.runtime.api.client.AWSLambda", HANDLER));
        ProcessBuilder pb = new ProcessBuilder(command).directory(taskRoot.toFile());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("SLUICE_") || k.startsWith("AWS_"));
        env.put("AWS_LAMBDA_RUNTIME_API", api.address());
        env.put("_HANDLER", HANDLER);
        env.put("LAMBDA_TASK_ROOT", taskRoot.toString());
        env.put("AWS_LAMBDA_FUNCTION_NAME", "orders-worker");
        env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512");
        env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/orders-worker");
        env.put("AWS_LAMBDA_LOG_STREAM_NAME", "test");
        env.put("AWS_REGION", "eu-west-1");
        env.putAll(sluiceEnv);
        Path log = Files.createTempFile("sluice-lambda", ".log");
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        return new LambdaProcess(pb.start(), log);
    }

    /** The test class path: what surefire runs the tests with. */
    public static String testClassPath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
    }

    public String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        new File(log.toString()).delete();
    }
}
