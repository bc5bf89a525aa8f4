package dev.sluice.samples.welcome;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.DeadLetter;
import dev.sluice.DeadLetterReason.Cause;
import dev.sluice.core.DeadLetters;
import dev.sluice.core.Sluice;
import dev.sluice.samples.Progress;
import dev.sluice.samples.VirtualTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The welcome e-mail end to end on mem:// and a virtual clock. What must happen is worked out here from the
 * seed and the rules (the mailer's failure rule, 3 attempts), not taken from a run.
 */
class WelcomeEmailSampleTest {
    private static final long SEED = 42;
    private static final int JOBS = 300;

    /** What the queue's rules make of each job, given which sends fail. */
    private static final class Expected {
        int succeeded;
        int retries;
        final Map<String, Cause> deadLettered = new HashMap<>();
        final Map<String, Integer> sends = new HashMap<>();
        final long mailerSeed = new Random(SEED).nextLong();

        /** One round of up to 3 attempts for {@code s}, with the mailbox of {@code full} (if any) full. */
        void run(SignUp s, String full) {
            if (!s.email().contains("@")) {
                deadLettered.put(s.email(), Cause.PERMANENT_FAILURE);
                return;
            }
            for (int attempt = 1; attempt <= 3; attempt++) {
                boolean failed;
                if (s.email().equals(full)) {
                    failed = true; // refused before the send is counted
                } else {
                    int n = sends.merge(s.email(), 1, Integer::sum);
                    failed = SimulatedMailer.fails(mailerSeed, s.email(), n, 0.10);
                }
                if (!failed) {
                    succeeded++;
                    return;
                }
                if (attempt < 3) retries++;
            }
            deadLettered.put(s.email(), Cause.MAX_ATTEMPTS);
        }
    }

    @Test
    void jobsSucceedRetryAndDeadLetterAsTheSeedDictatesThenRedriveFixesTheExhaustedOnes() throws Exception {
        List<SignUp> signUps = WelcomeEmailSample.signUps(JOBS);
        Expected expected = new Expected();
        signUps.forEach(s -> expected.run(s, WelcomeEmailSample.FULL_MAILBOX));
        assertThat(expected.retries).as("the seed gives the test some retries to check").isGreaterThan(10);

        VirtualTime time = new VirtualTime();
        SimulatedMailer mailer = new SimulatedMailer(new Random(SEED), 0.10);
        mailer.mailboxFull(WelcomeEmailSample.FULL_MAILBOX);
        try (Sluice sluice = time.sluice();
             WelcomeEmailSample sample = new WelcomeEmailSample(sluice, WelcomeEmailSample.spec(), mailer, time.progress)) {
            sample.publish(signUps);
            time.runUntilIdle();

            Progress.HandlerStats first = time.progress.handler(WelcomeEmailSample.TYPE);
            assertThat(first.succeeded()).isEqualTo(expected.succeeded);
            assertThat(first.retries()).isEqualTo(expected.retries);
            assertThat(first.deadLettered()).isEqualTo(expected.deadLettered.size());
            assertThat(mailer.sent()).hasSize(expected.succeeded);

            List<DeadLetter> dead = sample.deadLetters(expected.deadLettered.size());
            Map<String, Cause> causes = dead.stream().collect(Collectors.toMap(
                    d -> sluice.events().bind(d.event(), SignUp.class).email(), d -> d.reason().orElseThrow().cause()));
            assertThat(causes).isEqualTo(expected.deadLettered)
                    .containsEntry(WelcomeEmailSample.FULL_MAILBOX, Cause.MAX_ATTEMPTS)
                    .containsEntry(WelcomeEmailSample.NOT_AN_ADDRESS, Cause.PERMANENT_FAILURE);
            assertThat(dead).filteredOn(d -> d.reason().orElseThrow().cause() == Cause.MAX_ATTEMPTS)
                    .allSatisfy(d -> assertThat(d.reason().orElseThrow().attempts()).isEqualTo(3));

            // The operator empties the mailbox and redrives what ran out of attempts.
            mailer.mailboxEmptied(WelcomeEmailSample.FULL_MAILBOX);
            List<SignUp> redriven = signUps.stream()
                    .filter(s -> expected.deadLettered.get(s.email()) == Cause.MAX_ATTEMPTS).toList();
            Expected second = expected;
            redriven.forEach(s -> second.deadLettered.remove(s.email()));
            int succeededBefore = second.succeeded;
            int retriesBefore = second.retries;
            redriven.forEach(s -> second.run(s, null));

            DeadLetters.RedriveResult result = sample.redriveExhausted();
            time.runUntilIdle();

            assertThat(result.moved()).isEqualTo(redriven.size());
            assertThat(result.kept()).isEqualTo(1); // the malformed address stays
            Progress.HandlerStats after = time.progress.handler(WelcomeEmailSample.TYPE);
            assertThat(after.succeeded()).isEqualTo(second.succeeded);
            assertThat(after.succeeded() - first.succeeded()).isEqualTo(second.succeeded - succeededBefore);
            assertThat(after.retries() - first.retries()).isEqualTo(second.retries - retriesBefore);
            assertThat(mailer.sent()).extracting(SimulatedMailer.Sent::to).contains(WelcomeEmailSample.FULL_MAILBOX);
            assertThat(sample.deadLetters(JOBS)).extracting(d -> sluice.events().bind(d.event(), SignUp.class).email())
                    .containsExactlyInAnyOrderElementsOf(second.deadLettered.keySet());
        }
    }
}
