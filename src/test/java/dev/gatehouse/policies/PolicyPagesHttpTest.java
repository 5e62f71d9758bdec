package dev.gatehouse.policies;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.support.ApiClient;
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
 * The policy console pages over HTTP: Security › Authentication Policies and its "Any two factors" preset, the app's
 * Sign On tab choosing a policy, Security › Authenticator Enrollment, Security › Global Session Policy's "second
 * factor for administrators"; refusals readable on the page with nothing changed, forged forms refused.
 */
class PolicyPagesHttpTest {

    static final String POLICIES_PAGE = "/admin/security/authentication-policies";
    static final String ENROLLMENT_PAGE = "/admin/security/authenticator-enrollment";
    static final String SESSION_PAGE = "/admin/security/global-session-policy";

    static TestServer server;
    static ApiClient api;

    @BeforeAll
    static void start() {
        server = TestServer.start(TestDatabase.H2);
        api = ApiClient.of(server);
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

    static long events(String type) {
        return server.wiring().db.read(h -> server.wiring().systemLog.count(h, type));
    }

    @Test
    void theAnyTwoFactorsPresetIsOneClickAndAnAppsSignOnTabChoosesIt() {
        Browser b = admin();
        Http.Response list = b.get(POLICIES_PAGE);
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body()).contains("Default Policy").contains("password only").contains("Okta's newer orgs");
        long created = events("policy.lifecycle.create");
        Http.Response preset = b.post(POLICIES_PAGE + "/any-two-factors", "csrf", Browser.csrf(list));
        assertThat(preset.status()).isEqualTo(303);
        Http.Response page = b.get(preset.header("Location"));
        assertThat(page.body()).contains("Any two factors").contains("Require two factors to access.").contains("Catch-all Rule");
        assertThat(b.post(POLICIES_PAGE + "/any-two-factors", "csrf", Browser.csrf(list)).header("Location")).isEqualTo(preset.header("Location"));
        assertThat(events("policy.lifecycle.create")).isEqualTo(created + 1);
        String policyId = preset.header("Location").substring(preset.header("Location").lastIndexOf('/') + 1);
        JsonNode policy = ok(api.get("/api/v1/policies/" + policyId));
        assertThat(policy.get("system").asBoolean()).isFalse();
        assertThat(ok(api.get("/api/v1/policies/" + policyId + "/rules")).get(0).at("/actions/appSignOn/verificationMethod/factorMode").asText())
                .isEqualTo("2FA");

        String appId = ok(api.post("/api/v1/apps", """
                {"name":"oidc_client","label":"Sign On tab","signOnMode":"OPENID_CONNECT",
                 "credentials":{"oauthClient":{"token_endpoint_auth_method":"none"}},
                 "settings":{"oauthClient":{"application_type":"browser","redirect_uris":["http://localhost:8080/login/callback"],
                   "response_types":["code"],"grant_types":["authorization_code"]}}}""")).get("id").asText();
        Http.Response tab = b.get("/admin/apps/" + appId + "?tab=sign-on");
        assertThat(tab.body()).contains("App sign-in policy").contains(">Default Policy</a>");
        long mapped = events("policy.mapping.create");
        Http.Response unknown = b.post("/admin/apps/" + appId + "/sign-on-policy", "csrf", Browser.csrf(tab), "policyId", "rstNoSuchPolicy00000");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(events("policy.mapping.create")).isEqualTo(mapped);
        Http.Response chosen = b.post("/admin/apps/" + appId + "/sign-on-policy", "csrf", Browser.csrf(tab), "policyId", policyId);
        assertThat(chosen.status()).isEqualTo(303);
        assertThat(b.get(chosen.header("Location")).body()).contains("App sign-in policy saved.").contains(">Any two factors</a>");
        assertThat(ok(api.get("/api/v1/apps/" + appId)).at("/_links/accessPolicy/href").asText()).endsWith("/api/v1/policies/" + policyId);
        assertThat(server.wiring().signOnPolicies.forApp(appId, "00uSomebody000000000").factors()).isEqualTo(2);
    }

    @Test
    void theEnrollmentPageRefusesAnInactiveAuthenticatorReadablyAndSavesAnActiveOne() {
        Browser b = admin();
        Http.Response page = b.get(ENROLLMENT_PAGE);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("Google Authenticator").contains("aria-label=\"Enrollment of Google Authenticator\"");
        JsonNode google = null;
        for (JsonNode a : ok(api.get("/api/v1/authenticators"))) {
            if (a.get("key").asText().equals("google_otp")) {
                google = a;
            }
        }
        if (google.get("status").asText().equals("ACTIVE")) {   // as seeded, unless another test of the class activated it
            enrollmentOffersGoogle("NOT_ALLOWED");
            ok(api.post("/api/v1/authenticators/" + google.get("id").asText() + "/lifecycle/deactivate", null));
        }
        long updates = events("policy.lifecycle.update");
        Http.Response refused = b.post(ENROLLMENT_PAGE, "csrf", Browser.csrf(page), "okta_password", "REQUIRED", "google_otp", "REQUIRED");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body()).contains("Nothing was changed").contains("google_otp authenticator is inactive");
        assertThat(events("policy.lifecycle.update")).isEqualTo(updates);

