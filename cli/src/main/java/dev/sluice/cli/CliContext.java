package dev.sluice.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** What every command shares in one run: the environment and the root's {@code --config} option. */
final class CliContext {
    final CliEnvironment env;
    final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    String configFile;

    CliContext(CliEnvironment env) {
        this.env = env;
    }

    Session session() {
        return session(false);
    }

    /** A session whose Sluice holds the configured key provider when {@code decrypts}. */
    Session session(boolean decrypts) {
        return new Session(env, configFile, decrypts);
    }

    /** Writes {@code value} as indented JSON on stdout. */
    void printJson(Object value) {
        try {
            env.out().println(json.writeValueAsString(value));
            env.out().flush();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new CliFailure(ExitCode.FAILURE, "could not write JSON: " + e.getOriginalMessage());
        }
    }
}
