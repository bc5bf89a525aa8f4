package dev.sluice.runtime.cloudrun;

/**
 * A request the host refuses before any handler sees it: the status to answer, and why, for the log only.
 * The response body is {@link #body(int)}, which names the status and nothing of the request or the
 * configuration.
 */
final class Rejected extends Exception {
    private static final long serialVersionUID = 1L;
    final int status;

    /** @param reason for the log: never the payload or the token */
    Rejected(int status, String reason) {
        super(reason, null, false, false);
        this.status = status;
    }

    static Rejected badRequest(String reason) {
        return new Rejected(400, reason);
    }

    /** The generic body of a response with {@code status}. */
    static String body(int status) {
        return switch (status) {
            case 200 -> "ok";
            case 400 -> "bad request";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "not found";
            case 405 -> "method not allowed";
            case 413 -> "payload too large";
            case 415 -> "unsupported media type";
            case 431 -> "request headers too large";
            case 503 -> "retry later";
            default -> status >= 500 ? "internal error" : "bad request";
        };
    }
}
