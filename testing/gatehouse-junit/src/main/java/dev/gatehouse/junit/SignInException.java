package dev.gatehouse.junit;

/**
 * Gatehouse refused a step of {@link GatehouseExtension#signIn}: the message says which step (authorize, the sign-in
 * form, the code exchange) and what the server answered, e.g. the sign-in page's error or the OAuth error.
 */
public final class SignInException extends RuntimeException {

    private final String step;
    private final int status;

    SignInException(String step, int status, String message) {
        super(message);
        this.step = step;
        this.status = status;
    }

    /** {@code "authorize"}, {@code "sign-in"} or {@code "token"}, or {@code "setup"} when the app or user is not usable. */
    public String step() {
        return step;
    }

    /** The HTTP status of the refusing response (0 when none applies). */
    public int status() {
        return status;
    }
}
