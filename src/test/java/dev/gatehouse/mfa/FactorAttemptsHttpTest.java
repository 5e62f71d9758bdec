package dev.gatehouse.mfa;

import dev.gatehouse.mfa.MfaClient.Enrolled;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;

import static dev.gatehouse.mfa.MfaClient.assertSuccess;
import static dev.gatehouse.support.ApiClient.ok;
import static dev.gatehouse.support.OktaAssertions.assertOktaError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guessing codes: wrong codes count toward the user's lockout as wrong passwords do, and every activate or verify draws
 * from the per-user factor limit (Okta: five attempts in five minutes, then 429 E0000047). On H2 and PostgreSQL, with
 * rate limits on and a lockout after three failures.
 */
@ParameterizedClass
@MethodSource("dev.gatehouse.support.TestDatabase#all")
class FactorAttemptsHttpTest {

    @Parameter
    TestDatabase database;

    static TestServer server;
    static MfaClient api;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase database) {
        server = TestServer.start(database, "--rate-limit-multiplier", "1", "--lockout-attempts", "3");
        api = new MfaClient(server);
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
    }

    @BeforeEach
    void googleAuthenticatorIsActive() {
        api.googleOtpActive();
    }

    @Test
    void wrongCodesLockTheAccountLikeWrongPasswords() {
        Enrolled e = api.active(api.newUser());
        api.nextSteps(2);
        String wrong = wrong(api.code(e, 0), api.code(e, -1), api.code(e, 1));
        long locks = api.events("user.account.lock");
        long failures = api.events("user.authentication.auth_via_mfa");
        assertOktaError(api.verify(e, wrong), 403, "E0000068");
        assertOktaError(api.verify(e, wrong), 403, "E0000068");
        assertThat(status(e)).isEqualTo("ACTIVE");
        assertOktaError(api.verify(e, wrong), 403, "E0000068");
        assertThat(status(e)).isEqualTo("LOCKED_OUT");
        assertThat(api.events("user.account.lock")).isEqualTo(locks + 1);
        assertThat(api.events("user.authentication.auth_via_mfa")).isEqualTo(failures + 3);
        Http.Response locked = api.verify(e, api.code(e, 0));
        assertOktaError(locked, 403, "E0000069");
        assertThat(locked.json().get("errorSummary").asText()).isEqualTo("User Locked");
        // Unlocked by an admin, the right code works (the refused one was never accepted).
        ok(api.post("/api/v1/users/" + e.userId() + "/lifecycle/unlock", null));
        assertSuccess(api.verify(e, api.code(e, 0)));
    }

    @Test
    void theSixthAttemptInFiveMinutesIsRefusedAndChangesNothing() {
        Enrolled e = api.active(api.newUser());        // attempt 1
        Enrolled other = api.active(api.newUser());
        api.nextSteps(1);
        String code = api.code(e, 0);
        assertSuccess(api.verify(e, code));            // 2
        for (int i = 3; i <= 5; i++) {
            assertOktaError(api.verify(e, code), 403, "E0000082");
        }
        Http.Response limited = api.verify(e, api.code(e, 1));   // a good code, not used yet
        assertOktaError(limited, 429, "E0000047");
        assertThat(limited.json().get("errorSummary").asText()).isEqualTo("API call exceeded rate limit due to too many requests.");
        assertSuccess(api.verify(other, api.code(other, 0)));   // another user's attempts are their own
        server.clock.advance(Duration.ofMinutes(5));
        assertSuccess(api.verify(e, api.code(e, 0)));
    }

    private static String status(Enrolled e) {
        return ok(api.get("/api/v1/users/" + e.userId())).get("status").asText();
    }

    /** A 6-digit code none of the given ones is. */
    private static String wrong(String... codes) {
        for (int i = 0; ; i++) {
            String candidate = String.format("%06d", i);
            if (!java.util.List.of(codes).contains(candidate)) {
                return candidate;
            }
        }
    }
}
