package dev.sluice.runtime.cloudrun;

/** A request the host refuses before any handler sees it, with the status to answer and why. */
final class Rejected extends Exception {
    private static final long serialVersionUID = 1L;
    final int status;

    Rejected(int status, String reason) {
        super(reason, null, false, false);
        this.status = status;
    }

    static Rejected badRequest(String reason) {
        return new Rejected(400, reason);
    }
}
