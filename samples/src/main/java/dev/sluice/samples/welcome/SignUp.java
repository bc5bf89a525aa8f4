package dev.sluice.samples.welcome;

/**
 * The data of a {@code send-welcome-email} job: who signed up. Travels as JSON,
 * {@code {"email":"ada@example.com","displayName":"Ada"}} (the Terraform examples' schedules send the same).
 *
 * @param email       the address to welcome
 * @param displayName how to greet them
 */
public record SignUp(String email, String displayName) {
}
