package ${package};

/** The data of a {@code send-welcome-email} event. */
public record SignUp(String email, String name) {
}
