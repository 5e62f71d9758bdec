package dev.gatehouse.mfa;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.mfa.MfaClient.Enrolled;
import dev.gatehouse.support.Browser;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static dev.gatehouse.support.ApiClient.ok;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Security › Authenticators and a person's "Reset authenticators" over HTTP: the changes, the events, and forged forms
 * (no or a wrong CSRF token) refused with nothing changed.
 */
class AuthenticatorPagesHttpTest {

    static final String LIST = "/admin/security/authenticators";

    static TestServer server;
    static MfaClient api;

    @BeforeAll
    static void start() {
        server = TestServer.start(TestDatabase.H2);
        api = new MfaClient(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Browser admin() {
        Browser b = server.browser();
        b.signIn(TestServer.ADMIN, TestServer.ADMIN_PASSWORD, "/admin");
        return b;
    }

    @Test
    void anAdminActivatesAndDeactivatesGoogleAuthenticator() {
        api.googleOtpInactive();
        String id = api.authenticator("google_otp").get("id").asText();
        Browser b = admin();
        Http.Response page = b.get(LIST);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("Google Authenticator").contains("okta_password").contains("Always on")
                .contains("aria-label=\"Activate Google Authenticator\"");
        long events = api.events("security.authenticator.lifecycle.activate");
        Http.Response activated = b.post(LIST + "/" + id + "/activate", "csrf", Browser.csrf(page));
        assertThat(activated.status()).isEqualTo(303);
        assertThat(b.get(activated.header("Location")).body()).contains("Authenticator activated.");
        assertThat(api.authenticator("google_otp").get("status").asText()).isEqualTo("ACTIVE");
        assertThat(api.events("security.authenticator.lifecycle.activate")).isEqualTo(events + 1);

        Http.Response again = b.post(LIST + "/" + id + "/activate", "csrf", Browser.csrf(page));
        assertThat(again.status()).isEqualTo(400);
        assertThat(again.body()).contains("already active");

        // While the default enrollment policy offers it, deactivating is refused with the policy named (Okta's E0000148).
        api.defaultEnrollmentPolicyOffersGoogle("OPTIONAL");
        Http.Response used = b.post(LIST + "/" + id + "/deactivate", "csrf", Browser.csrf(page));
        assertThat(used.status()).isEqualTo(400);
        assertThat(used.body()).contains("enrollment policies offer or require it (Default Policy)");
        assertThat(api.authenticator("google_otp").get("status").asText()).isEqualTo("ACTIVE");

        api.defaultEnrollmentPolicyOffersGoogle("NOT_ALLOWED");
        Http.Response deactivated = b.post(LIST + "/" + id + "/deactivate", "csrf", Browser.csrf(page));
        assertThat(deactivated.status()).isEqualTo(303);
        assertThat(api.authenticator("google_otp").get("status").asText()).isEqualTo("INACTIVE");
        String password = api.authenticator("okta_password").get("id").asText();
        Http.Response refused = b.post(LIST + "/" + password + "/deactivate", "csrf", Browser.csrf(page));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body()).contains("The password is always on: it cannot be deactivated.");
        assertThat(api.authenticator("okta_password").get("status").asText()).isEqualTo("ACTIVE");
    }

    @Test
    void forgedFormsAreRefusedAndChangeNothing() {
        api.googleOtpActive();
        Enrolled e = api.active(api.newUser());
        String id = api.authenticator("google_otp").get("id").asText();
        Browser b = admin();
        for (String path : new String[]{LIST + "/" + id + "/deactivate", "/admin/people/" + e.userId() + "/authenticators/reset"}) {
            Http.Response none = b.post(path);
            assertThat(none.status()).as(path).isEqualTo(403);
            assertThat(none.body()).contains("Nothing was changed");
            assertThat(b.post(path, "csrf", "x".repeat(32)).status()).as(path).isEqualTo(403);
        }
        assertThat(api.authenticator("google_otp").get("status").asText()).isEqualTo("ACTIVE");
        assertThat(ok(api.get(MfaClient.factors(e.userId())))).hasSize(1);
        // Without a session, the console sends to the sign-in page and changes nothing either.
        Http.Response anonymous = server.browser().post("/admin/people/" + e.userId() + "/authenticators/reset", "csrf", "x".repeat(32));
        assertThat(anonymous.status()).isIn(302, 303, 403);
        assertThat(ok(api.get(MfaClient.factors(e.userId())))).hasSize(1);
    }

    @Test
    void resetAuthenticatorsFromThePersonsPage() {
        api.googleOtpActive();
        Enrolled e = api.active(api.newUser());
        Browser b = admin();
        Http.Response person = b.get("/admin/people/" + e.userId());
        assertThat(person.body()).contains("Authenticators").contains("Google Authenticator").contains("Reset authenticators");
        Http.Response confirm = b.get("/admin/people/" + e.userId() + "/authenticators/reset");
        assertThat(confirm.status()).isEqualTo(200);
        assertThat(confirm.body()).contains("Remove every enrolled authenticator");
        long events = api.events("user.mfa.factor.reset_all");
        Http.Response reset = b.post("/admin/people/" + e.userId() + "/authenticators/reset", "csrf", Browser.csrf(confirm));
        assertThat(reset.status()).isEqualTo(303);
        Http.Response after = b.get(reset.header("Location"));
        assertThat(after.body()).contains("Authenticators reset.").contains("No authenticator enrolled").doesNotContain(">Reset authenticators<");
        assertThat(api.events("user.mfa.factor.reset_all")).isEqualTo(events + 1);
        JsonNode factors = ok(api.get(MfaClient.factors(e.userId())));
        assertThat(factors).isEmpty();
        assertThat(b.get("/admin/people/00uDoesNotExist000000/authenticators/reset").status()).isEqualTo(404);
    }
}
