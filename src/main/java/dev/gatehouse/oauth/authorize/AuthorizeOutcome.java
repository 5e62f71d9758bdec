package dev.gatehouse.oauth.authorize;

import java.util.Map;

/** What an authorization request leads to; the endpoint turns each into HTTP. */
public sealed interface AuthorizeOutcome {

    /** The client or redirect URI cannot be trusted: an error page, never a redirect (RFC 9700 §4.11). */
    record ErrorPage(int status, String error, String description, String adminDetail) implements AuthorizeOutcome {
        public ErrorPage(int status, String error, String description) {
            this(status, error, description, null);
        }
    }

    /** The person must sign in first (again, when {@code reauthenticate}), then the same request runs again. */
    record SignIn(boolean reauthenticate, String loginHint) implements AuthorizeOutcome {
    }

    /**
     * The person is signed in but must verify a second factor first ({@code enroll}: enroll one first, because they have
     * none or the enrollment policy requires one they lack); then the same request runs again.
     */
    record StepUp(boolean enroll) implements AuthorizeOutcome {
    }

    /**
     * The person must consent to {@code scopes} on the hosted consent page first; Allow continues this same request,
     * Don't Allow sends {@code access_denied} to the redirect URI (the rest is what that refusal needs).
     */
    record Consent(String sessionId, String userId, String serverId, String clientId, java.util.List<String> scopes,
                   String redirectUri, ResponseMode mode, String state, String issuer) implements AuthorizeOutcome {
    }

    /** An answer for the client at its registered redirect URI: a code or an error, with state and iss. */
    record Respond(String redirectUri, ResponseMode mode, Map<String, String> params) implements AuthorizeOutcome {
    }
}
