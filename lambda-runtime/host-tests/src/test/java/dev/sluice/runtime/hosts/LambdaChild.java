package dev.sluice.runtime.hosts;

import dev.sluice.runtime.lambda.FakeLambdaRuntimeApi;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A child JVM running the real AWS Lambda Runtime Interface Client with the Sluice Lambda handler, as Lambda's Java
 * runtime does: its working directory is the task root, its Runtime API a {@link FakeLambdaRuntimeApi}, its class
 * path the test class path (the contract's handlers included).
 */
final class LambdaChild implements AutoCloseable {
    static final String HANDLER = "dev.sluice.runtime.lambda.SqsLambdaHandler::handleRequest";

    private final Process process;
    private final Path log;

    private LambdaChild(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static LambdaChild start(FakeLambdaRuntimeApi api, Map<String, String> env, Path taskRoot) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("surefire.test.class.path");
        if (cp == null || cp.isBlank()) cp = System.getProperty("java.class.path");
        List<String> command = new ArrayList<>(List.of(java, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "-cp", cp, "com.amazonaws.services.lambda.runtime.api.client.AWSLambda", HANDLER));
        ProcessBuilder pb = new ProcessBuilder(command).directory(taskRoot.toFile());
        Map<String, String> e = pb.environment();
        e.keySet().removeIf(k -> k.startsWith("SLUICE_") || k.startsWith("AWS_"));
        e.put("AWS_LAMBDA_RUNTIME_API", api.address());
        e.put("_HANDLER", HANDLER);
        e.put("LAMBDA_TASK_ROOT", taskRoot.toString());
        e.put("AWS_LAMBDA_FUNCTION_NAME", "contract-worker");
        e.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        e.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512");
        e.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/contract-worker");
        e.put("AWS_LAMBDA_LOG_STREAM_NAME", "test");
        e.put("AWS_REGION", "us-east-1");
        e.putAll(env);
        Path log = Files.createTempFile("sluice-contract-lambda", ".log");
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        return new LambdaChild(pb.start(), log);
    }

    String output() {
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
        try {
            Files.deleteIfExists(log);
        } catch (IOException ignored) {
            // a temporary file
        }
    }
}