        ok(api.post("/api/v1/authenticators/" + google.get("id").asText() + "/lifecycle/activate", null));
        try {
            Http.Response saved = b.post(ENROLLMENT_PAGE, "csrf", Browser.csrf(page), "okta_password", "REQUIRED", "google_otp", "REQUIRED");
            assertThat(saved.status()).isEqualTo(303);
            assertThat(saved.header("Location")).contains("notice=saved");
            assertThat(events("policy.lifecycle.update")).isEqualTo(updates + 1);
            String me = server.wiring().users.get(TestServer.ADMIN).id();
            assertThat(server.wiring().signOnPolicies.enrollment(me)).containsEntry("google_otp", SignOnPolicies.Enrollment.REQUIRED);
            // In force at once: the admin, who has no Google Authenticator, enrolls it before the console goes on.
            Http.Response next = b.get(saved.header("Location"));
            assertThat(next.status()).isEqualTo(302);
            assertThat(next.header("Location")).startsWith("/signin/enroll?fromURI=");
        } finally {
            enrollmentOffersGoogle("OPTIONAL");
        }
    }

    private static JsonNode authenticator(String key) {
        for (JsonNode a : ok(api.get("/api/v1/authenticators"))) {
            if (a.get("key").asText().equals(key)) {
                return a;
            }
        }
        throw new AssertionError("no authenticator " + key);
    }

    /** The default MFA_ENROLL policy with google_otp at {@code level}, through the API. */
    private static void enrollmentOffersGoogle(String level) {
        for (JsonNode p : ok(api.get("/api/v1/policies?type=MFA_ENROLL"))) {
            if (p.get("system").asBoolean()) {
                ok(api.put("/api/v1/policies/" + p.get("id").asText(), "{\"type\":\"MFA_ENROLL\",\"name\":\"Default Policy\","
                        + "\"settings\":{\"type\":\"AUTHENTICATORS\",\"authenticators\":[{\"key\":\"okta_password\",\"enroll\":"
                        + "{\"self\":\"REQUIRED\"}},{\"key\":\"google_otp\",\"enroll\":{\"self\":\"" + level + "\"}}]}}"));
            }
        }
    }

    @Test
    void requiringASecondFactorForAdministratorsNamesTheSuperAdmins() {
        Browser b = admin();
        Http.Response page = b.get(SESSION_PAGE);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("Default Policy").contains("Require a second factor for administrators");
        // Without a second-factor authenticator nobody could meet it: refused, nothing written.
        enrollmentOffersGoogle("NOT_ALLOWED");
        JsonNode google = authenticator("google_otp");
        if (google.get("status").asText().equals("ACTIVE")) {
            ok(api.post("/api/v1/authenticators/" + google.get("id").asText() + "/lifecycle/deactivate", null));
        }
        long before = events("policy.lifecycle.create") + events("policy.rule.add");
        Http.Response refused = b.post(SESSION_PAGE + "/administrators", "csrf", Browser.csrf(page));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body()).contains("Activate Google Authenticator or Security Key or Biometric first");
        assertThat(events("policy.lifecycle.create") + events("policy.rule.add")).isEqualTo(before);
        ok(api.post("/api/v1/authenticators/" + google.get("id").asText() + "/lifecycle/activate", null));
        enrollmentOffersGoogle("OPTIONAL");
        Http.Response done = b.post(SESSION_PAGE + "/administrators", "csrf", Browser.csrf(page));
        assertThat(done.status()).isEqualTo(303);
        // In force at once: this admin has no second factor, so the console sends them to set one up first.
        Http.Response next = b.get(done.header("Location"));
        assertThat(next.status()).isEqualTo(302);
        assertThat(next.header("Location")).startsWith("/signin/");
        assertThat(b.get("/api/v1/sessions/me").json().get("status").asText()).isIn("MFA_REQUIRED", "MFA_ENROLL");
        String me = server.wiring().users.get(TestServer.ADMIN).id();
        assertThat(server.wiring().signOnPolicies.forSession(me).requireFactor()).isTrue();
        assertThat(server.wiring().signOnPolicies.forSession(me).factorLifetime()).isZero();
        // Again: brought up to date, not duplicated.
        assertThat(b.post(SESSION_PAGE + "/administrators", "csrf", Browser.csrf(page)).status()).isEqualTo(303);
        long admins = 0;
        for (JsonNode p : ok(api.get("/api/v1/policies?type=OKTA_SIGN_ON"))) {
            if (p.get("name").asText().equals("Administrators")) {
                admins++;
                assertThat(ok(api.get("/api/v1/policies/" + p.get("id").asText() + "/rules"))).hasSize(1);
            }
        }
        assertThat(admins).isEqualTo(1);
        for (JsonNode p : ok(api.get("/api/v1/policies?type=OKTA_SIGN_ON"))) {
            if (p.get("name").asText().equals("Administrators")) {   // so the other tests' admin is not asked for a factor
                ok(api.post("/api/v1/policies/" + p.get("id").asText() + "/lifecycle/deactivate", null));
            }
        }
    }

    @Test
    void forgedPolicyFormsAreRefusedAndChangeNothing() {
        Browser b = admin();
        long created = events("policy.lifecycle.create");
        long updated = events("policy.lifecycle.update");
        for (String path : new String[]{POLICIES_PAGE + "/any-two-factors", ENROLLMENT_PAGE, SESSION_PAGE + "/administrators"}) {
            Http.Response none = b.post(path);
            assertThat(none.status()).as(path).isEqualTo(403);
            assertThat(b.post(path, "csrf", "x".repeat(32)).status()).as(path).isEqualTo(403);
        }
        assertThat(events("policy.lifecycle.create")).isEqualTo(created);
        assertThat(events("policy.lifecycle.update")).isEqualTo(updated);
    }
}
