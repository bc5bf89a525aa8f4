package dev.sluice.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.PublishResult;
import dev.sluice.Redaction;
import dev.sluice.SluiceException;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sluice publish}: one CloudEvent with JSON data, to a queue. */
@Command(name = "publish", mixinStandardHelpOptions = true, header = "Publish one CloudEvent to a queue", sortOptions = false,
        description = {"Publish one CloudEvent with JSON data to a queue (what a worker on it handles next). "
            + "Queues configured as encrypted are refused: the CLI does not hold the keyring."})
final class PublishCommand implements Callable<Integer> {
    private final CliContext context;

    @Parameters(index = "0", paramLabel = "<queue>", description = "a configured queue name or a queue URI")
    String queue;

    @Option(names = "--type", required = true, paramLabel = "<type>", description = "the event type, e.g. order.placed")
    String type;

    @Option(names = "--data", required = true, paramLabel = "<json>|@<file>",
            description = "the event's data: a JSON value, or @ and a file holding one")
    String data;

    @Option(names = "--source", paramLabel = "<uri>", defaultValue = "/sluice-cli",
            description = "the event source (default ${DEFAULT-VALUE})")
    URI source;

    @Option(names = "--id", paramLabel = "<id>", description = "the event id (default: a random UUID)")
    String id;

    PublishCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws InterruptedException {
        byte[] json = data();
        try (Session session = context.session()) {
            QueueTarget target = session.resolve(queue, null);
            if (session.isEncrypted(target)) {
                throw new CliFailure(ExitCode.USAGE, target.describe() + " is configured as encrypted (SLUICE_QUEUE_"
                        + "<NAME>_ENCRYPTED=true); the CLI does not encrypt, so it refuses to publish plaintext there:"
                        + " publish from an application that holds the keyring");
            }
            CloudEvent event = CloudEventBuilder.v1().withId(id != null ? id : UUID.randomUUID().toString())
                    .withSource(source).withType(type).withData("application/json", json).build();
            PublishResult result;
            try {
                result = session.sluice().publisher(target.uri()).publish(event).get(2, TimeUnit.MINUTES);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof SluiceException s) throw CliFailure.broker(target, "publishing to", s);
                throw new CliFailure(ExitCode.FAILURE, "publishing to " + target.describe() + " failed: "
                        + e.getCause().getClass().getSimpleName() + ": " + e.getCause().getMessage());
            } catch (TimeoutException e) {
                throw new CliFailure(ExitCode.UNREACHABLE, "publishing to " + target.describe()
                        + " took more than 2 minutes\n  what to do: check that the broker is reachable");
            }
            context.env.out().println("published " + type + " " + result.eventId() + " to " + Redaction.uri(target.uri())
                    + " (message " + result.messageId() + ")");
            context.env.out().flush();
            return ExitCode.OK;
        }
    }

    /** The JSON of {@code --data}, checked; an error names the option and where, never the content. */
    private byte[] data() {
        String text;
        String where;
        if (data.startsWith("@")) {
            Path file = Path.of(data.substring(1));
            where = "the file " + file;
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                throw new CliFailure(ExitCode.USAGE, "--data names " + where + ", which does not exist");
            } catch (IOException e) {
                throw new CliFailure(ExitCode.USAGE, "--data names " + where + ", which cannot be read as UTF-8 text: "
                        + e.getClass().getSimpleName());
            }
        } else {
            text = data;
            where = "the value";
        }
        try {
            new ObjectMapper().readTree(text);
        } catch (JsonProcessingException e) {
            var at = e.getLocation();
            throw new CliFailure(ExitCode.USAGE, "--data: " + where + " is not JSON"
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")")
                    + "; write a JSON value, e.g. --data '{\"email\":\"ada@example.com\"}' or --data @event.json");
        }
        if (text.isBlank()) throw new CliFailure(ExitCode.USAGE, "--data: " + where + " is empty; write a JSON value");
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
