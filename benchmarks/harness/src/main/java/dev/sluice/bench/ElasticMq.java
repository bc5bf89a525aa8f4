package dev.sluice.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The standalone ElasticMQ server ({@code org.elasticmq.server.Main}) in its own JVM on 127.0.0.1. */
final class ElasticMq {
    private ElasticMq() {
    }

    static ChildProcess start(Path classPathFile, Path workDir) throws IOException, InterruptedException {
        String cp = Files.readString(classPathFile).trim();
        int port = ChildProcess.freePort();
        Path conf = workDir.resolve("elasticmq.conf");
        Files.writeString(conf, """
                include classpath("application.conf")
                pekko.loglevel = "WARNING"
                node-address {
                  protocol = "http"
                  host = "127.0.0.1"
                  port = %d
                  context-path = ""
                }
                rest-sqs {
                  enabled = true
                  bind-port = %d
                  bind-hostname = "127.0.0.1"
                  sqs-limits = strict
                }
                generate-node-address = false
                aws {
                  region = "us-east-1"
                  accountId = "000000000000"
                }
                """.formatted(port, port));
        return ChildProcess.start("elasticmq", ChildProcess.javaCommand(
                List.of("-Xms512m", "-Xmx1g", "-Dconfig.file=" + conf, "-Dlogback.configurationFile=" + logback(workDir)),
                cp, "org.elasticmq.server.Main"), port, workDir);
    }

    private static Path logback(Path workDir) throws IOException {
        Path f = workDir.resolve("elasticmq-logback.xml");
        Files.writeString(f, """
                <configuration>
                  <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{20} - %msg%n</pattern></encoder>
                  </appender>
                  <root level="WARN"><appender-ref ref="OUT"/></root>
                </configuration>
                """);
        return f;
    }
}
